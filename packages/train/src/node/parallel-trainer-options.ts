import type { ProgressStream, ProgressUpdate } from '../progress-reporter.js';
import type {
  BatchSource,
  EvaluationOptions,
  Objective,
  ParameterGroup,
  TrainerSnapshot,
} from '../trainer-options.js';

/**
 * What a setup module builds inside each worker thread: the same batch source, objective and parameter
 * groups as a {@link Trainer} takes (closures cannot cross threads), and optionally an evaluation run on
 * worker 0. The module selects the tfjs backend it wants (e.g. `await tf.setBackend('wasm')`).
 *
 * @example
 * ```ts
 * // train-setup.ts
 * export async function setup(options: { seed: number }): Promise<TrainingSetup<Batch>> {
 *   await tf.setBackend('wasm');
 *   const model = createModel(options.seed);
 *   return { batches, objective: (batch, context) => model.loss(batch, context), groups: [group(model)] };
 * }
 * ```
 */
export interface TrainingSetup<B> {
  readonly batches: BatchSource<B>;
  readonly objective: Objective<B>;
  readonly groups: readonly ParameterGroup[];
  /** Evaluation metrics, computed on worker 0 (whose parameters equal every other worker's). */
  readonly evaluate?: (step: number) => Promise<Record<string, number>> | Record<string, number>;
}

/**
 * The setup module's `setup` (or default) export.
 *
 * @example
 * ```ts
 * export const setup: TrainingSetupFactory<Batch, { seed: number }> = async ({ seed }, { worker }) => build(seed);
 * ```
 */
export type TrainingSetupFactory<B, O = unknown> = (
  options: O,
  context: { readonly worker: number; readonly workers: number },
) => Promise<TrainingSetup<B>> | TrainingSetup<B>;

/**
 * Options of {@link ParallelTrainer}: {@link TrainerOptions} with the closures replaced by a module that
 * builds them in each worker.
 *
 * @example
 * ```ts
 * const options: ParallelTrainerOptions = {
 *   module: new URL('./train-setup.js', import.meta.url), moduleOptions: { seed: 1 },
 *   workers: 'auto', totalSteps: 1000, accumulationSteps: 2, seed: 1,
 * };
 * ```
 */
export interface ParallelTrainerOptions {
  /** Path or file URL of the setup module (exports `setup` or a default {@link TrainingSetupFactory}). */
  readonly module: string | URL;
  /** Passed to the setup function in every worker (structured-cloneable). */
  readonly moduleOptions?: unknown;
  /**
   * Worker threads; each computes whole micro-batches of every update, so at most `accumulationSteps`.
   * `'auto'` (default): min(available cores, accumulationSteps).
   */
  readonly workers?: 'auto' | number;
  readonly totalSteps: number;
  /** Micro-batches per update, shared round-robin among the workers. Default 1. */
  readonly accumulationSteps?: number;
  readonly maxGradNorm?: number | null;
  readonly seed?: number;
  readonly fingerprint?: Readonly<Record<string, string | number | boolean | null>>;
  /** Evaluation policy; the metrics come from the setup's `evaluate`. */
  readonly evaluate?: Omit<EvaluationOptions, 'run'>;
  readonly progress?: ProgressStream | false;
  readonly logEvery?: number;
  readonly onStep?: (update: ProgressUpdate) => void;
  readonly checkpoint?: {
    readonly every: number;
    readonly save: (snapshot: TrainerSnapshot) => Promise<void>;
  };
}
