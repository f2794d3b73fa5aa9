import { assertOneOf } from '@icd/core';
import { averagePrecisionOf, averagePrecisionOfColumn, splitColumn } from '../internal/binary-counts.js';
import { toBinaryTargets } from '../internal/binary-targets.js';
import {
  assertSameLength,
  assertSameShape,
  isMatrixInput,
  type MatrixInput,
  toDenseMatrix,
  toIndicatorMatrix,
  toScoreVector,
} from '../internal/inputs.js';
import type { ClassLabel } from '../internal/labels.js';
import { averageBinaryScore, type RankingAverage } from './average-binary-score.js';

/** Options of {@link averagePrecisionScore}. */
export interface AveragePrecisionOptions {
  /** Multi-label averaging. Default `'macro'`. `null` returns one value per label. */
  average?: RankingAverage;
  /** Binary only: the positive class. Default 1. */
  posLabel?: ClassLabel;
}

/**
 * Average precision, as scikit-learn 1.2's `average_precision_score`: the step-wise (non-interpolated)
 * area under the precision-recall curve, `AP = Σ_k (R_k − R_{k−1}) · P_k` over distinct thresholds
 * from high to low. A label without positives scores 0. Multi-label averages as {@link rocAucScore}.
 *
 * @example
 * ```ts
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 * ```
 */
export function averagePrecisionScore(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options: AveragePrecisionOptions & { average: null },
): Float64Array;
export function averagePrecisionScore(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options?: AveragePrecisionOptions & { average?: Exclude<RankingAverage, null> },
): number;
export function averagePrecisionScore(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options?: AveragePrecisionOptions,
): number | Float64Array;
export function averagePrecisionScore(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options: AveragePrecisionOptions = {},
): number | Float64Array {
  const fn = 'averagePrecisionScore';
  const average = options.average === undefined ? 'macro' : options.average;
  assertOneOf(fn, 'average', average, ['micro', 'macro', 'weighted', 'samples', null] as const);
  if (isMatrixInput(yTrue)) {
    const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
    const scores = toDenseMatrix(fn, 'yScore', yScore);
    assertSameShape(fn, 'yScore', truth, scores);
    const result = averageBinaryScore(fn, truth, scores, average, averagePrecisionOfColumn, 'raise');
    return average === null ? (result.perLabel as Float64Array) : result.score;
  }
  const targets = toBinaryTargets(fn, yTrue, options.posLabel);
  const scores = toScoreVector(fn, 'yScore', yScore);
  assertSameLength(fn, 'yScore', targets.length, scores.length);
  return averagePrecisionOf(splitColumn(targets, scores, scores.length, 1, 0));
}
