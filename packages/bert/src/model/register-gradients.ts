// The gradient definitions moved to @icd/train, which every training loop goes through; @icd/bert
// re-exports them so that existing imports keep working.
export { registerGradients } from '@icd/train';
