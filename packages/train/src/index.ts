/**
 * `@icd/train`: one training engine on TensorFlow.js for masked-LM pretraining, prompt learning and
 * coding heads. Parameter groups with their own optimizers ({@link AdamW}, {@link Adafactor}) and
 * schedules, item-weighted gradient accumulation, global-norm clipping, seeded runs, evaluation with
 * early stopping, snapshots with bit-identical resume. Browser-safe; checkpoint files and worker
 * threads live in `@icd/train/node`.
 *
 * @packageDocumentation
 */

export type { AdafactorOptions } from './adafactor.js';
export { Adafactor } from './adafactor.js';
export type { AdamWOptions } from './adamw.js';
export { AdamW, isNoDecayParameter } from './adamw.js';
export { clipGradientsByGlobalNorm, globalNorm } from './clip-gradients-by-global-norm.js';
export { registerGradients } from './gradients/register-gradients.js';
export type { Optimizer, OptimizerState } from './optimizer.js';
export type { ProgressStream, ProgressUpdate } from './progress-reporter.js';
export { formatDuration, ProgressReporter } from './progress-reporter.js';
export type { RandomGeneratorState } from './random-generator.js';
export { deriveSeed, RandomGenerator } from './random-generator.js';
export type { ResolvedTrainerOptions } from './resolve-trainer-options.js';
export type { LearningRateSchedule } from './schedules.js';
export { constantSchedule, cosineSchedule, linearSchedule } from './schedules.js';
export { Trainer } from './trainer.js';
export type {
  BatchSource,
  EvaluationEntry,
  EvaluationOptions,
  HistoryEntry,
  Objective,
  ObjectiveContext,
  ObjectiveOutput,
  ParameterGroup,
  TrainerOptions,
  TrainerSnapshot,
  TrainerState,
  TrainResult,
} from './trainer-options.js';
