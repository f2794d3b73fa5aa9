import { splitColumn, thresholdCounts } from '../internal/binary-counts.js';
import { toBinaryTargets } from '../internal/binary-targets.js';
import { assertSameLength, toScoreVector } from '../internal/inputs.js';
import type { ClassLabel } from '../internal/labels.js';

/** A precision-recall curve, thresholds increasing; `precision` and `recall` end with the point (1, 0). */
export interface PrecisionRecallCurve {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly thresholds: Float64Array;
}

/**
 * Precision-recall pairs for every distinct score, as scikit-learn 1.2's `precision_recall_curve`:
 * `precision = tp / (tp + fp)` (0 when nothing is predicted), `recall = tp / P` (1 everywhere when
 * there is no positive), thresholds increasing, then the final point (precision 1, recall 0).
 *
 * @example
 * ```ts
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 * ```
 */
export function precisionRecallCurve(
  yTrue: readonly ClassLabel[] | ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: { posLabel?: ClassLabel } = {},
): PrecisionRecallCurve {
  const fn = 'precisionRecallCurve';
  const targets = toBinaryTargets(fn, yTrue, options.posLabel);
  const scores = toScoreVector(fn, 'yScore', yScore);
  assertSameLength(fn, 'yScore', targets.length, scores.length);
  const counts = thresholdCounts(splitColumn(targets, scores, scores.length, 1, 0));
  const count = counts.thresholds.length;
  const positives = counts.truePositives[count - 1] as number;
  const precision = new Float64Array(count + 1);
  const recall = new Float64Array(count + 1);
  const thresholds = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const reversed = count - 1 - index;
    const truePositives = counts.truePositives[index] as number;
    const predicted = truePositives + (counts.falsePositives[index] as number);
    precision[reversed] = predicted === 0 ? 0 : truePositives / predicted;
    recall[reversed] = positives === 0 ? 1 : truePositives / positives;
    thresholds[reversed] = counts.thresholds[index] as number;
  }
  precision[count] = 1;
  recall[count] = 0;
  return { precision, recall, thresholds };
}
