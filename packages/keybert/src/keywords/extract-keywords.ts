import type { Encoder, Keyword, TokenizerLike } from '@icd/core';
import { invalidArgument } from '@icd/core';
import { type Candidate, type CandidateOptions, findCandidates } from './candidates.js';
import {
  type ContextualTokens,
  encodeContextualTokens,
  meanRows,
  type WindowOptions,
} from './contextual-tokens.js';
import { maxSumDistance, mmr } from './diversity.js';
import { rankByCosine, type ScoredCandidate, seededDocumentEmbedding } from './similarity.js';

/**
 * KeyBERT's two ways to diversify the keywords.
 *
 * @example
 * ```ts
 * const diversity: KeywordDiversity = { method: 'maxSum', candidateCount: 20 };
 * ```
 */
export type KeywordDiversity =
  | { readonly method: 'mmr'; readonly diversity?: number }
  | { readonly method: 'maxSum'; readonly candidateCount?: number };

/**
 * Options of {@link extractKeywords} and {@link extractKeywordsBatch}.
 *
 * @example
 * ```ts
 * const options: ExtractKeywordsOptions = { encoder, tokenizer, topN: 10, ngramRange: [1, 3], stopWords: 'es' };
 * ```
 */
export interface ExtractKeywordsOptions extends CandidateOptions, WindowOptions {
  readonly encoder: Encoder;
  readonly tokenizer: TokenizerLike;
  /** Keywords per note (default 5). */
  readonly topN?: number;
  /**
   * `'context'` (default): mean of the candidate's token vectors in the note, over all occurrences;
   * `'isolated'`: the candidate encoded alone (`[CLS] candidate [SEP]`, mean of its tokens), as KeyBERT.
   */
  readonly candidateEmbedding?: 'context' | 'isolated';
  /** MMR or Max Sum diversification (default: none, plain cosine ranking). */
  readonly diversity?: KeywordDiversity;
  /** Guide the document vector towards these phrases: `(3·document + mean(seeds)) / 4`. */
  readonly seedKeywords?: readonly string[];
}

/**
 * Key-BERT keywords of one note (the MDR-BERT study's eqs. 1–3): the document vector is the mean of the
 * note's contextual token vectors over all its windows, each candidate's vector the mean of its tokens
 * (in context, or encoded alone), and candidates rank by cosine similarity, optionally diversified with
 * KeyBERT's MMR or Max Sum. Each keyword carries its character spans in the original text.
 *
 * @example
 * ```ts
 * const keywords = await extractKeywords(note, { encoder, tokenizer, topN: 5, ngramRange: [1, 3] });
 * keywords[0]; // { text: 'atrial fibrillation', score: 0.82, source: 'embedding', spans: [[112, 131]] }
 * ```
 */
export async function extractKeywords(note: string, options: ExtractKeywordsOptions): Promise<Keyword[]> {
  const [keywords] = await extractKeywordsBatch([note], options);
  return keywords!;
}

/**
 * {@link extractKeywords} for many notes: every window of every note (and every isolated candidate or
 * seed) goes through the encoder in shared batches, one pass per window.
 *
 * @example
 * ```ts
 * const perNote = await extractKeywordsBatch(notes.map((n) => n.text), { encoder, tokenizer, diversity: { method: 'mmr' } });
 * ```
 */
export async function extractKeywordsBatch(
  notes: readonly string[],
  options: ExtractKeywordsOptions,
): Promise<Keyword[][]> {
  const fn = 'extractKeywords';
  if (!Array.isArray(notes) || notes.some((note) => typeof note !== 'string')) {
    invalidArgument(fn, 'notes', 'an array of strings', notes);
  }
  if (typeof options?.encoder?.encode !== 'function')
    invalidArgument(fn, 'encoder', 'an Encoder', options?.encoder);
  if (typeof options.tokenizer?.encode !== 'function')
    invalidArgument(fn, 'tokenizer', 'a TokenizerLike', options.tokenizer);
  const topN = options.topN ?? 5;
  if (!Number.isInteger(topN) || topN < 1) invalidArgument(fn, 'topN', 'an integer >= 1', topN);
  const range = options.ngramRange ?? [1, 2];
  if (!Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[0] < 1 || range[1] < range[0]) {
    invalidArgument(fn, 'ngramRange', '[min, max] word counts with 1 <= min <= max', range);
  }
  const mode = options.candidateEmbedding ?? 'context';
  if (mode !== 'context' && mode !== 'isolated')
    invalidArgument(fn, 'candidateEmbedding', "'context' or 'isolated'", mode);
  const candidates = notes.map((note) => findCandidates(note, options));
  const seeds = options.seedKeywords ?? [];
  const isolatedTexts = mode === 'isolated' ? [...new Set(candidates.flat().map((c) => c.text))] : [];
  // Notes, then isolated candidates and seeds, all in one batched encoding.
  const encoded = await encodeContextualTokens(
    options.encoder,
    options.tokenizer,
    [...notes, ...isolatedTexts, ...seeds],
    options,
    fn,
  );
  const width = options.encoder.info.hiddenSize;
  const isolated = new Map(
    isolatedTexts.map((text, index) => [text, encoded[notes.length + index]!.document]),
  );
  const seedVectors = seeds.map((_, index) => encoded[notes.length + isolatedTexts.length + index]!.document);
  return notes.map((_, index) => {
    const tokens = encoded[index]!;
    const document =
      seedVectors.length > 0 ? seededDocumentEmbedding(tokens.document, seedVectors) : tokens.document;
    const kept: Candidate[] = [];
    const vectors: Float64Array[] = [];
    for (const candidate of candidates[index]!) {
      const vector = mode === 'isolated' ? isolated.get(candidate.text) : inContext(tokens, candidate, width);
      if (vector === undefined) continue;
      kept.push(candidate);
      vectors.push(vector);
    }
    const texts = kept.map((candidate) => candidate.text);
    const scored: ScoredCandidate[] =
      options.diversity?.method === 'mmr'
        ? mmr(document, vectors, texts, {
            topN,
            ...(options.diversity.diversity === undefined ? {} : { diversity: options.diversity.diversity }),
          })
        : options.diversity?.method === 'maxSum'
          ? maxSumDistance(document, vectors, texts, {
              topN: Math.min(topN, texts.length),
              candidateCount: Math.max(options.diversity.candidateCount ?? 20, Math.min(topN, texts.length)),
            })
          : kept.length === 0
            ? []
            : rankByCosine(document, vectors, texts, { topN });
    const spans = new Map(kept.map((candidate) => [candidate.text, candidate.spans]));
    return scored.map(({ text, score }) => ({
      text,
      score,
      source: 'embedding' as const,
      spans: spans.get(text)!,
    }));
  });
}

// Mean of the vectors of the tokens inside the candidate's occurrences; undefined when none is.
function inContext(tokens: ContextualTokens, candidate: Candidate, width: number): Float64Array | undefined {
  const inside: number[] = [];
  let span = 0;
  const spans = [...candidate.spans].sort((a, b) => a[0] - b[0]);
  tokens.offsets.forEach(([start, end], token) => {
    while (span < spans.length && spans[span]![1] <= start) span++;
    const current = spans[span];
    if (current !== undefined && start < current[1] && end > current[0] && end > start) inside.push(token);
  });
  return inside.length === 0 ? undefined : meanRows(tokens.vectors, width, inside);
}
