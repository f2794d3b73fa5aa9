import type { Evidence } from '@icd/core';
import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';

/**
 * Options of {@link attentionEvidence}.
 *
 * @example
 * ```ts
 * const options: AttentionEvidenceOptions = { maxEvidence: 3, minRelativeAttention: 0.25, maxSpanWords: 8 };
 * ```
 */
export interface AttentionEvidenceOptions {
  /** At most this many spans (default 3). */
  readonly maxEvidence?: number;
  /**
   * A word joins a span when its attention mass is at least this share of the best word's (default
   * 0.25); adjacent such words merge into one phrase.
   */
  readonly minRelativeAttention?: number;
  /** Longest phrase, in words (default 8). */
  readonly maxSpanWords?: number;
  /** Offsets no span may cross (e.g. where the passages of a filtered note meet). */
  readonly boundaries?: readonly number[];
}

/** The words of a text that tokens fall into, computed once per note and reused for every label. */
export interface WordIndex {
  readonly text: string;
  /** `[start, end)` of each word, in text order (2 per word). */
  readonly words: Int32Array;
  /** The word of each token, −1 for specials, padding and tokens without a letter or digit. */
  readonly tokenWord: Int32Array;
}

const wordCharacter = /[\p{L}\p{N}\p{M}]/u;

function isWordCharacter(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return wordCharacter.test(text[index]!);
}

/**
 * Maps each token (by its `[start, end)` character offsets, 2 per token) to the whole word around it:
 * the maximal run of letters and digits that contains the token's first word character.
 */
export function wordIndex(text: string, offsets: ArrayLike<number>): WordIndex {
  const tokens = offsets.length / 2;
  const tokenWord = new Int32Array(tokens).fill(-1);
  const starts = new Map<number, number>();
  const words: number[] = [];
  const located: { token: number; start: number }[] = [];
  for (let token = 0; token < tokens; token++) {
    let from = offsets[2 * token] as number;
    const to = offsets[2 * token + 1] as number;
    if (!(to > from) || from < 0 || to > text.length) continue;
    while (from < to && !isWordCharacter(text, from)) from++;
    if (from === to) continue;
    let start = from;
    while (start > 0 && isWordCharacter(text, start - 1)) start--;
    located.push({ token, start });
    if (!starts.has(start)) {
      let end = from;
      while (end < text.length && isWordCharacter(text, end)) end++;
      starts.set(start, end);
    }
  }
  const ordered = [...starts.keys()].sort((a, b) => a - b);
  const wordOf = new Map<number, number>();
  ordered.forEach((start, index) => {
    wordOf.set(start, index);
    words.push(start, starts.get(start)!);
  });
  for (const { token, start } of located) tokenWord[token] = wordOf.get(start)!;
  return { text, words: Int32Array.from(words), tokenWord };
}

// Words of one phrase may be separated by spaces, hyphens, slashes and apostrophes only.
const joiner = /^[ \t\-/'’]*$/;

/** Evidence spans of one label from its per-token attention, over a precomputed {@link WordIndex}. */
export function spansFromAttention(
  index: WordIndex,
  attention: ArrayLike<number>,
  options: AttentionEvidenceOptions = {},
): Evidence[] {
  const maxEvidence = options.maxEvidence ?? 3;
  const minRelative = options.minRelativeAttention ?? 0.25;
  const maxWords = options.maxSpanWords ?? 8;
  const { text, words, tokenWord } = index;
  const count = words.length / 2;
  if (count === 0 || maxEvidence === 0) return [];
  // Attention mass of each word: the sum over its tokens (a token seen by two overlapping windows counts twice).
  const mass = new Float64Array(count);
  for (let token = 0; token < tokenWord.length; token++) {
    const word = tokenWord[token] as number;
    const value = attention[token] as number;
    if (word >= 0 && Number.isFinite(value)) mass[word]! += value;
  }
  let best = 0;
  for (const value of mass) if (value > best) best = value;
  if (!(best > 0)) return [];
  const cut = minRelative * best;
  const boundaries = options.boundaries ?? [];
  const crosses = (from: number, to: number) => boundaries.some((b) => b > from && b < to);
  const spans: { start: number; end: number; score: number }[] = [];
  for (let word = 0; word < count; word++) {
    if ((mass[word] as number) < cut) continue;
    let last = word;
    let score = mass[word] as number;
    while (
      last + 1 < count &&
      last + 1 - word < maxWords &&
      (mass[last + 1] as number) >= cut &&
      joiner.test(text.slice(words[2 * last + 1], words[2 * last + 2])) &&
      !crosses(words[2 * last + 1] as number, (words[2 * last + 2] as number) + 1)
    ) {
      last++;
      score += mass[last] as number;
    }
    spans.push({ start: words[2 * word] as number, end: words[2 * last + 1] as number, score });
    word = last;
  }
  spans.sort((a, b) => b.score - a.score || a.start - b.start);
  return spans.slice(0, maxEvidence).map(({ start, end, score }) => ({
    start,
    end,
    text: text.slice(start, end),
    score,
    source: 'attention' as const,
  }));
}

/**
 * The passages a label attends to, as evidence: each token's attention is added to the whole word it
 * lies in (tokens mapped through their character offsets, so word pieces and windows fold back onto
 * the note), words with at least `minRelativeAttention` of the best word's mass are kept, adjacent kept
 * words merge into phrases (at most `maxSpanWords`, never across punctuation or a `boundaries` offset),
 * and the phrases are returned best first by attention mass (`score`), `source: 'attention'`.
 * `text.slice(start, end) === evidence.text` for every span.
 *
 * @example
 * ```ts
 * // tokens: [CLS] chest pain , fever [SEP]
 * attentionEvidence('chest pain, fever', [0, 0, 0, 5, 6, 10, 10, 11, 12, 17, 0, 0], [0, 0.4, 0.5, 0, 0.1, 0]);
 * // [{ start: 0, end: 10, text: 'chest pain', score: 0.9, source: 'attention' }]
 * ```
 */
export function attentionEvidence(
  text: string,
  offsets: ArrayLike<number>,
  attention: ArrayLike<number>,
  options: AttentionEvidenceOptions = {},
): Evidence[] {
  const fn = 'attentionEvidence';
  if (typeof text !== 'string') invalidArgument(fn, 'text', 'a string', text);
  if (!offsets || offsets.length % 2 !== 0)
    invalidArgument(fn, 'offsets', 'an array of [start, end) pairs (2 numbers per token)', offsets);
  if (!attention || attention.length !== offsets.length / 2)
    invalidArgument(fn, 'attention', `${offsets.length / 2} values (one per token)`, attention?.length);
  checkEvidenceOptions(fn, options);
  return spansFromAttention(wordIndex(text, offsets), attention, options);
}

/** Validates {@link AttentionEvidenceOptions}. */
export function checkEvidenceOptions(fn: string, options: AttentionEvidenceOptions): void {
  if (options.maxEvidence !== undefined) assertInteger(fn, 'maxEvidence', options.maxEvidence, { min: 0 });
  if (options.minRelativeAttention !== undefined)
    assertFiniteNumber(fn, 'minRelativeAttention', options.minRelativeAttention, { min: 0, max: 1 });
  if (options.maxSpanWords !== undefined) assertInteger(fn, 'maxSpanWords', options.maxSpanWords, { min: 1 });
  if (options.boundaries !== undefined && !Array.isArray(options.boundaries))
    invalidArgument(fn, 'boundaries', 'an array of offsets', options.boundaries);
}
