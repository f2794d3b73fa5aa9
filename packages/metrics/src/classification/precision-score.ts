import type { ClassificationTargets } from './label-counts.js';
import {
  type Average,
  computePrecisionRecallFscore,
  type PrecisionRecallFscoreOptions,
} from './precision-recall-fscore-support.js';

/**
 * Precision `tp / (tp + fp)`: the share of predicted codes that are correct.
 *
 * Same options and definitions as `precisionRecallFscoreSupport` (scikit-learn's `precision_score`): a number
 * when averaged, one value per label when `average: null`.
 *
 * @example
 * ```ts
 * precisionScore([0, 1, 1, 0], [1, 1, 1, 0]); // 2/3
 * ```
 */
export function precisionScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions & { average: null },
): Float64Array;
export function precisionScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions & { average?: Exclude<Average, null> },
): number;
export function precisionScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions,
): number | Float64Array;
export function precisionScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions = {},
): number | Float64Array {
  return computePrecisionRecallFscore('precisionScore', yTrue, yPred, options).precision;
}
