/**
 * A keyword or keyphrase found in a document, by embedding similarity (Key-BERT) or by direct match
 * against a code/diagnosis table.
 *
 * @example
 * ```ts
 * const keyword: Keyword = { text: 'atrial fibrillation', score: 0.71, source: 'embedding', spans: [[12, 31]] };
 * ```
 */
export interface Keyword {
  readonly text: string;
  /** Relevance: cosine similarity to the document for `'embedding'`, a match weight for `'table'`. */
  readonly score: number;
  readonly source: 'embedding' | 'table';
  /** `[start, end)` character offsets of each occurrence in the document. */
  readonly spans?: readonly (readonly [number, number])[];
  /** For table matches: the code whose term matched. */
  readonly code?: string;
}
