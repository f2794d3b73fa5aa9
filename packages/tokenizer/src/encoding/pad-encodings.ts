import { invalidArgument } from '@icd/core';
import type { EncodingData } from './encoding-data.js';
import { maxPaddedLength, type ResolvedEncodeOptions } from './resolve-encode-options.js';

/**
 * Pads every encoding (and its overflowing windows) as HF's `pad_encodings`: to `maxLength` or to the
 * longest of the batch, rounded up to `padToMultipleOf`, with the pad id, type id 0, attention 0.
 */
export function padEncodings(
  encodings: readonly EncodingData[],
  options: ResolvedEncodeOptions,
  padId: number,
): EncodingData[] {
  let target = 0;
  if (options.padding === 'max_length') target = options.maxLength!;
  else for (const encoding of encodings) target = Math.max(target, encoding.length);
  const longest = target;
  const multiple = options.padToMultipleOf;
  if (multiple !== undefined && target % multiple !== 0) target += multiple - (target % multiple);
  if (target > Math.max(longest, maxPaddedLength)) {
    invalidArgument(
      'encode',
      'padToMultipleOf',
      `small enough that padding stays within ${maxPaddedLength} tokens (it would pad to ${target})`,
      multiple,
    );
  }
  return encodings.map((encoding) => encoding.pad(target, padId, 0, options.paddingLeft));
}
