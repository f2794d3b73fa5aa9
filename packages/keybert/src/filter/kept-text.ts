import type { TextSpan } from '@icd/core';

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
