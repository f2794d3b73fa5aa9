/**
 * `@icd/train/node`: what needs Node: trainer checkpoint folders and data-parallel training over
 * `worker_threads`.
 *
 * @packageDocumentation
 */

export { ParallelTrainer } from './node/parallel-trainer.js';
export type {
  ParallelTrainerOptions,
  TrainingSetup,
  TrainingSetupFactory,
} from './node/parallel-trainer-options.js';
export {
  checkpointSaver,
  loadTrainerCheckpoint,
  resumeTrainer,
  saveTrainerCheckpoint,
  trainerCheckpointFiles,
} from './node/trainer-checkpoint.js';
