import type { DenseMatrix, IndicatorMatrix } from '../internal/inputs.js';

/**
 * Counts, for every document, the gold labels among its `k` best-scored labels (`k` may differ per
 * row through `kOfRow`). Ties are broken by the lower column index, so results are deterministic
 * (CAML's `np.argsort(...)[:, ::-1]` leaves tie order to the sort). Keeps a sorted buffer of size k per
 * row: O(cols · k) without allocating per row.
 */
export function goldInTopK(
  truth: IndicatorMatrix,
  scores: DenseMatrix,
  kOfRow: (row: number) => number,
): Float64Array {
  const { rows, cols } = truth;
  const hits = new Float64Array(rows);
  const topScores = new Float64Array(cols);
  const topColumns = new Int32Array(cols);
  for (let row = 0; row < rows; row++) {
    const k = Math.min(kOfRow(row), cols);
    if (k <= 0) continue;
    const offset = row * cols;
    let size = 0;
    for (let col = 0; col < cols; col++) {
      const score = scores.data[offset + col] as number;
      // Strictly greater: an equal score at a higher column never displaces an earlier one.
      if (size === k && score <= (topScores[k - 1] as number)) continue;
      let position = size < k ? size++ : k - 1;
      while (position > 0 && score > (topScores[position - 1] as number)) {
        topScores[position] = topScores[position - 1] as number;
        topColumns[position] = topColumns[position - 1] as number;
        position--;
      }
      topScores[position] = score;
      topColumns[position] = col;
    }
    let count = 0;
    for (let position = 0; position < size; position++)
      count += truth.data[offset + (topColumns[position] as number)] as number;
    hits[row] = count;
  }
  return hits;
}

/** Gold labels per document. */
export function goldPerRow(truth: IndicatorMatrix): Float64Array {
  const counts = new Float64Array(truth.rows);
  for (let row = 0; row < truth.rows; row++) {
    let count = 0;
    for (let index = row * truth.cols; index < (row + 1) * truth.cols; index++)
      count += truth.data[index] as number;
    counts[row] = count;
  }
  return counts;
}
