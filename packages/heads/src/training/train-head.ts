import type { TokenizerLike } from '@icd/core';
import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import {
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
import { evaluateHead, type HeadEvaluation } from './evaluate-head.js';
import {
  cachedBatch,
  encodedBatch,
  type HeadTargets,
  headLoss,
  headTargets,
  type TfDifferentiableEncoder,
  type TfLabelHead,
  targetTensor,
  withoutAttention,
} from './head-batches.js';
import type { CachedNote } from './hidden-state-cache.js';
import {
  type NoteWindows,
  noteWindows,
  padTokenIdOf,
  resolveWindowSettings,
  type WindowOptions,
} from './note-windows.js';

/**
 * A training note of {@link trainHead}: cached encoder states (frozen-encoder mode, from
 * `cacheHiddenStates`) or a text (read by `options.encoder`), with its codes (multi-label: any
 * number, codes outside the head's labels ignored; single-label: exactly one known code).
 *
 * @example
 * ```ts
 * const cached: HeadExample = cache.notes[0]!; // { states, windows, codes, ... }
 * const text: HeadExample = { text: 'Acute myocardial infarction.', codes: ['I21.9'] };
 * ```
 */
export type HeadExample = CachedNote | { readonly text: string; readonly codes: readonly string[] | string };

/**
 * Options of {@link trainHead}. Cached examples train the head alone; text examples need `encoder`
 * and `tokenizer`, and train encoder and head (two AdamW parameter groups) unless `freezeEncoder`.
 *
 * @example
 * ```ts
 * const options: HeadTrainingOptions = { epochs: 20, batchSize: 8, learningRate: 1e-3, validation: { examples: dev, patience: 3 } };
 * ```
 */
export interface HeadTrainingOptions extends WindowOptions {
  /** Passes over the examples (default 3). */
  readonly epochs?: number;
  /** Notes per micro-batch (default 8). */
  readonly batchSize?: number;
  /** Micro-batches per update (default 1). */
  readonly accumulationSteps?: number;
  /** AdamW rate of the head (default 1e-3). */
  readonly learningRate?: number;
  /** AdamW rate of a tunable encoder (default 5e-5). */
  readonly encoderLearningRate?: number;
  /** Decoupled weight decay of both groups (default 0.01; none on biases and LayerNorm). */
  readonly weightDecay?: number;
  /** Share of the updates with a linear warm-up (default 0.1), then linear decay to 0. */
  readonly warmupRatio?: number;
  /** Global gradient-norm clipping (default 1; `null` off). */
  readonly maxGradNorm?: number | null;
  /** Seed of the shuffling and the dropout masks (default 0). */
  readonly seed?: number;
  /**
   * Batch notes of similar length together (HF `group_by_length`): each epoch's shuffled order is cut
   * into groups of 50 batches, each group sorted by token count before it is split into batches, and
   * the batches are shuffled again. Less padding, faster epochs; default false.
   */
  readonly groupByLength?: boolean;
  /** The encoder of text examples (`@icd/bert`'s `BertModel`). */
  readonly encoder?: TfDifferentiableEncoder;
  readonly tokenizer?: TokenizerLike;
  /** Keep the encoder fixed (no parameter group, no dropout) while reading text examples (default false). */
  readonly freezeEncoder?: boolean;
  /**
   * Held-out notes (carved from train, never test): evaluated every `every` updates (default once per
   * epoch); the best weights by `metric` are restored at the end; training stops after `patience`
   * evaluations without improvement. Multi-label: the thresholds are then tuned on them (micro-F1).
   */
  readonly validation?: {
    readonly examples: readonly HeadExample[];
    readonly every?: number;
    /** Default `'microF1'` (at the best global threshold) multi-label, `'accuracy'` single-label. */
    readonly metric?: 'loss' | 'microF1' | 'accuracy';
    readonly patience?: number;
    /** Default `'global'`. */
    readonly tuneThreshold?: 'global' | 'perLabel' | false;
  };
  /** Progress bar stream (default none). */
  readonly progress?: ProgressStream | false;
  readonly onStep?: (update: ProgressUpdate) => void;
  /**
   * Stops training between micro-batches: the promise rejects with the signal's reason (the head keeps
   * the weights of the last finished update).
   */
  readonly signal?: AbortSignal;
}

/**
 * What {@link trainHead} returns: the trainer's figures, the validation figures after restoring the
 * best weights, and (multi-label with validation) the tuned thresholds for `HeadCoder`.
 *
 * @example
 * ```ts
 * const { thresholds, validation } = await trainHead(head, cache.notes, { validation: { examples: dev } });
 * const coder = new HeadCoder({ encoder, tokenizer, head, thresholds });
 * ```
 */
export interface HeadTrainResult extends TrainResult {
  /** One (global) or one per label; `Infinity` = never predict. */
  readonly thresholds?: Float64Array;
  readonly validation?: Readonly<Record<string, number>>;
}

function shuffled(n: number, seed: number): number[] {
  const random = new RandomGenerator(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** One epoch's micro-batches of example indices (seeded; grouped by length when asked). */
function epochBatches(
  prepared: PreparedExamples,
  batchSize: number,
  seed: number,
  groupByLength: boolean,
): number[][] {
  const count = prepared.cached?.length ?? prepared.windows!.length;
  const order = shuffled(count, seed);
  const batches: number[][] = [];
  if (!groupByLength) {
    for (let first = 0; first < count; first += batchSize)
      batches.push(order.slice(first, first + batchSize));
    return batches;
  }
  const length = (row: number) =>
    prepared.cached
      ? prepared.cached[row]!.states.length / prepared.cached[row]!.hiddenSize
      : (prepared.windows![row]!.windowStarts[prepared.windows![row]!.windowCount] as number);
  const group = batchSize * 50;
  for (let first = 0; first < count; first += group) {
    const members = order.slice(first, first + group).sort((a, b) => length(b) - length(a) || a - b);
    for (let start = 0; start < members.length; start += batchSize)
      batches.push(members.slice(start, start + batchSize));
  }
  return shuffled(batches.length, seed + 1).map((index) => batches[index]!);
}

/** Reads examples into what batches need: cached notes, or windows of texts. @internal */
export interface PreparedExamples {
  readonly cached: readonly CachedNote[] | undefined;
  readonly windows: readonly NoteWindows[] | undefined;
  readonly targets: HeadTargets;
}

/** How a batch of prepared examples becomes `[b, T, hidden]` states. @internal */
export interface BatchReader {
  read(
    prepared: PreparedExamples,
    rows: readonly number[],
    training: boolean,
    seed: number | undefined,
  ): { states: tf.Tensor3D; mask: tf.Tensor2D };
}

function prepare(
  fn: string,
  argument: string,
  head: TfLabelHead,
  examples: readonly HeadExample[],
  options: HeadTrainingOptions,
): PreparedExamples {
  if (!Array.isArray(examples) || examples.length === 0)
    invalidArgument(fn, argument, 'a non-empty array of { states, codes } or { text, codes }', examples);
  const isCached = examples.map((example, index) => {
    if (example === null || typeof example !== 'object')
      invalidArgument(fn, `${argument}[${index}]`, 'a { states, codes } or { text, codes }', example);
    if ('states' in example && example.states instanceof Float32Array) return true;
    if (typeof (example as { text?: unknown }).text === 'string') return false;
    return invalidArgument(fn, `${argument}[${index}]`, 'a cached note or a { text, codes }', example);
  });
  const cached = isCached.every(Boolean);
  if (!cached && isCached.some(Boolean))
    invalidArgument(fn, argument, 'all cached notes or all texts, not a mix', 'a mix');
  const targets = headTargets(
    fn,
    argument,
    head,
    examples.map((example) => example.codes),
  );
  if (cached) {
    const notes = examples as readonly CachedNote[];
    const width = notes[0]!.hiddenSize;
    notes.forEach((note, index) => {
      if (note.hiddenSize !== width || note.states.length % width !== 0)
        invalidArgument(
          fn,
          `${argument}[${index}]`,
          `a cached note of hidden size ${width}`,
          note.hiddenSize,
        );
    });
    return { cached: notes, windows: undefined, targets };
  }
  const { encoder, tokenizer } = options;
  if (!encoder || typeof encoder.forward !== 'function')
    invalidArgument(fn, 'encoder', 'a DifferentiableEncoder (e.g. a BertModel) for text examples', encoder);
  if (!tokenizer || typeof tokenizer.encode !== 'function')
    invalidArgument(fn, 'tokenizer', 'a TokenizerLike for text examples', tokenizer);
  const settings = resolveWindowSettings(fn, encoder, options);
  const windows = examples.map((example) =>
    noteWindows(tokenizer, (example as { text: string }).text, settings),
  );
  return { cached: undefined, windows, targets };
}

/**
 * Trains a label head (any `LabelHead` on tfjs: `LabelAttention`, `ClsHead`, your own) with
 * multi-label BCE or single-label cross-entropy through `@icd/train`'s `Trainer`: AdamW with its own
 * rate per group (head; tunable encoder), linear warm-up then decay, accumulation, clipping, seeded
 * shuffling and dropout, validation with early stopping and restoring of the best weights, and
 * thresholds tuned on validation with `@icd/metrics`' `tuneThreshold`.
 *
 * Frozen encoder: pass the notes of `cacheHiddenStates` — only the head's weights move. Tunable encoder:
 * pass `{ text, codes }` with `options.encoder` (a `DifferentiableEncoder`) and `options.tokenizer`.
 *
 * @example
 * ```ts
 * const cache = await cacheHiddenStates(bert, tokenizer, train, { windowLength: 128 });
 * const validation = await cacheHiddenStates(bert, tokenizer, dev, { windowLength: 128 });
 * const result = await trainHead(head, cache.notes, { epochs: 20, validation: { examples: validation.notes, patience: 3 } });
 * ```
 */
export async function trainHead(
  head: TfLabelHead,
  examples: readonly HeadExample[],
  options: HeadTrainingOptions = {},
): Promise<HeadTrainResult> {
  const fn = 'trainHead';
  if (!head || typeof head.forward !== 'function' || !(head.weights instanceof Map))
    invalidArgument(fn, 'head', 'a LabelHead with tf.Variable weights', head);
  const epochs = options.epochs ?? 3;
  const batchSize = options.batchSize ?? 8;
  const accumulationSteps = options.accumulationSteps ?? 1;
  assertInteger(fn, 'epochs', epochs, { min: 1 });
  assertInteger(fn, 'batchSize', batchSize, { min: 1 });
  assertInteger(fn, 'accumulationSteps', accumulationSteps, { min: 1 });
  const warmupRatio = options.warmupRatio ?? 0.1;
  assertFiniteNumber(fn, 'warmupRatio', warmupRatio, { min: 0, max: 1 });
  const learningRate = options.learningRate ?? 1e-3;
  const encoderLearningRate = options.encoderLearningRate ?? 5e-5;
  assertFiniteNumber(fn, 'learningRate', learningRate, { min: 0 });
  assertFiniteNumber(fn, 'encoderLearningRate', encoderLearningRate, { min: 0 });
  const weightDecay = options.weightDecay ?? 0.01;
  assertFiniteNumber(fn, 'weightDecay', weightDecay, { min: 0 });
  const seed = options.seed ?? 0;
  assertInteger(fn, 'seed', seed);
  const { signal } = options;
  if (signal !== undefined && (signal === null || typeof signal.throwIfAborted !== 'function'))
    invalidArgument(fn, 'signal', 'an AbortSignal', signal);
  signal?.throwIfAborted();
  registerGradients();
  const prepared = prepare(fn, 'examples', head, examples, options);
  const validation = options.validation;
  const validationPrepared = validation
    ? prepare(fn, 'validation.examples', head, validation.examples, options)
    : undefined;
  const tunable = prepared.windows !== undefined && !(options.freezeEncoder ?? false);
  const padTokenId = options.tokenizer ? padTokenIdOf(options.tokenizer) : 0;
  const reader: BatchReader = {
    read: (data, rows, training, dropoutSeed) =>
      data.cached
        ? cachedBatch(rows.map((row) => data.cached![row]!))
        : encodedBatch(
            options.encoder!,
            rows.map((row) => data.windows![row]!),
            {
              training: training && tunable,
              padTokenId,
              ...(dropoutSeed === undefined ? {} : { dropoutSeed }),
            },
          ),
  };

  const batchesPerEpoch = Math.ceil(examples.length / batchSize);
  const totalSteps = Math.max(1, Math.floor((epochs * batchesPerEpoch) / accumulationSteps));
  const schedule = linearSchedule({ warmupSteps: Math.floor(warmupRatio * totalSteps), totalSteps });
  const groups: ParameterGroup[] = [
    {
      name: 'head',
      parameters: head.weights,
      optimizer: new AdamW(head.weights, { learningRate, weightDecay }),
      schedule,
    },
  ];
  if (tunable) {
    const weights = options.encoder!.weights;
    groups.push({
      name: 'encoder',
      parameters: weights,
      optimizer: new AdamW(weights, { learningRate: encoderLearningRate, weightDecay }),
      schedule,
    });
  }
  const trained = new Map(groups.flatMap((group) => [...group.parameters]));
  const metric = validation?.metric ?? (head.problemType === 'multi_label' ? 'microF1' : 'accuracy');
  assertOneOfMetric(fn, metric);
  let best: { value: number; weights: Map<string, tf.Tensor> } | undefined;
  const evaluateNow = (): Promise<HeadEvaluation> =>
    evaluateHead(head, validationPrepared!, reader, { batchSize });

  const trainer = new Trainer<number[]>({
    batches: function* (epoch) {
      for (const batch of epochBatches(
        prepared,
        batchSize,
        seed * 7919 + epoch,
        options.groupByLength ?? false,
      )) {
        signal?.throwIfAborted(); // between micro-batches, outside any gradient scope
        yield batch;
      }
    },
    objective: (rows, context) => {
      const { states, mask } = reader.read(prepared, rows, context.training, context.seed);
      const { logits, labelAttention } = head.forward(states, mask, {
        training: context.training,
        dropoutSeed: context.seed,
        ...withoutAttention,
      });
      labelAttention?.dispose();
      return {
        loss: headLoss(logits, targetTensor(prepared.targets, rows), head.problemType),
        items: rows.length,
      };
    },
    groups,
    totalSteps,
    accumulationSteps,
    maxGradNorm: options.maxGradNorm === undefined ? 1 : options.maxGradNorm,
    seed,
    progress: options.progress ?? false,
    fingerprint: { batchSize },
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(validation
      ? {
          evaluate: {
            every: validation.every ?? Math.max(1, Math.floor(batchesPerEpoch / accumulationSteps)),
            metric,
            mode: metric === 'loss' ? ('min' as const) : ('max' as const),
            ...(validation.patience === undefined ? {} : { patience: validation.patience }),
            run: async () => {
              const { metrics } = await evaluateNow();
              const value = metrics[metric];
              if (value === undefined)
                invalidArgument(fn, 'validation.metric', 'a metric of this head', metric);
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
    if (!validation) return result;
    const evaluation = await evaluateNow();
    const thresholds =
      head.problemType === 'multi_label' && validation.tuneThreshold !== false
        ? evaluation.tune(validation.tuneThreshold ?? 'global')
        : undefined;
    return {
      ...result,
      validation: thresholds ? { ...evaluation.metrics, ...evaluation.at(thresholds) } : evaluation.metrics,
      ...(thresholds ? { thresholds } : {}),
    };
  } finally {
    for (const tensor of best?.weights.values() ?? []) tensor.dispose();
    trainer.dispose();
  }
}

function assertOneOfMetric(fn: string, metric: string): void {
  if (!['loss', 'microF1', 'accuracy'].includes(metric))
    invalidArgument(fn, 'validation.metric', "one of 'loss', 'microF1', 'accuracy'", metric);
}
