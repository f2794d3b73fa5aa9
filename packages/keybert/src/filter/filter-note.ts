import type { Encoder, TextSpan, TokenizerLike } from '@icd/core';
import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import type { TermEntry } from '../dictionary/term-entry.js';
import { TermMatcher } from '../dictionary/term-matcher.js';
import { encodeContextualTokens, meanRows, type WindowOptions } from '../keywords/contextual-tokens.js';
import { cosineSimilarity } from '../keywords/similarity.js';
import { splitSentences } from '../text/sentences.js';
import { fittingPrefix, type KeptText, keptText, trimToBudget } from './kept-text.js';

/**
 * Options of {@link filterNote}.
 *
 * @example
 * ```ts
 * const options: FilterNoteOptions = { budget: 256, tokenizer, terms, encoder, similarityWeight: 0.5 };
 * ```
 */
export interface FilterNoteOptions extends WindowOptions {
  /** Tokens to keep (counted with `tokenizer`, without specials). */
  readonly budget: number;
  readonly tokenizer: TokenizerLike;
  /** Scores each sentence by the cosine of its mean contextual vector with the note's (Key-BERT). */
  readonly encoder?: Encoder;
  /** A dictionary: each non-negated match in a sentence adds its weight, a negated one half of it. */
  readonly terms?: TermMatcher | Iterable<TermEntry>;
  /** Weight of the dictionary score (default 1). */
  readonly dictionaryWeight?: number;
  /** Weight of the similarity score (default 1). */
  readonly similarityWeight?: number;
  /** Between kept sentences in `text` (default `' '`). */
  readonly separator?: string;
}

/**
 * One sentence of a filtered note, with its score.
 *
 * @example
 * ```ts
 * const best = filtered.sentences.filter((s) => s.kept).sort((a, b) => b.score - a.score)[0];
 * ```
 */
export interface ScoredSentence extends TextSpan {
  readonly score: number;
  readonly tokens: number;
  readonly kept: boolean;
}

/**
 * A note shortened by {@link filterNote}: the kept text and spans, and every sentence's score.
 *
 * @example
 * ```ts
 * const { text, spans, sentences } = await filterNote(note, { budget: 128, tokenizer, terms });
 * ```
 */
export interface FilteredNote extends KeptText {
  readonly sentences: readonly ScoredSentence[];
}

/**
 * Shrinks a note to a token budget, as the MDR-BERT study's Key-BERT filtering does: splits it into
 * sentences (with offsets), scores each by dictionary hits and, with an encoder, by the similarity of
 * its contextual vector to the note's (one windowed pass over the whole note), then keeps the best
 * sentences that fit the budget — ties and unscored sentences in note order — and returns them in
 * their ORIGINAL order with their spans.
 *
 * @example
 * ```ts
 * const kept = await filterNote(note, { budget: 256, tokenizer, terms: icd10CmTerms(table.entries()) });
 * kept.text; // the best sentences, in note order
 * kept.spans; // where each came from
 * ```
 */
export async function filterNote(note: string, options: FilterNoteOptions): Promise<FilteredNote> {
  const fn = 'filterNote';
  if (typeof note !== 'string') invalidArgument(fn, 'note', 'a string', note);
  assertInteger(fn, 'budget', options?.budget, { min: 1 });
  if (typeof options.tokenizer?.encode !== 'function')
    invalidArgument(fn, 'tokenizer', 'a TokenizerLike', options.tokenizer);
  const dictionaryWeight = options.dictionaryWeight ?? 1;
  const similarityWeight = options.similarityWeight ?? 1;
  assertFiniteNumber(fn, 'dictionaryWeight', dictionaryWeight, { min: 0 });
  assertFiniteNumber(fn, 'similarityWeight', similarityWeight, { min: 0 });
  const sentences = splitSentences(note);
  const scores = new Float64Array(sentences.length);
  if (options.terms !== undefined) {
    const matcher = options.terms instanceof TermMatcher ? options.terms : new TermMatcher(options.terms);
    for (const match of matcher.match(note)) {
      const weight = Math.max(...match.entries.map((entry) => entry.weight ?? 1));
      scores[match.sentence]! += dictionaryWeight * (match.negated ? weight / 2 : weight);
    }
  }
  if (options.encoder !== undefined) {
    const [tokens] = await encodeContextualTokens(options.encoder, options.tokenizer, [note], options, fn);
    const width = options.encoder.info.hiddenSize;
    let sentence = 0;
    const members: number[][] = sentences.map(() => []);
    tokens!.offsets.forEach(([start, end], token) => {
      while (sentence < sentences.length - 1 && start >= sentences[sentence]!.end) sentence++;
      if (end > start && sentences[sentence] !== undefined) members[sentence]!.push(token);
    });
    members.forEach((list, index) => {
      if (list.length > 0) {
        scores[index]! +=
          similarityWeight * cosineSimilarity(meanRows(tokens!.vectors, width, list), tokens!.document);
      }
    });
  }
  const counts = sentences.map(
    (sentence) =>
      options.tokenizer.encode(note.slice(sentence.start, sentence.end), null, { addSpecialTokens: false })
        .ids.length,
  );
  const order = sentences.map((_, index) => index).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const separator = options.separator ?? ' ';
  const count = (text: string) =>
    options.tokenizer.encode(text, null, { addSpecialTokens: false }).ids.length;
  // Each sentence after the first also costs the separator's tokens (none for white space).
  const separatorTokens = separator.trim() === '' ? 0 : count(separator);
  const kept = new Set<number>();
  const chosen: TextSpan[] = [];
  let used = 0;
  for (const index of order) {
    const cost = counts[index]! + (kept.size > 0 ? separatorTokens : 0);
    if (used + cost > options.budget) continue;
    kept.add(index);
    chosen.push(sentences[index]!);
    used += cost;
  }
  // No sentence fits (a long unpunctuated note, a tiny budget): the best sentence's first words that do.
  let partial: TextSpan | undefined;
  if (kept.size === 0 && order.length > 0) {
    partial = fittingPrefix(note, sentences[order[0]!]!, options.budget, count);
    if (partial !== undefined) chosen.push(partial);
  }
  used = trimToBudget(note, chosen, options.budget, count, separator, true);
  const keptSpans = [...chosen].sort((a, b) => a.start - b.start);
  if (partial !== undefined && chosen.length > 0) kept.add(order[0]!);
  else for (const index of [...kept]) if (!chosen.includes(sentences[index]!)) kept.delete(index);
  return {
    ...keptText(note, keptSpans, used, separator),
    sentences: sentences.map((sentence, index) => ({
      ...sentence,
      score: scores[index]!,
      tokens: counts[index]!,
      kept: kept.has(index),
    })),
  };
}
