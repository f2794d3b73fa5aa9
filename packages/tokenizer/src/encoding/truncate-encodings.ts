import { invalidArgument } from '@icd/core';
import type { EncodingData } from './encoding-data.js';
import type { ResolvedEncodeOptions } from './resolve-encode-options.js';

// Windows of `length` tokens start every `length - stride` tokens: a step <= 0 would never end. HF's Rust
// `Encoding::truncate` asserts the same ("`stride` must be strictly less than `max_len`").
function checkStride(
  sequence: EncodingData,
  length: number,
  stride: number,
  which: 'first' | 'second',
  strategy: string,
): void {
  if (length === 0 || sequence.length <= length || stride < length) return;
  invalidArgument(
    'encode',
    'stride',
    `less than ${length}, the window length '${strategy}' truncation leaves the ${which} text (maxLength minus the special tokens, shared between the texts of a pair); use a smaller stride, a larger maxLength${strategy === 'longest_first' ? ", or 'only_first' / 'only_second'" : ''}`,
    stride,
  );
}

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
    if (second === null) {
      checkStride(first, maxLength, stride, 'first', strategy);
      return [first.truncate(maxLength, stride), null];
    }
    let short = Math.min(first.length, second.length);
    let long = Math.max(first.length, second.length);
    const swapped = first.length > second.length;
    long = short > maxLength ? short : Math.max(short, maxLength - short);
    if (short + long > maxLength) {
      short = Math.floor(maxLength / 2);
      long = short + (maxLength % 2);
    }
    const [firstLength, secondLength] = swapped ? [long, short] : [short, long];
    checkStride(first, firstLength, stride, 'first', strategy);
    checkStride(second, secondLength, stride, 'second', strategy);
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
  checkStride(target, target.length - excess, stride, targetIsFirst ? 'first' : 'second', strategy);
  const cut = target.truncate(target.length - excess, stride);
  return targetIsFirst ? [cut, second] : [first, cut];
}

/**
 * The truncation step of `encode`: checks `maxLength` / `stride` against the `added` special tokens,
 * truncates, refuses pairs whose window combinations would hang the caller, and drops the windows unless
 * they were asked for.
 */
export function truncateForEncode(
  first: EncodingData,
  second: EncodingData | null,
  added: number,
  options: ResolvedEncodeOptions,
): [EncodingData, EncodingData | null] {
  const budget = options.maxLength! - added;
  if (budget < 0 || options.stride >= Math.max(budget, 1)) {
    invalidArgument(
      'encode',
      options.stride > 0 ? 'stride' : 'maxLength',
      `such that stride < maxLength - ${added} special tokens (maxLength ${options.maxLength}, stride ${options.stride})`,
      options.stride > 0 ? options.stride : options.maxLength,
    );
  }
  [first, second] = truncateEncodings(first, second, budget, options.truncation!, options.stride);
  // With both sequences cut, HF combines every window of one with every window of the other: refuse
  // inputs where that product would hang the caller.
  const combinations = first.overflowing.length * (second?.overflowing.length ?? 0);
  if (options.keepOverflowing && combinations > 10_000) {
    invalidArgument(
      'encode',
      'truncation',
      `'only_first' or 'only_second' (or a larger maxLength) for this pair: 'longest_first' windows would combine ${first.overflowing.length} × ${second!.overflowing.length} overflowing windows`,
      options.truncation,
    );
  }
  if (!options.keepOverflowing) return [first.withOverflowing([]), second?.withOverflowing([]) ?? null];
  return [first, second];
}
