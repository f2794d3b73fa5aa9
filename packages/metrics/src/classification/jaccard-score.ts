import type { ClassificationTargets } from './label-counts.js';
import { countLabels } from './label-counts.js';
import {
  type Average,
  countsForAverage,
  type PrecisionRecallFscoreOptions,
  resolvePrfOptions,
} from './precision-recall-fscore-support.js';

/** Options of {@link jaccardScore}: those of precision/recall without `beta`. */
export type JaccardOptions = Omit<PrecisionRecallFscoreOptions, 'beta'>;

/**
 * Jaccard index `J = tp / (tp + fp + fn)` (intersection over union), as scikit-learn's `jaccard_score`.
 * ICD-coding papers often report `average: 'samples'` (mean per-document `|gold ∩ predicted| /
 * |gold ∪ predicted|`) under the name "accuracy". `'weighted'` weights labels by support (plain mean
 * when no label has support); 0/0 gives `zeroDivision`.
 *
 * @example
 * ```ts
 * jaccardScore([[0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0]], { average: 'samples' }); // 0.5833…
 * ```
 */
export function jaccardScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: JaccardOptions & { average: null },
): Float64Array;
export function jaccardScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: JaccardOptions & { average?: Exclude<Average, null> },
): number;
export function jaccardScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: JaccardOptions,
): number | Float64Array;
export function jaccardScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: JaccardOptions = {},
): number | Float64Array {
  const fn = 'jaccardScore';
  const { average, zeroDivision, posLabel } = resolvePrfOptions(fn, options);
  const counts = countLabels(fn, yTrue, yPred, options.labels);
  const selected = countsForAverage(fn, counts, average, posLabel);
  const scores = new Float64Array(selected.truePositives.length);
  for (let index = 0; index < scores.length; index++) {
    const truePositives = selected.truePositives[index] as number;
    const union = (selected.predicted[index] as number) + (selected.actual[index] as number) - truePositives;
    scores[index] = union === 0 ? zeroDivision : truePositives / union;
  }
  if (average === null) return scores;
  const weights =
    average === 'weighted' && selected.actual.some((value) => value > 0) ? selected.actual : undefined;
  let total = 0;
  let weightTotal = 0;
  for (let index = 0; index < scores.length; index++) {
    const weight = weights === undefined ? 1 : (weights[index] as number);
    total += (scores[index] as number) * weight;
    weightTotal += weight;
  }
  return total / weightTotal;
}
