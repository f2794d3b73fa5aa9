import { invalidArgument } from '@icd/core';
import type { DenseMatrix, IndicatorMatrix } from '../internal/inputs.js';

/** How a multi-label ranking score is averaged over labels (or documents, for `'samples'`). */
export type RankingAverage = 'micro' | 'macro' | 'weighted' | 'samples' | null;

/**
 * What to do with a label whose ROC AUC is undefined (no positive or no negative example):
 * `'raise'` throws like scikit-learn; `'skip'` leaves it out of the mean, as ICD-coding papers do.
 */
export type UndefinedLabelPolicy = 'raise' | 'skip';

/** An averaged ranking score with the labels it left out. */
export interface AveragedBinaryScore {
  readonly score: number;
  /** Per-label (or per-document for `'samples'`) scores; NaN where undefined. `null` for `'micro'`. */
  readonly perLabel: Float64Array | null;
  /** Column (or row, for `'samples'`) indices whose score was undefined and skipped. */
  readonly skipped: readonly number[];
}

/** A binary metric of one contiguous column: 0/1 targets and scores; NaN when undefined. */
export type ColumnMetric = (isPositive: Uint8Array, scores: Float64Array) => number;

// Columns are copied to contiguous memory this many at a time: reading a row-major matrix column by
// column would touch one cache line per score; a block turns that into short contiguous row reads.
const blockWidth = 128;

/**
 * scikit-learn's `_average_binary_score` over an indicator matrix and a score matrix of the same
 * shape: `metric` is applied per column (`'macro'`, `'weighted'`, `null`), per row (`'samples'`) or to
 * the flattened matrix (`'micro'`). `metric` returns NaN when undefined; `policy` decides.
 */
export function averageBinaryScore(
  fn: string,
  truth: IndicatorMatrix,
  scores: DenseMatrix,
  average: RankingAverage,
  metric: ColumnMetric,
  policy: UndefinedLabelPolicy,
  columnNames?: readonly (number | string)[],
): AveragedBinaryScore {
  const { rows, cols } = truth;
  const undefinedError = (what: string, index: number): never =>
    invalidArgument(
      fn,
      'yTrue',
      `both a positive and a negative example in every ${what} (or pass undefinedLabels: 'skip')`,
      `${what} ${columnNames?.[index] ?? index} with only one class`,
    );
  if (average === 'weighted' && !truth.data.includes(1)) {
    // scikit-learn returns 0 before scoring any label when no label has a positive.
    return { score: 0, perLabel: new Float64Array(cols).fill(Number.NaN), skipped: [] };
  }
  if (average === 'micro') {
    const score = metric(truth.data, scores.data);
    if (Number.isNaN(score)) undefinedError('matrix', 0);
    return { score, perLabel: null, skipped: [] };
  }
  const bySample = average === 'samples';
  const count = bySample ? rows : cols;
  const perLabel = new Float64Array(count);
  const weights = new Float64Array(count);
  const skipped: number[] = [];
  const record = (index: number, isPositive: Uint8Array, score: number) => {
    if (Number.isNaN(score)) {
      if (policy === 'raise') undefinedError(bySample ? 'document' : 'label', index);
      skipped.push(index);
    }
    let positives = 0;
    for (let position = 0; position < isPositive.length; position++)
      positives += isPositive[position] as number;
    weights[index] = positives;
    perLabel[index] = score;
  };
  if (bySample) {
    for (let row = 0; row < rows; row++) {
      const isPositive = truth.data.subarray(row * cols, (row + 1) * cols);
      record(row, isPositive, metric(isPositive, scores.data.subarray(row * cols, (row + 1) * cols)));
    }
  } else {
    const width = Math.min(blockWidth, cols);
    const blockTruth = new Uint8Array(rows * width);
    const blockScores = new Float64Array(rows * width);
    for (let start = 0; start < cols; start += width) {
      const columns = Math.min(width, cols - start);
      for (let row = 0; row < rows; row++) {
        const source = row * cols + start;
        for (let column = 0; column < columns; column++) {
          blockTruth[column * rows + row] = truth.data[source + column] as number;
          blockScores[column * rows + row] = scores.data[source + column] as number;
        }
      }
      for (let column = 0; column < columns; column++) {
        const isPositive = blockTruth.subarray(column * rows, (column + 1) * rows);
        record(
          start + column,
          isPositive,
          metric(isPositive, blockScores.subarray(column * rows, (column + 1) * rows)),
        );
      }
    }
  }
  if (average === null) return { score: Number.NaN, perLabel, skipped };
  let total = 0;
  let weightTotal = 0;
  for (let index = 0; index < count; index++) {
    const score = perLabel[index] as number;
    if (Number.isNaN(score)) continue;
    const weight = average === 'weighted' ? (weights[index] as number) : 1;
    total += score * weight;
    weightTotal += weight;
  }
  if (average === 'weighted' && weightTotal === 0) return { score: 0, perLabel, skipped };
  if (weightTotal === 0) {
    invalidArgument(fn, 'yTrue', 'at least one label with both a positive and a negative example', 'none');
  }
  return { score: total / weightTotal, perLabel, skipped };
}
