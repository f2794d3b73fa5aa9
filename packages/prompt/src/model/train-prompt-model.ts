import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import { tuneThreshold } from '@icd/metrics';
import {
  type ProgressStream,
  type ProgressUpdate,
  RandomGenerator,
  registerGradients,
  Trainer,
  type TrainResult,
} from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import type { PromptInput } from '../templates/template.js';
import {
  batchLoss,
  encodeLabels,
  evaluatePromptModel,
  type LabelledBatch,
  labelledBatches,
} from './labelled-batches.js';
import type { PromptForClassification } from './prompt-for-classification.js';
import { promptParameterGroups } from './prompt-parameter-groups.js';

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
  /** The PLM's optimizer: `'adamw'` (default) or `'adafactor'` (external rate, no relative step). */
  readonly plmOptimizer?: 'adamw' | 'adafactor';
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
      loss: batchLoss(
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
