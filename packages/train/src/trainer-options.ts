import type * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizer.js';
import type { ProgressStream, ProgressUpdate } from './progress-reporter.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * The training data: a fresh stream of batches for each epoch (0-based), e.g. files shuffled by epoch.
 * It must yield the same batches for the same epoch every time it is called (resume re-reads and skips
 * what a stopped run already used); randomness that differs per batch (masks, dropout) belongs in the
 * objective, seeded by {@link ObjectiveContext.seed}.
 *
 * @example
 * ```ts
 * const batches: BatchSource<TokenSequence[]> = (epoch) =>
 *   batchSequences(packSequences(readCorpusDocuments(shuffled(files, epoch)), tokenizer), 8);
 * ```
 */
export type BatchSource<B> = (epoch: number) => Iterable<B> | AsyncIterable<B>;

/**
 * What an objective is told about the micro-batch it scores.
 *
 * @example
 * ```ts
 * const objective: Objective<Batch> = (batch, { training, seed }) =>
 *   model.loss(batch, { training, dropoutSeed: seed });
 * ```
 */
export interface ObjectiveContext {
  /** True while training (dropout on); an objective reused for evaluation is called with false. */
  readonly training: boolean;
  /** 0-based index of the optimizer update this micro-batch belongs to. */
  readonly step: number;
  /** 0-based index of the micro-batch since the run started (across resumes). */
  readonly microBatch: number;
  /**
   * A 32-bit seed unique to this micro-batch within the run (`deriveSeed(trainer seed, microBatch)`):
   * seed dropout and masking from it, and a resumed run repeats them exactly.
   */
  readonly seed: number;
}

/**
 * An objective's result when it reports more than the loss.
 *
 * @example
 * ```ts
 * const output: ObjectiveOutput = { loss: meanOverMaskedTokens, items: maskedTokens, tokens: 1024 };
 * ```
 */
export interface ObjectiveOutput {
  /** The MEAN loss over the micro-batch's items (tokens, examples). */
  readonly loss: tf.Scalar;
  /**
   * How many items `loss` averages over. Gradients of an update are Σᵢ itemsᵢ·∇lossᵢ / Σᵢ itemsᵢ over its
   * micro-batches (HF Trainer ≥ 4.46), so a micro-batch with more masked tokens weighs more. Default 1
   * (every micro-batch weighs the same). A micro-batch with 0 items is skipped.
   */
  readonly items?: number;
  /** Tokens processed, for the throughput figure (default: `items`). */
  readonly tokens?: number;
  /** Named figures to average over the update (e.g. accuracy); scalars are read after the step. */
  readonly metrics?: Readonly<Record<string, number | tf.Scalar>>;
}

/**
 * The training objective: a micro-batch in, a scalar loss out (the mean over its items), computed
 * inside the trainer's gradient tape. Return a bare scalar for a plain mean loss.
 *
 * @example
 * ```ts
 * const objective: Objective<{ x: tf.Tensor2D; y: tf.Tensor2D }> = ({ x, y }) =>
 *   tf.losses.meanSquaredError(y, tf.matMul(x, weights)) as tf.Scalar;
 * ```
 */
export type Objective<B> = (batch: B, context: ObjectiveContext) => tf.Scalar | ObjectiveOutput;

/**
 * A set of parameters trained by one optimizer, optionally with a learning-rate schedule. Parameters in
 * no group are frozen: they get no gradient and are never touched.
 *
 * @example
 * ```ts
 * const group: ParameterGroup = {
 *   name: 'encoder',
 *   parameters: model.weights,
 *   optimizer: new AdamW(model.weights, { learningRate: 5e-5 }),
 *   schedule: linearSchedule({ warmupSteps: 100, totalSteps: 1000 }),
 * };
 * ```
 */
export interface ParameterGroup {
  /** Unique name (used in checkpoints and progress). */
  readonly name: string;
  /** What this group trains; every entry must be one of `optimizer.parameters` (same variable). */
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  readonly optimizer: Optimizer;
  /**
   * Multiplier of `optimizer.learningRate` by step. Default: constant 1. Refused for an optimizer that
   * computes its own rate (`learningRate` undefined, e.g. Adafactor with `relativeStep`).
   */
  readonly schedule?: LearningRateSchedule;
}

/**
 * Evaluation every `every` updates (and at the end), with optional early stopping on one of the
 * metrics `run` returns.
 *
 * @example
 * ```ts
 * const evaluate: EvaluationOptions = {
 *   every: 200, run: async () => ({ loss: await devLoss() }), metric: 'loss', mode: 'min', patience: 3,
 * };
 * ```
 */
export interface EvaluationOptions {
  /** Updates between evaluations. */
  readonly every: number;
  /** Computes the metrics (the trainer does not train while it runs). */
  readonly run: (step: number) => Promise<Record<string, number>> | Record<string, number>;
  /** Metric watched for early stopping and the best step. */
  readonly metric?: string;
  /** Whether lower (`'min'`, default) or higher (`'max'`) is better. */
  readonly mode?: 'min' | 'max';
  /** Stop after this many evaluations without improvement. Default: never stop early. */
  readonly patience?: number;
}

/**
 * A trainer's complete state: JSON (`state`) plus tensors by key (`parameter.<name>`,
 * `optimizer.<group>.<slot>.<name>`), written by `@icd/train/node`'s `saveTrainerCheckpoint`.
 *
 * @example
 * ```ts
 * const snapshot: TrainerSnapshot = trainer.snapshot();
 * other.restore(snapshot); // continues bit for bit
 * ```
 */
export interface TrainerSnapshot {
  readonly state: TrainerState;
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
}

/**
 * The JSON part of a {@link TrainerSnapshot} (`trainer-state.json`).
 *
 * @example
 * ```ts
 * const { state } = trainer.snapshot();
 * state.step; state.epoch; state.batchesInEpoch;
 * ```
 */
export interface TrainerState {
  readonly format: 'icd-train/1';
  readonly step: number;
  readonly epoch: number;
  readonly batchesInEpoch: number;
  readonly microBatches: number;
  /** What a resume must match: seed, totalSteps, accumulationSteps, group names and the fingerprint. */
  readonly options: {
    readonly seed: number;
    readonly totalSteps: number;
    readonly accumulationSteps: number;
    readonly groups: readonly string[];
    readonly fingerprint: Readonly<Record<string, string | number | boolean | null>>;
  };
  /** Per group: the optimizer's kind, steps and per-parameter steps. */
  readonly optimizers: Readonly<
    Record<string, { kind: string; step: number; parameterSteps: Readonly<Record<string, number>> }>
  >;
  readonly history: readonly HistoryEntry[];
  readonly evaluations: readonly EvaluationEntry[];
}

/**
 * One logged window of training.
 *
 * @example
 * ```ts
 * const last: HistoryEntry | undefined = trainer.history.at(-1);
 * ```
 */
export interface HistoryEntry {
  readonly step: number;
  readonly loss: number;
  readonly learningRate: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * One evaluation's metrics.
 *
 * @example
 * ```ts
 * const entry: EvaluationEntry = { step: 200, metrics: { loss: 2.1 } };
 * ```
 */
export interface EvaluationEntry {
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Options of {@link Trainer}.
 *
 * @example
 * ```ts
 * const options: TrainerOptions<Batch> = {
 *   batches, objective, groups: [group], totalSteps: 1000, accumulationSteps: 4, maxGradNorm: 1, seed: 42,
 * };
 * ```
 */
export interface TrainerOptions<B> {
  readonly batches: BatchSource<B>;
  readonly objective: Objective<B>;
  readonly groups: readonly ParameterGroup[];
  /** Optimizer updates of the whole run (what schedules and the progress bar count to). */
  readonly totalSteps: number;
  /** Micro-batches per update. Default 1. */
  readonly accumulationSteps?: number;
  /** Global gradient-norm limit over all groups; `null` turns clipping off. Default 1. */
  readonly maxGradNorm?: number | null;
  /** Seed of the per-micro-batch seeds given to the objective. Default 0. */
  readonly seed?: number;
  /** Values a resume must match besides seed and step counts (e.g. `{ batchSize: 8 }`). */
  readonly fingerprint?: Readonly<Record<string, string | number | boolean | null>>;
  readonly evaluate?: EvaluationOptions;
  /** Where the progress bar goes, or `false` for none. Default `process.stderr` (none in browsers). */
  readonly progress?: ProgressStream | false;
  /** Updates between logged progress lines (non-TTY) and history entries. Default 50. */
  readonly logEvery?: number;
  /** Called after every update. */
  readonly onStep?: (update: ProgressUpdate) => void;
  /** Saves a snapshot every `every` updates and at the end (see `@icd/train/node`'s `checkpointSaver`). */
  readonly checkpoint?: {
    readonly every: number;
    readonly save: (snapshot: TrainerSnapshot) => Promise<void>;
  };
}

/**
 * What {@link Trainer.train} returns.
 *
 * @example
 * ```ts
 * const result: TrainResult = await trainer.train();
 * console.log(result.step, result.meanLoss, result.tokensPerSecond, result.best);
 * ```
 */
export interface TrainResult {
  /** Updates done in total (including before a resume). */
  readonly step: number;
  /** Mean of the update losses of this call. */
  readonly meanLoss: number;
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  /** True when early stopping ended the run. */
  readonly stoppedEarly: boolean;
  /** Best evaluation of the watched metric so far. */
  readonly best: { readonly step: number; readonly value: number } | undefined;
}
