import type { ClassificationTargets } from './label-counts.js';
import {
  type Average,
  computePrecisionRecallFscore,
  type PrecisionRecallFscoreOptions,
} from './precision-recall-fscore-support.js';

/**
 * F1 `2·P·R / (P + R)`. For multi-label ICD coding, `average: 'micro'` is "micro-F1" and `average: 'macro'` is the mean of per-label F1 ({@link macroF1PerLabelMean}); see {@link macroF1FromMacroPrecisionRecall} for CAML's other macro-F1.
 *
 * Same options and definitions as `precisionRecallFscoreSupport` (scikit-learn's `f1_score`): a number
 * when averaged, one value per label when `average: null`.
 *
 * @example
 * ```ts
 * f1Score([[1, 0], [1, 1]], [[1, 0], [0, 1]], { average: 'micro' }); // 0.8
 * ```
 */
export function f1Score(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: Omit<PrecisionRecallFscoreOptions, 'beta'> & { average: null },
): Float64Array;
export function f1Score(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: Omit<PrecisionRecallFscoreOptions, 'beta'> & { average?: Exclude<Average, null> },
): number;
export function f1Score(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: Omit<PrecisionRecallFscoreOptions, 'beta'>,
): number | Float64Array;
export function f1Score(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: Omit<PrecisionRecallFscoreOptions, 'beta'> = {},
): number | Float64Array {
  return computePrecisionRecallFscore('f1Score', yTrue, yPred, { ...options, beta: 1 }).fScore;
}
