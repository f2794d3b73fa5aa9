import type { Encoding } from '../tokenizer-like.js';

/**
 * A fake tokenizer window for pooling tests: `[CLS] ids [SEP]` (ids 2 and 3) padded with 0 to `length`,
 * as a tokenizer with overflow returns each window, with attention and special-token masks to match,
 * and `overflowing` the next windows.
 *
 * @example
 * ```ts
 * // Windows of a note with stride 1: [5 6 7] [7 8 9] [9 10] (the last one padded).
 * const note = windowEncoding([5, 6, 7], 5, [windowEncoding([7, 8, 9], 5), windowEncoding([9, 10], 5)]);
 * note.ids; // [2, 5, 6, 7, 3]
 * ```
 */
export function windowEncoding(
  ids: readonly number[],
  length: number,
  overflowing: Encoding[] = [],
): Encoding {
  const all = [2, ...ids, 3];
  const pad = length - all.length;
  if (!Number.isInteger(length) || pad < 0)
    throw new RangeError(`windowEncoding: length ${length} cannot hold ${all.length} tokens`);
  return {
    ids: [...all, ...Array(pad).fill(0)],
    tokens: all.map(String).concat(Array(pad).fill('[PAD]')),
    offsets: Array(length).fill([0, 0]),
    attentionMask: [...all.map(() => 1), ...Array(pad).fill(0)],
    typeIds: Array(length).fill(0),
    specialTokensMask: [1, ...ids.map(() => 0), 1, ...Array(pad).fill(1)],
    wordIds: Array(length).fill(null),
    sequenceIds: Array(length).fill(null),
    overflowing,
  };
}
