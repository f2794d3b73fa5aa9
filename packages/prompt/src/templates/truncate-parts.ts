import type { TokenizerLike } from '@icd/core';

/**
 * How a wrapped note that does not fit the window is shortened. Only shortenable blocks are cut (by
 * default the placeholders), never the template words, soft tokens or the mask:
 * - `'tail'`: drop tokens from the end of the last shortenable blocks (OpenPrompt's `tail`);
 * - `'head'`: drop tokens from the START of the first shortenable blocks (OpenPrompt's `head` cuts
 *   each block's end instead, a bug not copied here);
 * - `'balanced'`: cut every shortenable block in proportion to its length (OpenPrompt's `balanced`);
 * - a {@link ShortenFunction}: shorten each shortenable block's text to a token budget (e.g. a
 *   keyword filter that keeps the sentences that matter); what still overflows is cut at the tail.
 *
 * @example
 * ```ts
 * const template = new ManualTemplate({ tokenizer, text, maxLength: 256, truncation: 'head' });
 * ```
 */
export type TruncationStrategy = 'tail' | 'head' | 'balanced' | ShortenFunction;

/**
 * Shortens one block's text so that it takes at most `maxTokens` tokens (without special tokens).
 * It must be synchronous; run an asynchronous filter (one that calls an encoder) on the note before
 * wrapping it, with {@link Template.tokenBudget} as the budget.
 *
 * @example
 * ```ts
 * const firstSentences: ShortenFunction = (text, maxTokens, tokenizer) => {
 *   const kept: string[] = [];
 *   for (const sentence of text.split(/(?<=\.)\s+/)) {
 *     const next = [...kept, sentence].join(' ');
 *     if (tokenizer.encode(next, null, { addSpecialTokens: false }).ids.length > maxTokens) break;
 *     kept.push(sentence);
 *   }
 *   return kept.join(' ');
 * };
 * ```
 */
export type ShortenFunction = (text: string, maxTokens: number, tokenizer: TokenizerLike) => string;

/** A block's tokens during truncation. */
export interface TruncatablePart {
  ids: number[];
  readonly shortenable: boolean;
}

/** OpenPrompt's `round_list`: ceil each share, then clip the running sum at `total`. */
function roundShares(shares: readonly number[], total: number): number[] {
  let sum = 0;
  return shares.map((share) => {
    const rounded = Math.ceil(share);
    if (sum > total) return 0;
    sum += rounded;
    return sum <= total ? rounded : rounded - (sum - total);
  });
}

/**
 * Removes `count` tokens from the shortenable parts, in place, by a fixed strategy. Returns the number
 * of tokens it could not remove (0 when everything fit).
 */
export function truncateParts(
  parts: TruncatablePart[],
  count: number,
  strategy: 'tail' | 'head' | 'balanced',
): number {
  let remaining = count;
  if (strategy === 'balanced') {
    const lengths = parts.map((part) => (part.shortenable ? part.ids.length : 0));
    const total = lengths.reduce((a, b) => a + b, 0);
    if (total === 0) return remaining;
    const cut = roundShares(
      lengths.map((length) => (length / total) * Math.min(count, total)),
      Math.min(count, total),
    );
    parts.forEach((part, i) => {
      const n = Math.min(cut[i]!, part.ids.length);
      if (n > 0) part.ids = part.ids.slice(0, part.ids.length - n);
      remaining -= n;
    });
    return remaining;
  }
  const order = strategy === 'tail' ? [...parts].reverse() : parts;
  for (const part of order) {
    if (remaining <= 0) break;
    if (!part.shortenable || part.ids.length === 0) continue;
    const n = Math.min(remaining, part.ids.length);
    part.ids = strategy === 'tail' ? part.ids.slice(0, part.ids.length - n) : part.ids.slice(n);
    remaining -= n;
  }
  return remaining;
}
