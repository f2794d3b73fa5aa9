// AdamW moved to @icd/train (one optimizer for every training loop); re-exported for compatibility.
import type { OptimizerState } from '@icd/train';

export type { AdamWOptions } from '@icd/train';
export { AdamW, isNoDecayParameter } from '@icd/train';

/**
 * The state of an `AdamW` (now `@icd/train`'s generic {@link OptimizerState}: `exp_avg.<name>` and
 * `exp_avg_sq.<name>` tensors, per-parameter steps).
 *
 * @example
 * ```ts
 * const state: AdamWState = optimizer.getState();
 * state.tensors.get('exp_avg.cls.predictions.bias');
 * ```
 */
export type AdamWState = OptimizerState;
