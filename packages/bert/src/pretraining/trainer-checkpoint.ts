// Trainer checkpoints are @icd/train's (`@icd/train/node`); the old names stay for compatibility.
export type { TrainerState } from '@icd/train';
export { trainerCheckpointFiles as checkpointFiles } from '@icd/train/node';
