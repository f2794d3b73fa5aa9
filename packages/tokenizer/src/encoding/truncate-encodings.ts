import { invalidArgument } from '@icd/core';
import type { EncodingData } from './encoding-data.js';

/**
 * Truncates one sequence or a pair to `maxLength` tokens in all (specials excluded: the caller passes
 * the length left once the post-processor's specials are counted), as HF's `truncate_encodings`:
 *
 * - `longest_first` with a pair: with n1 ≤ n2, keep n1 and give the longer `max(n1, maxLength − n1)`;
 *   when that still does not fit, split `⌊maxLength/2⌋` and `⌈maxLength/2⌉` (the longer gets the extra).
 * - `only_first` / `only_second`: cut the named sequence by the excess; error when it is too short.
 *
 * Cut tokens become overflowing windows with `stride` tokens of overlap.
 */
export function truncateEncodings(
  first: EncodingData,
  second: EncodingData | null,
  maxLength: number,
  strategy: 'longest_first' | 'only_first' | 'only_second',
  stride: number,
): [EncodingData, EncodingData | null] {
  if (maxLength === 0) return [first.truncate(0, stride), second?.truncate(0, stride) ?? null];
  const total = first.length + (second?.length ?? 0);
  if (total <= maxLength) return [first, second];
  const excess = total - maxLength;
  if (strategy === 'longest_first') {
    if (second === null) return [first.truncate(maxLength, stride), null];
    let short = Math.min(first.length, second.length);
    let long = Math.max(first.length, second.length);
    const swapped = first.length > second.length;
    long = short > maxLength ? short : Math.max(short, maxLength - short);
    if (short + long > maxLength) {
      short = Math.floor(maxLength / 2);
      long = short + (maxLength % 2);
    }
    const [firstLength, secondLength] = swapped ? [long, short] : [short, long];
    return [first.truncate(firstLength, stride), second.truncate(secondLength, stride)];
  }
  const targetIsFirst = strategy === 'only_first';
  const target = targetIsFirst ? first : second;
  if (target === null) {
    invalidArgument(
      'encode',
      'truncation',
      "'only_first' or 'longest_first' without a second sequence",
      strategy,
    );
  }
  if (target.length <= excess) {
    invalidArgument(
      'encode',
      'maxLength',
      `large enough that '${strategy}' truncation leaves tokens of the truncated sequence (it has ${target.length}, ${excess} must go)`,
      maxLength,
    );
  }
  const cut = target.truncate(target.length - excess, stride);
  return targetIsFirst ? [cut, second] : [first, cut];
}
