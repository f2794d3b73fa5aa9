import { assertInteger } from '@icd/core';
import { assertSameShape, type MatrixInput, toDenseMatrix, toIndicatorMatrix } from '../internal/inputs.js';
import { goldInTopK } from './top-k.js';

/**
 * Precision at k, as CAML (Mullenbach et al., 2018) and the ICD-coding papers after it report it:
 * the mean over documents of `|top-k(scores) ∩ gold| / k`, every document included. Ties in scores go
 * to the lower label index.
 *
 * @example
 * ```ts
 * precisionAtK([[1, 0, 1], [0, 1, 0]], [[0.9, 0.8, 0.1], [0.2, 0.7, 0.3]], 2); // (1/2 + 1/2) / 2 = 0.5
 * ```
 */
export function precisionAtK(yTrue: MatrixInput, yScore: MatrixInput, k: number): number {
  const fn = 'precisionAtK';
  assertInteger(fn, 'k', k, { min: 1 });
  const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
  const scores = toDenseMatrix(fn, 'yScore', yScore);
  assertSameShape(fn, 'yScore', truth, scores);
  const hits = goldInTopK(truth, scores, () => k);
  let total = 0;
  for (let row = 0; row < truth.rows; row++) total += (hits[row] as number) / k;
  return total / truth.rows;
}
