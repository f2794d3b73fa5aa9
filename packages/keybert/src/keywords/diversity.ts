import { invalidArgument } from '@icd/core';
import { cosineSimilarity, documentSimilarities, type ScoredCandidate, type Vector } from './similarity.js';

/**
 * Options of {@link mmr}.
 *
 * @example
 * ```ts
 * mmr(document, vectors, texts, { topN: 5, diversity: 0.7 });
 * ```
 */
export interface MmrOptions {
  /** Keywords to return (default 5). */
  readonly topN?: number;
  /** 0: rank by similarity only; 1: diversity only (default 0.8, KeyBERT's default). */
  readonly diversity?: number;
}

/**
 * Maximal Marginal Relevance exactly as KeyBERT's `mmr` (keybert/_mmr.py): start from the candidate
 * most similar to the document, then repeatedly add the candidate maximising
 * `(1 - diversity)·sim(candidate, document) - diversity·max sim(candidate, chosen)`. Returns the chosen
 * candidates sorted by their cosine similarity to the document, best first (KeyBERT's final
 * `sorted(..., reverse=True)`; equal scores keep the order chosen), each with that similarity. Unlike
 * KeyBERT the score is not rounded to 4 decimals and the sort uses the unrounded score (KeyBERT rounds
 * first, so two keywords within 5e-5 of each other may swap); ties in the selection go to the first
 * candidate, as `np.argmax` does.
 *
 * @example
 * ```ts
 * mmr([1, 0], [[1, 0], [0.9, 0.1], [0.5, 0.5]], ['a', 'b', 'c'], { topN: 2, diversity: 0.7 });
 * // [{ text: 'a', score: 1 }, { text: 'c', score: 0.7071... }]
 * ```
 */
export function mmr(
  documentEmbedding: Vector,
  candidateEmbeddings: readonly Vector[],
  candidates: readonly string[],
  options: MmrOptions = {},
): ScoredCandidate[] {
  const fn = 'mmr';
  const toDocument = documentSimilarities(fn, documentEmbedding, candidateEmbeddings, candidates);
  const topN = options.topN ?? 5;
  const diversity = options.diversity ?? 0.8;
  if (!Number.isInteger(topN) || topN < 1) invalidArgument(fn, 'topN', 'an integer >= 1', topN);
  if (!Number.isFinite(diversity) || diversity < 0 || diversity > 1)
    invalidArgument(fn, 'diversity', 'a number in [0, 1]', diversity);
  if (candidates.length === 0) return [];
  const chosen = [argmax(toDocument)];
  const remaining = candidates.map((_, index) => index).filter((index) => index !== chosen[0]);
  // Similarity of each remaining candidate to its closest chosen one, updated as keywords are added.
  const closest = new Float64Array(candidates.length).fill(Number.NEGATIVE_INFINITY);
  for (let step = 0; step < Math.min(topN - 1, candidates.length - 1); step++) {
    const last = chosen.at(-1)!;
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let position = 0; position < remaining.length; position++) {
      const index = remaining[position]!;
      const toLast = cosineSimilarity(candidateEmbeddings[index]!, candidateEmbeddings[last]!);
      if (toLast > closest[index]!) closest[index] = toLast;
      const score = (1 - diversity) * toDocument[index]! - diversity * closest[index]!;
      if (score > bestScore) {
        bestScore = score;
        best = position;
      }
    }
    chosen.push(remaining[best]!);
    remaining.splice(best, 1);
  }
  // Stable sort, as Python's `sorted`: equal similarities keep the order chosen.
  return chosen
    .map((index) => ({ text: candidates[index]!, score: toDocument[index]! }))
    .sort((a, b) => b.score - a.score);
}

/**
 * Options of {@link maxSumDistance}.
 *
 * @example
 * ```ts
 * maxSumDistance(document, vectors, texts, { topN: 5, candidateCount: 20 });
 * ```
 */
export interface MaxSumOptions {
  /** Keywords to return (default 5). */
  readonly topN?: number;
  /** How many of the most similar candidates to combine (KeyBERT's `nr_candidates`, default 20); at least `topN`. */
  readonly candidateCount?: number;
}

/**
 * Max Sum Distance exactly as KeyBERT's `max_sum_distance` (keybert/_maxsum.py): take the
 * `candidateCount` candidates most similar to the document, and among all `topN`-combinations of them
 * return the one whose pairwise similarities sum least (the first such combination in lexicographic
 * order). The result is in KeyBERT's order: ascending similarity to the document. Scores are the
 * unrounded cosine similarities. Costs C(candidateCount, topN): keep both small.
 *
 * @throws InvalidArgumentError when `candidateCount < topN` (KeyBERT raises too).
 * @example
 * ```ts
 * maxSumDistance(doc, vectors, texts, { topN: 5, candidateCount: 10 }); // 5 keywords, least similar first
 * ```
 */
export function maxSumDistance(
  documentEmbedding: Vector,
  candidateEmbeddings: readonly Vector[],
  candidates: readonly string[],
  options: MaxSumOptions = {},
): ScoredCandidate[] {
  const fn = 'maxSumDistance';
  const toDocument = documentSimilarities(fn, documentEmbedding, candidateEmbeddings, candidates);
  const topN = options.topN ?? 5;
  const candidateCount = options.candidateCount ?? 20;
  if (!Number.isInteger(topN) || topN < 1) invalidArgument(fn, 'topN', 'an integer >= 1', topN);
  if (!Number.isInteger(candidateCount) || candidateCount < topN) {
    invalidArgument(fn, 'candidateCount', `an integer >= topN (${topN})`, candidateCount);
  }
  if (topN > candidates.length) return [];
  // np.argsort (ascending), then the last candidateCount: the most similar, least similar first.
  const pool = toDocument
    .map((score, index) => ({ score, index }))
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .slice(-candidateCount)
    .map(({ index }) => index);
  const pairwise = pool.map((i) =>
    pool.map((j) => cosineSimilarity(candidateEmbeddings[i]!, candidateEmbeddings[j]!)),
  );
  let best: number[] | undefined;
  let bestSum = 100_000;
  const combination = Array.from({ length: topN }, (_, index) => index);
  for (;;) {
    let sum = 0;
    for (const i of combination) for (const j of combination) if (i !== j) sum += pairwise[i]![j]!;
    if (sum < bestSum) {
      bestSum = sum;
      best = [...combination];
    }
    if (!nextCombination(combination, pool.length)) break;
  }
  return (best ?? []).map((position) => ({
    text: candidates[pool[position]!]!,
    score: toDocument[pool[position]!]!,
  }));
}

// Lexicographic successor of a k-combination of 0..n-1, as itertools.combinations; false at the end.
function nextCombination(combination: number[], n: number): boolean {
  const k = combination.length;
  let i = k - 1;
  while (i >= 0 && combination[i] === n - k + i) i--;
  if (i < 0) return false;
  combination[i]!++;
  for (let j = i + 1; j < k; j++) combination[j] = combination[j - 1]! + 1;
  return true;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}
