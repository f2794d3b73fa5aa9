import type { TextSpan } from '@icd/core';
import { wordTokens } from '../text/word-tokens.js';

/**
 * A shortened note: the kept passages joined, and where each came from, so predictions on the short
 * text map back to the original note.
 *
 * @example
 * ```ts
 * const kept = filterNote(note, { budget: 256, tokenizer, terms });
 * kept.spans; // [{ start: 120, end: 188 }, ...]: original offsets, in the order they appear in kept.text
 * kept.toOriginal(0); // 120
 * ```
 */
export interface KeptText {
  /** The kept passages joined by the separator. */
  readonly text: string;
  /** Each kept passage as a span of the ORIGINAL note, in the order they appear in `text`. */
  readonly spans: readonly TextSpan[];
  /** Where each passage starts in `text`. */
  readonly keptStarts: readonly number[];
  /** Tokens counted against the budget. */
  readonly tokens: number;
  /** Maps an offset of `text` to the original note (a passage's end offset to its end); `undefined` inside a separator or past the end. */
  toOriginal(offset: number): number | undefined;
}

/** Joins passages of `note` (in the given order) and records their origins. */
export function keptText(
  note: string,
  spans: readonly TextSpan[],
  tokens: number,
  separator: string,
): KeptText {
  const keptStarts: number[] = [];
  let text = '';
  for (const [index, span] of spans.entries()) {
    if (index > 0) text += separator;
    keptStarts.push(text.length);
    text += note.slice(span.start, span.end);
  }
  return {
    text,
    spans,
    keptStarts,
    tokens,
    toOriginal(offset: number): number | undefined {
      for (let index = spans.length - 1; index >= 0; index--) {
        const start = keptStarts[index]!;
        if (offset >= start) {
          const span = spans[index]!;
          return offset <= start + (span.end - span.start) ? span.start + offset - start : undefined;
        }
      }
      return undefined;
    },
  };
}

/** Counts tokens of a passage: the tokenizer's (without specials), else words. */
export type TokenCounter = (text: string) => number;

/**
 * The longest start of `span` that ends at the end of a word and counts at most `budget` tokens
 * (undefined when not even its first word fits): what is kept of a passage longer than the whole budget.
 */
export function fittingPrefix(
  note: string,
  span: TextSpan,
  budget: number,
  count: TokenCounter,
): TextSpan | undefined {
  const words = wordTokens(note.slice(span.start, span.end));
  if (words.length === 0) return undefined;
  const start = span.start + words[0]!.start;
  const endOf = (n: number) => span.start + words[n - 1]!.end;
  // Binary search on the number of words: token counts grow with the prefix.
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (count(note.slice(start, endOf(middle))) <= budget) low = middle;
    else high = middle - 1;
  }
  return low === 0 ? undefined : { start, end: endOf(low) };
}

/**
 * Drops the last-chosen passages while the joined text counts more than `budget` tokens (a separator
 * that merges with its neighbours can make the joined text longer than its parts); returns the count.
 * The text joins `chosen` in note order when `inNoteOrder`, else in the order given.
 */
export function trimToBudget(
  note: string,
  chosen: TextSpan[],
  budget: number,
  count: TokenCounter,
  separator: string,
  inNoteOrder: boolean,
): number {
  const joined = () =>
    (inNoteOrder ? [...chosen].sort((a, b) => a.start - b.start) : chosen)
      .map((span) => note.slice(span.start, span.end))
      .join(separator);
  let tokens = chosen.length === 0 ? 0 : count(joined());
  while (tokens > budget && chosen.length > 0) {
    chosen.pop();
    tokens = chosen.length === 0 ? 0 : count(joined());
  }
  return tokens;
}
