import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import { f1Score, tuneThreshold } from '@icd/metrics';
import {
  Adafactor,
  AdamW,
  linearSchedule,
  type ParameterGroup,
  type ProgressStream,
  type ProgressUpdate,
  RandomGenerator,
  registerGradients,
  Trainer,
  type TrainResult,
} from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import type { PromptBatch, PromptInput, WrappedExample } from '../templates/template.js';
import { sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from './classification-losses.js';
import type { PromptForClassification } from './prompt-for-classification.js';

/**
 * A labelled note: its input and its code(s) — one class name for single-label models, any number
 * (zero included) for multi-label ones.
 *
 * @example
 * ```ts
 * const example: PromptExample = { input: 'Irregularly irregular pulse.', labels: ['I48.91'] };
 * ```
 */
export interface PromptExample {
  readonly input: PromptInput | string;
  readonly labels: string | readonly string[];
}

/**
 * Options of {@link trainPromptModel}. Learning rates default to the MDR-BERT study's optimum
 * (Table 2: prompt 0.3 with Adafactor, verbalizer 0.007 with AdamW) and 5e-5 for the PLM.
 *
 * @example
 * ```ts
 * const options: PromptTrainingOptions = { epochs: 5, batchSize: 8, learningRates: { plm: 3e-5 }, validation: { examples: dev, patience: 2 } };
 * ```
 */
export interface PromptTrainingOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly accumulationSteps?: number;
  /** Share of the updates with a linear warm-up (default 0.1), then linear decay to 0. */
  readonly warmupRatio?: number;
  readonly learningRates?: {
    readonly template?: number;
    readonly plm?: number;
    readonly verbalizer?: number;
  };
  /** AdamW weight decay of the PLM (default 0.01; none on biases and LayerNorm). */
  readonly weightDecay?: number;
  /** Global gradient-norm clipping (default 1; `null` off). */
  readonly maxGradNorm?: number | null;
  readonly seed?: number;
  /**
   * Held-out notes (a split carved from train, never test): evaluated every `every` updates (default:
   * once per epoch); the best weights by `metric` are restored at the end, and training stops after
   * `patience` evaluations without improvement. Multi-label: the threshold is tuned on them after training.
   */
  readonly validation?: {
    readonly examples: readonly PromptExample[];
    readonly every?: number;
    readonly metric?: 'loss' | 'accuracy' | 'microF1';
    readonly patience?: number;
    readonly tuneThreshold?: 'global' | 'perLabel' | false;
  };
  readonly progress?: ProgressStream | false;
  readonly onStep?: (update: ProgressUpdate) => void;
}

/**
 * What {@link trainPromptModel} returns: the trainer's result, the validation figures, and the share
 * of training notes the template had to shorten.
 *
 * @example
 * ```ts
 * const { step, meanLoss, best, truncationRate } = await trainPromptModel(model, train, options);
 * ```
 */
export interface PromptTrainResult extends TrainResult {
  readonly truncationRate: number;
  readonly validation?: Readonly<Record<string, number>>;
}

interface LabelledBatch {
  readonly prompt: PromptBatch;
  readonly classIndex: Int32Array;
  readonly indicators: Float32Array;
}

function encodeLabels(model: PromptForClassification, examples: readonly PromptExample[], argument: string) {
  const index = new Map(model.labels.map((label, i) => [label, i]));
  const classes = model.labels.length;
  const classIndex = new Int32Array(examples.length);
  const indicators = new Float32Array(examples.length * classes);
  examples.forEach((example, row) => {
    const labels = typeof example?.labels === 'string' ? [example.labels] : example?.labels;
    if (!Array.isArray(labels))
      invalidArgument('trainPromptModel', argument, 'examples with labels', example);
    if (!model.multiLabel && labels.length !== 1)
      invalidArgument(
        'trainPromptModel',
        argument,
        'exactly one label per example (single-label model)',
        labels,
      );
    for (const label of labels) {
      const i = index.get(label);
      if (i === undefined)
        invalidArgument('trainPromptModel', argument, `labels among the model's ${classes} classes`, label);
      indicators[row * classes + i] = 1;
      classIndex[row] = i;
    }
  });
  return { classIndex, indicators };
}

function loss(model: PromptForClassification, batch: LabelledBatch, logits: tf.Tensor2D): tf.Scalar {
  return model.multiLabel
    ? sigmoidBinaryCrossEntropy(logits, batch.indicators)
    : softmaxCrossEntropy(logits, batch.classIndex);
}

function labelledBatches(
  model: PromptForClassification,
  wrapped: readonly WrappedExample[],
  labels: { classIndex: Int32Array; indicators: Float32Array },
  order: readonly number[],
  batchSize: number,
): LabelledBatch[] {
  const classes = model.labels.length;
  const out: LabelledBatch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const indicators = new Float32Array(rows.length * classes);
    for (const [r, row] of rows.entries())
      indicators.set(labels.indicators.subarray(row * classes, (row + 1) * classes), r * classes);
    out.push({
      prompt: model.template.collate(rows.map((row) => wrapped[row]!)),
      classIndex: Int32Array.from(rows.map((row) => labels.classIndex[row]!)),
      indicators,
    });
  }
  return out;
}

/** The parameter groups of a prompt model: Adafactor for the template, AdamW for PLM and verbalizer. */
export function promptParameterGroups(
  model: PromptForClassification,
  options: Pick<PromptTrainingOptions, 'learningRates' | 'weightDecay'> & {
    readonly totalSteps: number;
    readonly warmupSteps: number;
  },
): ParameterGroup[] {
  const rates = { template: 0.3, plm: 5e-5, verbalizer: 7e-3, ...(options.learningRates ?? {}) };
  for (const [name, rate] of Object.entries(rates))
    assertFiniteNumber('trainPromptModel', `learningRates.${name}`, rate, { min: 0 });
  const schedule = linearSchedule({ warmupSteps: options.warmupSteps, totalSteps: options.totalSteps });
  const groups: ParameterGroup[] = [];
  const template = model.template.weights;
  if (template.size > 0)
    groups.push({
      name: 'template',
      parameters: template,
      // The prompt-learning setup of the study and OpenPrompt's tutorial: Adafactor with an external rate.
      optimizer: new Adafactor(template, {
        learningRate: rates.template,
        relativeStep: false,
        scaleParameter: false,
        warmupInit: false,
      }),
      schedule,
    });
  if (!model.freezePlm)
    groups.push({
      name: 'plm',
      parameters: model.plm.weights,
      optimizer: new AdamW(model.plm.weights, {
        learningRate: rates.plm,
        weightDecay: options.weightDecay ?? 0.01,
      }),
      schedule,
    });
  const verbalizer = model.verbalizer.weights;
  if (verbalizer.size > 0)
    groups.push({
      name: 'verbalizer',
      parameters: verbalizer,
      optimizer: new AdamW(verbalizer, { learningRate: rates.verbalizer, weightDecay: 0 }),
      schedule,
    });
  if (groups.length === 0)
    invalidArgument(
      'trainPromptModel',
      'model',
      'a model with something to train (a tunable PLM, soft tokens or a soft verbalizer)',
      'a manual template and verbalizer over a frozen PLM',
    );
  return groups;
}

/** Shuffles `0..n-1` with a seeded generator (Fisher–Yates). */
function shuffled(n: number, seed: number): number[] {
  const random = new RandomGenerator(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Validation loss, accuracy (single-label) or micro-F1 at the model's thresholds, and the probabilities. */
export async function evaluatePromptModel(
  model: PromptForClassification,
  examples: readonly PromptExample[],
): Promise<{ metrics: Record<string, number>; probabilities: Float32Array[]; indicators: Float32Array }> {
  const labels = encodeLabels(model, examples, 'examples');
  const wrapped = examples.map((example) => model.template.wrap(example.input));
  const batches = labelledBatches(
    model,
    wrapped,
    labels,
    wrapped.map((_, i) => i),
    model.batchSize,
  );
  let total = 0;
  const probabilities: Float32Array[] = [];
  for (const batch of batches) {
    const [value, probs] = tf.tidy(() => {
      const logits = model.forward(batch.prompt);
      return [loss(model, batch, logits), model.probabilities(logits)] as const;
    });
    total += (await value.data())[0]! * batch.classIndex.length;
    const data = (await probs.data()) as Float32Array;
    const width = model.labels.length;
    for (let r = 0; r < batch.classIndex.length; r += 1)
      probabilities.push(data.slice(r * width, (r + 1) * width));
    tf.dispose([value, probs]);
  }
  const metrics: Record<string, number> = { loss: total / examples.length };
  if (!model.multiLabel) {
    const correct = probabilities.filter(
      (row, i) => row.indexOf(Math.max(...row)) === labels.classIndex[i],
    ).length;
    metrics.accuracy = correct / examples.length;
  } else {
    const thresholds = model.thresholds;
    const predicted = probabilities.map((row) => Array.from(row, (p, j) => (p >= thresholds[j]! ? 1 : 0)));
    const truth = probabilities.map((_, i) =>
      Array.from(labels.indicators.subarray(i * row(model), (i + 1) * row(model))),
    );
    metrics.microF1 = f1Score(truth, predicted, { average: 'micro', zeroDivision: 0 });
  }
  return { metrics, probabilities, indicators: labels.indicators };
}

const row = (model: PromptForClassification) => model.labels.length;

/**
 * Trains a prompt model through `@icd/train`'s `Trainer`: parameter groups from
 * {@link promptParameterGroups} (frozen PLM: not in any group, never touched), seeded shuffling per
 * epoch, warm-up, accumulation, clipping, validation with early stopping and restoring of the best
 * weights, and (multi-label) a threshold tuned on validation with `@icd/metrics`' `tuneThreshold`.
 *
 * @example
 * ```ts
 * const result = await trainPromptModel(model, trainExamples, { epochs: 3, validation: { examples: validationExamples } });
 * ```
 */
export async function trainPromptModel(
  model: PromptForClassification,
  examples: readonly PromptExample[],
  options: PromptTrainingOptions = {},
): Promise<PromptTrainResult> {
  const fn = 'trainPromptModel';
  if (!Array.isArray(examples) || examples.length === 0)
    invalidArgument(fn, 'examples', 'a non-empty array', examples);
  const epochs = options.epochs ?? 3;
  const batchSize = options.batchSize ?? 8;
  const accumulationSteps = options.accumulationSteps ?? 1;
  assertInteger(fn, 'epochs', epochs, { min: 1 });
  assertInteger(fn, 'batchSize', batchSize, { min: 1 });
  assertInteger(fn, 'accumulationSteps', accumulationSteps, { min: 1 });
  const warmupRatio = options.warmupRatio ?? 0.1;
  assertFiniteNumber(fn, 'warmupRatio', warmupRatio, { min: 0, max: 1 });
  registerGradients();
  const labels = encodeLabels(model, examples, 'examples');
  model.template.resetTruncationStats();
  const wrapped = examples.map((example) => model.template.wrap(example.input));
  const truncationRate = model.template.truncationStats.rate;
  const batchesPerEpoch = Math.ceil(examples.length / batchSize);
  const totalSteps = Math.max(1, Math.floor((epochs * batchesPerEpoch) / accumulationSteps));
  const seed = options.seed ?? 0;
  const groups = promptParameterGroups(model, {
    ...options,
    totalSteps,
    warmupSteps: Math.floor(warmupRatio * totalSteps),
  });
  const validation = options.validation;
  const metric = validation?.metric ?? (model.multiLabel ? 'loss' : 'accuracy');
  const trained = new Map(groups.flatMap((group) => [...group.parameters]));
  let best: { value: number; weights: Map<string, tf.Tensor> } | undefined;
  const trainer = new Trainer<LabelledBatch>({
    batches: (epoch) =>
      labelledBatches(model, wrapped, labels, shuffled(examples.length, seed * 7919 + epoch), batchSize),
    objective: (batch, context) => ({
      loss: loss(
        model,
        batch,
        model.forward(batch.prompt, { training: context.training, dropoutSeed: context.seed }),
      ),
      items: batch.classIndex.length,
    }),
    groups,
    totalSteps,
    accumulationSteps,
    maxGradNorm: options.maxGradNorm === undefined ? 1 : options.maxGradNorm,
    seed,
    progress: options.progress ?? false,
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(validation
      ? {
          evaluate: {
            every: validation.every ?? Math.max(1, Math.floor(batchesPerEpoch / accumulationSteps)),
            metric,
            mode: metric === 'loss' ? ('min' as const) : ('max' as const),
            ...(validation.patience === undefined ? {} : { patience: validation.patience }),
            run: async () => {
              const { metrics } = await evaluatePromptModel(model, validation.examples);
              const value = metrics[metric];
              if (value === undefined)
                invalidArgument(fn, 'validation.metric', 'a metric of this model', metric);
              const better = !best || (metric === 'loss' ? value < best.value : value > best.value);
              if (better) {
                for (const tensor of best?.weights.values() ?? []) tensor.dispose();
                best = {
                  value,
                  weights: new Map([...trained].map(([name, v]) => [name, tf.keep(v.clone())])),
                };
              }
              return metrics;
            },
          },
        }
      : {}),
  });
  try {
    const result = await trainer.train();
    if (best) for (const [name, tensor] of best.weights) trained.get(name)!.assign(tensor);
    let figures: Record<string, number> | undefined;
    if (validation) {
      if (model.multiLabel && validation.tuneThreshold !== false) {
        const { probabilities, indicators } = await evaluatePromptModel(model, validation.examples);
        const width = model.labels.length;
        const truth = probabilities.map((_, i) =>
          Array.from(indicators.subarray(i * width, (i + 1) * width)),
        );
        const tuned = tuneThreshold(
          truth,
          probabilities.map((p) => Array.from(p)),
          { mode: validation.tuneThreshold ?? 'global' },
        );
        model.thresholds = tuned.thresholds.length === 1 ? tuned.thresholds[0]! : tuned.thresholds;
      }
      figures = (await evaluatePromptModel(model, validation.examples)).metrics;
    }
    return { ...result, truncationRate, ...(figures ? { validation: figures } : {}) };
  } finally {
    for (const tensor of best?.weights.values() ?? []) tensor.dispose();
    trainer.dispose();
  }
}
