import { invalidArgument } from '@icd/core';

/** A vector as any array of numbers (`number[]`, `Float32Array`, `Float64Array`). */
export type Vector = ArrayLike<number>;

/**
 * A keyword or keyphrase and its cosine similarity to the document (unrounded).
 *
 * @example
 * ```ts
 * const best: ScoredCandidate = { text: 'atrial fibrillation', score: 0.8123 };
 * ```
 */
export interface ScoredCandidate {
  readonly text: string;
  readonly score: number;
}

/**
 * Cosine similarity in double precision, as scikit-learn's `cosine_similarity` (a zero vector has
 * similarity 0 with everything).
 *
 * @example
 * ```ts
 * cosineSimilarity([1, 0], [1, 1]); // 0.7071067811865475
 * ```
 */
export function cosineSimilarity(a: Vector, b: Vector): number {
  if (a.length !== b.length)
    invalidArgument('cosineSimilarity', 'b', `a vector of length ${a.length}`, b.length);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / (Math.sqrt(normA) * Math.sqrt(normB));
}

/** Checks a document vector, candidate vectors and candidate texts fit together; returns similarities. */
export function documentSimilarities(
  fn: string,
  documentEmbedding: Vector,
  candidateEmbeddings: readonly Vector[],
  candidates: readonly string[],
): number[] {
  if (
    documentEmbedding === null ||
    typeof documentEmbedding !== 'object' ||
    typeof documentEmbedding.length !== 'number'
  ) {
    invalidArgument(fn, 'documentEmbedding', 'an array of numbers', documentEmbedding);
  }
  if (!Array.isArray(candidateEmbeddings))
    invalidArgument(fn, 'candidateEmbeddings', 'an array of vectors', candidateEmbeddings);
  if (!Array.isArray(candidates) || candidates.length !== candidateEmbeddings.length) {
    invalidArgument(
      fn,
      'candidates',
      `${candidateEmbeddings.length} candidate texts (one per embedding)`,
      candidates,
    );
  }
  return candidateEmbeddings.map((embedding) => {
    if (embedding?.length !== documentEmbedding.length) {
      invalidArgument(
        fn,
        'candidateEmbeddings',
        `vectors of length ${documentEmbedding.length}`,
        embedding?.length,
      );
    }
    const similarity = cosineSimilarity(embedding, documentEmbedding);
    // NaN or an infinity anywhere in either vector: no ranking could mean anything.
    if (!Number.isFinite(similarity))
      invalidArgument(fn, 'candidateEmbeddings', 'finite numbers (and a finite document vector)', similarity);
    return similarity;
  });
}

/**
 * The `topN` candidates most similar to the document, best first (KeyBERT without diversity; ties keep
 * candidate order).
 *
 * @example
 * ```ts
 * rankByCosine([1, 0], [[1, 0], [0, 1], [1, 1]], ['a', 'b', 'c'], { topN: 2 });
 * // [{ text: 'a', score: 1 }, { text: 'c', score: 0.7071067811865475 }]
 * ```
 */
export function rankByCosine(
  documentEmbedding: Vector,
  candidateEmbeddings: readonly Vector[],
  candidates: readonly string[],
  options: { readonly topN?: number } = {},
): ScoredCandidate[] {
  const similarities = documentSimilarities(
    'rankByCosine',
    documentEmbedding,
    candidateEmbeddings,
    candidates,
  );
  const topN = options.topN ?? 5;
  if (!Number.isInteger(topN) || topN < 1) invalidArgument('rankByCosine', 'topN', 'an integer >= 1', topN);
  return similarities
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, topN)
    .map(({ index, score }) => ({ text: candidates[index]!, score }));
}

/**
 * KeyBERT's seed-keyword guidance: the document vector moved towards the mean of the seed vectors,
 * `(3·document + mean(seeds)) / 4`.
 *
 * @example
 * ```ts
 * seededDocumentEmbedding([4, 0], [[0, 4], [0, 0]]); // Float64Array [3, 0.5]
 * ```
 */
export function seededDocumentEmbedding(
  documentEmbedding: Vector,
  seedEmbeddings: readonly Vector[],
): Float64Array {
  if (!Array.isArray(seedEmbeddings) || seedEmbeddings.length === 0) {
    invalidArgument('seededDocumentEmbedding', 'seedEmbeddings', 'at least one seed vector', seedEmbeddings);
  }
  const width = documentEmbedding.length;
  const seed = new Float64Array(width);
  for (const embedding of seedEmbeddings) {
    if (embedding.length !== width) {
      invalidArgument(
        'seededDocumentEmbedding',
        'seedEmbeddings',
        `vectors of length ${width}`,
        embedding.length,
      );
    }
    for (let d = 0; d < width; d++) seed[d]! += embedding[d]! / seedEmbeddings.length;
  }
  const out = new Float64Array(width);
  for (let d = 0; d < width; d++) out[d] = (3 * documentEmbedding[d]! + seed[d]!) / 4;
  return out;
}
