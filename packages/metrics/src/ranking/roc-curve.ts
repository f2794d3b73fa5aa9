import { splitColumn, thresholdCounts } from '../internal/binary-counts.js';
import { toBinaryTargets } from '../internal/binary-targets.js';
import { assertSameLength, toScoreVector } from '../internal/inputs.js';
import type { ClassLabel } from '../internal/labels.js';

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /** The positive class. Default 1 (labels must then be {0, 1} or {-1, 1}). */
  posLabel?: ClassLabel;
  /** Drop thresholds on straight segments, which never change the plotted curve. Default `true`. */
  dropIntermediate?: boolean;
}

/** A ROC curve: `fpr[i]`, `tpr[i]` for predicting positive when `score >= thresholds[i]`. */
export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Decreasing; `thresholds[0]` is `Infinity` (scikit-learn ≥ 1.3; 1.2 used `max + 1`). */
  readonly thresholds: Float64Array;
}

/**
 * Receiver operating characteristic, as scikit-learn's `roc_curve`: one point per distinct score
 * (ties form one threshold), preceded by (0, 0). `fpr = fp / N`, `tpr = tp / P` (NaN when N or P is 0).
 *
 * @example
 * ```ts
 * rocCurve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { posLabel: 2 });
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [Infinity, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(
  yTrue: readonly ClassLabel[] | ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve {
  const fn = 'rocCurve';
  const targets = toBinaryTargets(fn, yTrue, options.posLabel);
  const scores = toScoreVector(fn, 'yScore', yScore);
  assertSameLength(fn, 'yScore', targets.length, scores.length);
  let { thresholds, truePositives, falsePositives } = thresholdCounts(
    splitColumn(targets, scores, scores.length, 1, 0),
  );
  if ((options.dropIntermediate ?? true) && thresholds.length > 2) {
    // Keep the ends and every corner: a point whose second difference is non-zero in fp or tp.
    const keep: number[] = [0];
    for (let index = 1; index < thresholds.length - 1; index++) {
      const fpBend = falsePositives[index - 1]! - 2 * falsePositives[index]! + falsePositives[index + 1]!;
      const tpBend = truePositives[index - 1]! - 2 * truePositives[index]! + truePositives[index + 1]!;
      if (fpBend !== 0 || tpBend !== 0) keep.push(index);
    }
    keep.push(thresholds.length - 1);
    const pick = (values: Float64Array) => Float64Array.from(keep, (index) => values[index] as number);
    thresholds = pick(thresholds);
    truePositives = pick(truePositives);
    falsePositives = pick(falsePositives);
  }
  const points = thresholds.length + 1;
  const positives = truePositives[thresholds.length - 1] as number;
  const negatives = falsePositives[thresholds.length - 1] as number;
  const fpr = new Float64Array(points);
  const tpr = new Float64Array(points);
  const allThresholds = new Float64Array(points);
  allThresholds[0] = Number.POSITIVE_INFINITY;
  for (let index = 0; index < thresholds.length; index++) {
    fpr[index + 1] = negatives === 0 ? Number.NaN : (falsePositives[index] as number) / negatives;
    tpr[index + 1] = positives === 0 ? Number.NaN : (truePositives[index] as number) / positives;
    allThresholds[index + 1] = thresholds[index] as number;
  }
  if (negatives === 0) fpr[0] = Number.NaN;
  if (positives === 0) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds: allThresholds };
}
