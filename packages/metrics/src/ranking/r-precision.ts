import { invalidArgument } from '@icd/core';
import { assertSameShape, type MatrixInput, toDenseMatrix, toIndicatorMatrix } from '../internal/inputs.js';
import { goldInTopK, goldPerRow } from './top-k.js';

/**
 * R-precision: for each document with `R ≥ 1` gold labels, the precision of its `R` best-scored
 * labels (`|top-R ∩ gold| / R`, which equals recall at R); averaged over those documents. Documents
 * without gold labels are left out (R-precision is undefined there). Ties go to the lower label index.
 *
 * @example
 * ```ts
 * rPrecision([[1, 0, 1], [0, 1, 0]], [[0.9, 0.8, 0.1], [0.2, 0.7, 0.3]]); // (1/2 + 1) / 2 = 0.75
 * ```
 */
export function rPrecision(yTrue: MatrixInput, yScore: MatrixInput): number {
  const fn = 'rPrecision';
  const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
  const scores = toDenseMatrix(fn, 'yScore', yScore);
  assertSameShape(fn, 'yScore', truth, scores);
  const gold = goldPerRow(truth);
  const hits = goldInTopK(truth, scores, (row) => gold[row] as number);
  let total = 0;
  let documents = 0;
  for (let row = 0; row < truth.rows; row++) {
    const relevant = gold[row] as number;
    if (relevant === 0) continue;
    total += (hits[row] as number) / relevant;
    documents++;
  }
  if (documents === 0) invalidArgument(fn, 'yTrue', 'at least one document with a gold label', 'none');
  return total / documents;
}
