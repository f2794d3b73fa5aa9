import { type ClassificationTargets, countLabels, type LabelSelection } from './label-counts.js';
import { type PerLabelScores, scoresFromCounts } from './precision-recall-fscore-support.js';

/** Options of the two macro-F1 definitions. */
export interface MacroF1Options extends LabelSelection {
  /** Value of a per-label precision or recall that is 0/0. Default `0` (CAML's `x / (0 + 1e-10)`). */
  zeroDivision?: 0 | 1;
}

/**
 * Macro-F1 as the **mean of per-label F1**: `(1/L) Σ_l 2·P_l·R_l / (P_l + R_l)`. This is scikit-learn's
 * `f1_score(average='macro')`, and the macro-F1 of most recent ICD-coding papers.
 *
 * @example
 * ```ts
 * macroF1PerLabelMean([[1, 0], [0, 1], [1, 1]], [[1, 0], [1, 0], [1, 0]]); // (0.8 + 0) / 2 = 0.4
 * ```
 */
export function macroF1PerLabelMean(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: MacroF1Options = {},
): number {
  const counts = countLabels('macroF1PerLabelMean', yTrue, yPred, options.labels);
  const scores = scoresFromCounts('macroF1PerLabelMean', counts, {
    average: 'macro',
    zeroDivision: options.zeroDivision ?? 0,
  });
  return scores.fScore as number;
}

/**
 * Macro-F1 as the **harmonic mean of macro-precision and macro-recall**: `2·P̄·R̄ / (P̄ + R̄)` with
 * `P̄ = (1/L) Σ_l P_l`, `R̄ = (1/L) Σ_l R_l` (0 when both are 0). This is the definition of CAML
 * (Mullenbach et al., 2018, `evaluation.py: macro_f1`) and of the papers that reuse its evaluation
 * code; it is never smaller than {@link macroF1PerLabelMean} and often noticeably larger.
 *
 * @example
 * ```ts
 * macroF1FromMacroPrecisionRecall([[1, 0], [0, 1], [1, 1]], [[1, 0], [1, 0], [1, 0]]);
 * // P̄ = (2/3 + 0) / 2, R̄ = (1 + 0) / 2 → 0.4
 * ```
 */
export function macroF1FromMacroPrecisionRecall(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: MacroF1Options = {},
): number {
  const counts = countLabels('macroF1FromMacroPrecisionRecall', yTrue, yPred, options.labels);
  const perLabel = scoresFromCounts('macroF1FromMacroPrecisionRecall', counts, {
    average: null,
    zeroDivision: options.zeroDivision ?? 0,
  }) as PerLabelScores;
  const precision = perLabel.precision.reduce((total, value) => total + value, 0) / perLabel.precision.length;
  const recall = perLabel.recall.reduce((total, value) => total + value, 0) / perLabel.recall.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
