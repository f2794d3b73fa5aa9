import type { ClassificationTargets } from './label-counts.js';
import {
  type Average,
  computePrecisionRecallFscore,
  type PrecisionRecallFscoreOptions,
} from './precision-recall-fscore-support.js';

/**
 * Recall `tp / (tp + fn)`: the share of gold codes that were predicted.
 *
 * Same options and definitions as `precisionRecallFscoreSupport` (scikit-learn's `recall_score`): a number
 * when averaged, one value per label when `average: null`.
 *
 * @example
 * ```ts
 * recallScore([[1, 0], [1, 1]], [[1, 0], [0, 1]], { average: 'micro' }); // 2/3
 * ```
 */
export function recallScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions & { average: null },
): Float64Array;
export function recallScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions & { average?: Exclude<Average, null> },
): number;
export function recallScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions,
): number | Float64Array;
export function recallScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions = {},
): number | Float64Array {
  return computePrecisionRecallFscore('recallScore', yTrue, yPred, options).recall;
}
