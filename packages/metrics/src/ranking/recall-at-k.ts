import { assertInteger, assertOneOf } from '@icd/core';
import { assertSameShape, type MatrixInput, toDenseMatrix, toIndicatorMatrix } from '../internal/inputs.js';
import { goldInTopK, goldPerRow } from './top-k.js';

/** Options of {@link recallAtK}. */
export interface RecallAtKOptions {
  /** Documents without gold labels: `'zero'` (default, CAML's `nan → 0`) counts them as 0; `'skip'` leaves them out. */
  emptyDocuments?: 'zero' | 'skip';
}

/**
 * Recall at k, as CAML reports it: the mean over documents of `|top-k(scores) ∩ gold| / |gold|`.
 * Ties in scores go to the lower label index.
 *
 * @example
 * ```ts
 * recallAtK([[1, 0, 1], [0, 1, 0]], [[0.9, 0.8, 0.1], [0.2, 0.7, 0.3]], 1); // (1/2 + 1/1) / 2 = 0.75
 * ```
 */
export function recallAtK(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  k: number,
  options: RecallAtKOptions = {},
): number {
  const fn = 'recallAtK';
  assertInteger(fn, 'k', k, { min: 1 });
  const emptyDocuments = options.emptyDocuments ?? 'zero';
  assertOneOf(fn, 'emptyDocuments', emptyDocuments, ['zero', 'skip'] as const);
  const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
  const scores = toDenseMatrix(fn, 'yScore', yScore);
  assertSameShape(fn, 'yScore', truth, scores);
  const hits = goldInTopK(truth, scores, () => k);
  const gold = goldPerRow(truth);
  let total = 0;
  let documents = 0;
  for (let row = 0; row < truth.rows; row++) {
    const relevant = gold[row] as number;
    if (relevant === 0 && emptyDocuments === 'skip') continue;
    documents++;
    if (relevant > 0) total += (hits[row] as number) / relevant;
  }
  return documents === 0 ? 0 : total / documents;
}
