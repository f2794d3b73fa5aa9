import { assertOneOf } from '@icd/core';
import { ScoreBuffers, splitColumn, thresholdCounts } from '../internal/binary-counts.js';
import { assertSameShape, type MatrixInput, toDenseMatrix, toIndicatorMatrix } from '../internal/inputs.js';

/** Options of {@link tuneThreshold}. */
export interface TuneThresholdOptions {
  /** `'global'` (default): one threshold for every label; `'perLabel'`: one per label. */
  mode?: 'global' | 'perLabel';
  /** Coordinate-ascent sweeps over labels for `'perLabel'`. Default 10 (stops earlier when stable). */
  maxSweeps?: number;
}

/** Thresholds found by {@link tuneThreshold}; a label is predicted when `score >= threshold`. */
export interface TunedThresholds {
  readonly mode: 'global' | 'perLabel';
  /** One threshold (global) or one per label; `Infinity` means "never predict this label". */
  readonly thresholds: Float64Array;
  /** Micro-F1 on the tuning data with these thresholds. */
  readonly microF1: number;
}

// Improvements smaller than this are rounding noise, not a better threshold.
const tolerance = 1e-12;

function microF1Of(truePositives: number, predicted: number, actual: number): number {
  const denominator = predicted + actual;
  return denominator === 0 ? 0 : (2 * truePositives) / denominator;
}

/**
 * Chooses decision thresholds that maximise micro-F1 `2·TP / (2·TP + FP + FN)` on validation scores.
 *
 * - `'global'`: every distinct score is a candidate; one sort of all cells, then one sweep from high to
 *   low. The best F1 wins; among equal F1 the highest threshold (fewest predictions).
 * - `'perLabel'`: coordinate ascent from the global threshold: for each label in turn, the threshold
 *   (a distinct score of that label, or `Infinity`) that maximises the *overall* micro-F1 with the
 *   other labels fixed, kept only if it improves it; repeated until a sweep changes nothing.
 *
 * Tune on validation data, never on the test set you report.
 *
 * @example
 * ```ts
 * tuneThreshold([[1, 0], [0, 1]], [[0.9, 0.4], [0.3, 0.6]]); // { mode: 'global', thresholds: [0.6], microF1: 1 }
 * ```
 */
export function tuneThreshold(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: TuneThresholdOptions = {},
): TunedThresholds {
  const fn = 'tuneThreshold';
  const mode = options.mode ?? 'global';
  assertOneOf(fn, 'mode', mode, ['global', 'perLabel'] as const);
  const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
  const scores = toDenseMatrix(fn, 'yScore', yScore);
  assertSameShape(fn, 'yScore', truth, scores);
  const { rows, cols } = truth;

  // Global sweep over all cells.
  const all = splitColumn(truth.data, scores.data, rows * cols, 1, 0);
  const actualTotal = all.positive.length;
  let best = bestThreshold(
    all.positive,
    all.negative,
    (tp, predicted) => microF1Of(tp, predicted, actualTotal),
    false,
  );
  if (mode === 'global') return { mode, thresholds: Float64Array.of(best.threshold), microF1: best.value };

  const thresholds = new Float64Array(cols).fill(best.threshold);
  const labelTruePositives = new Float64Array(cols);
  const labelPredicted = new Float64Array(cols);
  const labelActual = new Float64Array(cols);
  const countAt = (col: number, threshold: number) => {
    let truePositives = 0;
    let predicted = 0;
    for (let index = col; index < rows * cols; index += cols) {
      if ((scores.data[index] as number) >= threshold) {
        predicted++;
        truePositives += truth.data[index] as number;
      }
    }
    labelTruePositives[col] = truePositives;
    labelPredicted[col] = predicted;
  };
  for (let col = 0; col < cols; col++) {
    countAt(col, thresholds[col] as number);
    for (let index = col; index < rows * cols; index += cols)
      labelActual[col]! += truth.data[index] as number;
  }
  let truePositives = labelTruePositives.reduce((total, value) => total + value, 0);
  let predicted = labelPredicted.reduce((total, value) => total + value, 0);
  const buffers = new ScoreBuffers(rows);
  const maxSweeps = options.maxSweeps ?? 10;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let changed = false;
    for (let col = 0; col < cols; col++) {
      const otherTruePositives = truePositives - (labelTruePositives[col] as number);
      const otherPredicted = predicted - (labelPredicted[col] as number);
      const current = microF1Of(truePositives, predicted, actualTotal);
      const sorted = splitColumn(truth.data, scores.data, rows, cols, col, buffers);
      best = bestThreshold(
        sorted.positive,
        sorted.negative,
        (tp, count) => microF1Of(otherTruePositives + tp, otherPredicted + count, actualTotal),
        true,
      );
      if (best.value > current + tolerance) {
        thresholds[col] = best.threshold;
        countAt(col, best.threshold);
        truePositives = otherTruePositives + (labelTruePositives[col] as number);
        predicted = otherPredicted + (labelPredicted[col] as number);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { mode, thresholds, microF1: microF1Of(truePositives, predicted, actualTotal) };
}

/** Sweeps distinct thresholds from high to low; the first strict maximum wins (highest threshold). */
function bestThreshold(
  positive: Float64Array,
  negative: Float64Array,
  evaluate: (truePositives: number, predicted: number) => number,
  includeInfinity: boolean,
): { threshold: number; value: number } {
  const counts = thresholdCounts({ positive, negative });
  let bestValue = includeInfinity ? evaluate(0, 0) : Number.NEGATIVE_INFINITY;
  let bestAt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < counts.thresholds.length; i++) {
    const truePositives = counts.truePositives[i] as number;
    const value = evaluate(truePositives, truePositives + (counts.falsePositives[i] as number));
    if (value > bestValue + tolerance) {
      bestValue = value;
      bestAt = counts.thresholds[i] as number;
    }
  }
  return { threshold: bestAt, value: bestValue };
}
