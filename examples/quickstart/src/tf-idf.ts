/**
 * TF-IDF over token ids and cosine similarity: the small, transparent baseline the examples use to show
 * the packages working together before any BERT is trained. Smoothed idf as scikit-learn's
 * `TfidfVectorizer(smooth_idf=True)`: idf(t) = ln((1 + n) / (1 + df(t))) + 1; vectors are L2-normalised.
 */
export type SparseVector = Map<number, number>;

export class TfIdf {
  private readonly idf = new Map<number, number>();

  constructor(documents: readonly (readonly number[])[]) {
    const documentFrequency = new Map<number, number>();
    for (const tokens of documents) {
      for (const token of new Set(tokens))
        documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
    }
    for (const [token, df] of documentFrequency) {
      this.idf.set(token, Math.log((1 + documents.length) / (1 + df)) + 1);
    }
  }

  /** The L2-normalised TF-IDF vector of a document; tokens never seen in training are ignored. */
  vector(tokens: readonly number[]): SparseVector {
    const vector: SparseVector = new Map();
    for (const token of tokens) {
      const idf = this.idf.get(token);
      if (idf !== undefined) vector.set(token, (vector.get(token) ?? 0) + idf);
    }
    return normalize(vector);
  }
}

export function normalize(vector: SparseVector): SparseVector {
  let norm = 0;
  for (const value of vector.values()) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [token, value] of vector) vector.set(token, value / norm);
  return vector;
}

/** Cosine similarity of two L2-normalised sparse vectors (iterates the shorter one). */
export function cosine(a: SparseVector, b: SparseVector): number {
  const [short, long] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [token, value] of short) dot += value * (long.get(token) ?? 0);
  return dot;
}

/** The normalised mean of several vectors (a class centroid, as in Rocchio classification). */
export function centroid(vectors: readonly SparseVector[]): SparseVector {
  const sum: SparseVector = new Map();
  for (const vector of vectors)
    for (const [token, value] of vector) sum.set(token, (sum.get(token) ?? 0) + value);
  return normalize(sum);
}
