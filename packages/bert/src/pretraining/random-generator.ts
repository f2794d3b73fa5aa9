// The seeded generator of every @icd training loop lives in @icd/train; re-exported for compatibility.
export type { RandomGeneratorState } from '@icd/train';
export { RandomGenerator } from '@icd/train';
