/**
 * `@icd/train/node`: what needs Node: trainer checkpoint folders and data-parallel training over
 * `worker_threads`.
 *
 * @packageDocumentation
 */

export {
  checkpointSaver,
  loadTrainerCheckpoint,
  resumeTrainer,
  saveTrainerCheckpoint,
  trainerCheckpointFiles,
} from './node/trainer-checkpoint.js';
