import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import type { ProgressStream, ProgressUpdate } from '@icd/train';

/**
 * Options of {@link MaskedLMTrainer}. Defaults follow HF `TrainingArguments` (lr 5e-5, β 0.9/0.999,
 * ε 1e-8, clip 1.0) with BERT's weight decay 0.01 and 15% masking. MDR-BERT continued pretraining with
 * lr 2e-5, batch 32, 512 tokens for 15 epochs (Zhuang et al. 2025).
 *
 * @example
 * ```ts
 * const options: MaskedLMTrainerOptions = {
 *   totalSteps: 1000, batchSize: 8, maskTokenId: 103, padTokenId: 0,
 *   learningRate: 1e-4, warmupRatio: 0.06, gradientAccumulationSteps: 4, seed: 1,
 * };
 * new MaskedLMTrainer(pretrainable, source, options);
 * ```
 */
export interface MaskedLMTrainerOptions {
  /** Optimizer updates of the whole run (sets the schedule). */
  readonly totalSteps: number;
  /** Sequences per micro-batch. */
  readonly batchSize: number;
  /** Id of `[MASK]` and of `[PAD]` in the model's vocabulary. */
  readonly maskTokenId: number;
  readonly padTokenId: number;
  /** Peak learning rate. Default 5e-5. */
  readonly learningRate?: number;
  /** Linear warm-up updates. Default: `warmupRatio · totalSteps`. */
  readonly warmupSteps?: number;
  /** Share of updates used for warm-up when `warmupSteps` is not given. Default 0. */
  readonly warmupRatio?: number;
  readonly weightDecay?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Micro-batches per update (effective batch = batchSize × this; weighted by masked tokens). Default 1. */
  readonly gradientAccumulationSteps?: number;
  /** Global gradient-norm limit; `null` turns clipping off. Default 1.0. */
  readonly maxGradNorm?: number | null;
  /** Seed of masks, dropout and (by convention) the data order (32-bit). Default 0. */
  readonly seed?: number;
  readonly mlmProbability?: number;
  readonly wholeWordMask?: boolean;
  readonly padToMultipleOf?: number;
  /** Folder for `checkpoint-<step>` folders; none are written when absent. */
  readonly checkpointDirectory?: string;
  /** Updates between checkpoints (0: only at the end). Default 0. */
  readonly checkpointEvery?: number;
  /** Checkpoints kept (older ones are deleted; 0 keeps all). Default 2. */
  readonly keepCheckpoints?: number;
  /** Also write the model's HF folder (`model/`) into each checkpoint. Default true. */
  readonly saveModelInCheckpoints?: boolean;
  /** Updates between logged lines (non-TTY) and loss-history entries. Default 50. */
  readonly logEvery?: number;
  /** Where the progress bar goes, or `false` for none. Default `process.stderr`. */
  readonly progress?: ProgressStream | false;
  /** Called after every update. */
  readonly onStep?: (update: ProgressUpdate) => void;
}

/** {@link MaskedLMTrainerOptions} with defaults filled in, plus a JSON-safe `record`. @internal */
export type ResolvedTrainerOptions = Required<
  Omit<MaskedLMTrainerOptions, 'checkpointDirectory' | 'onStep' | 'warmupRatio' | 'maxGradNorm'>
> & {
  readonly checkpointDirectory: string | undefined;
  readonly onStep: ((update: ProgressUpdate) => void) | undefined;
  readonly maxGradNorm: number | null;
  readonly record: Record<string, unknown>;
};

/** Validates trainer options and fills defaults. @internal */
export function resolveTrainerOptions(
  options: MaskedLMTrainerOptions,
  vocabSize: number,
): ResolvedTrainerOptions {
  const fn = 'MaskedLMTrainer';
  if (typeof options !== 'object' || options === null) invalidArgument(fn, 'options', 'an object', options);
  assertInteger(fn, 'totalSteps', options.totalSteps, { min: 1 });
  assertInteger(fn, 'batchSize', options.batchSize, { min: 1 });
  assertInteger(fn, 'maskTokenId', options.maskTokenId, { min: 0, max: vocabSize - 1 });
  assertInteger(fn, 'padTokenId', options.padTokenId, { min: 0, max: vocabSize - 1 });
  const learningRate = options.learningRate ?? 5e-5;
  assertFiniteNumber(fn, 'learningRate', learningRate, { min: 0 });
  const warmupRatio = options.warmupRatio ?? 0;
  assertFiniteNumber(fn, 'warmupRatio', warmupRatio, { min: 0, max: 1 });
  const warmupSteps = options.warmupSteps ?? Math.ceil(warmupRatio * options.totalSteps);
  assertInteger(fn, 'warmupSteps', warmupSteps, { min: 0, max: options.totalSteps });
  const gradientAccumulationSteps = options.gradientAccumulationSteps ?? 1;
  assertInteger(fn, 'gradientAccumulationSteps', gradientAccumulationSteps, { min: 1 });
  const maxGradNorm = options.maxGradNorm === undefined ? 1 : options.maxGradNorm;
  if (maxGradNorm !== null) assertFiniteNumber(fn, 'maxGradNorm', maxGradNorm, { min: Number.MIN_VALUE });
  const seed = options.seed ?? 0;
  assertInteger(fn, 'seed', seed, { min: 0, max: 2 ** 32 - 1 });
  const checkpointEvery = options.checkpointEvery ?? 0;
  assertInteger(fn, 'checkpointEvery', checkpointEvery, { min: 0 });
  const keepCheckpoints = options.keepCheckpoints ?? 2;
  assertInteger(fn, 'keepCheckpoints', keepCheckpoints, { min: 0 });
  const logEvery = options.logEvery ?? 50;
  assertInteger(fn, 'logEvery', logEvery, { min: 1 });
  if (
    options.checkpointDirectory !== undefined &&
    (typeof options.checkpointDirectory !== 'string' || options.checkpointDirectory === '')
  ) {
    invalidArgument(fn, 'checkpointDirectory', 'a folder path', options.checkpointDirectory);
  }
  const resolved = {
    totalSteps: options.totalSteps,
    batchSize: options.batchSize,
    maskTokenId: options.maskTokenId,
    padTokenId: options.padTokenId,
    learningRate,
    warmupSteps,
    weightDecay: options.weightDecay ?? 0.01,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    gradientAccumulationSteps,
    maxGradNorm,
    seed,
    mlmProbability: options.mlmProbability ?? 0.15,
    wholeWordMask: options.wholeWordMask ?? false,
    padToMultipleOf: options.padToMultipleOf ?? 1,
    checkpointEvery,
    keepCheckpoints,
    saveModelInCheckpoints: options.saveModelInCheckpoints ?? true,
    logEvery,
  };
  return {
    ...resolved,
    checkpointDirectory: options.checkpointDirectory,
    progress: options.progress ?? process.stderr,
    onStep: options.onStep,
    record: { ...resolved },
  };
}
