import { assertInteger, assertOneOf, type EncodeOptions, invalidArgument } from '@icd/core';

/**
 * The longest length padding may produce (2^20 tokens, ~30 MB per encoding): `maxLength` / `padToMultipleOf`
 * of 1e9 would otherwise allocate gigabytes of zeros before anything fails.
 */
export const maxPaddedLength = 1 << 20;

/** Encode options with defaults applied and checked. */
export interface ResolvedEncodeOptions {
  readonly addSpecialTokens: boolean;
  readonly maxLength: number | undefined;
  readonly truncation: 'longest_first' | 'only_first' | 'only_second' | null;
  readonly stride: number;
  readonly keepOverflowing: boolean;
  readonly padding: 'longest' | 'max_length' | null;
  readonly paddingLeft: boolean;
  readonly padToMultipleOf: number | undefined;
}

/**
 * Applies the defaults of {@link EncodeOptions}: truncation is `longest_first` as soon as `maxLength` is
 * given (pass `truncation: false` to only pad), overflowing windows are kept when `returnOverflowing` or a
 * `stride` is asked for.
 */
export function resolveEncodeOptions(fn: string, options: EncodeOptions | undefined): ResolvedEncodeOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
  const addSpecialTokens = options.addSpecialTokens ?? true;
  if (typeof addSpecialTokens !== 'boolean')
    invalidArgument(fn, 'addSpecialTokens', 'a boolean', addSpecialTokens);
  const { maxLength } = options;
  if (maxLength !== undefined)
    assertInteger(fn, 'maxLength', maxLength, { min: 1, max: Number.MAX_SAFE_INTEGER });
  let truncation: ResolvedEncodeOptions['truncation'] = null;
  const requested = options.truncation ?? maxLength !== undefined;
  if (requested !== false) {
    assertOneOf(fn, 'truncation', requested, [true, 'longest_first', 'only_first', 'only_second'] as const);
    truncation = requested === true ? 'longest_first' : requested;
    if (maxLength === undefined)
      invalidArgument(fn, 'maxLength', 'an integer when truncation is on', maxLength);
  }
  const stride = options.stride ?? 0;
  assertInteger(fn, 'stride', stride, { min: 0 });
  const returnOverflowing = options.returnOverflowing ?? false;
  if (typeof returnOverflowing !== 'boolean') {
    invalidArgument(fn, 'returnOverflowing', 'a boolean', returnOverflowing);
  }
  let padding: ResolvedEncodeOptions['padding'] = null;
  if (options.padding !== undefined && options.padding !== false) {
    assertOneOf(fn, 'padding', options.padding, [true, 'longest', 'max_length'] as const);
    padding = options.padding === 'max_length' ? 'max_length' : 'longest';
    if (padding === 'max_length' && maxLength === undefined) {
      invalidArgument(fn, 'maxLength', "an integer when padding is 'max_length'", maxLength);
    }
    if (padding === 'max_length' && maxLength! > maxPaddedLength) {
      invalidArgument(fn, 'maxLength', `at most ${maxPaddedLength} when padding is 'max_length'`, maxLength);
    }
  }
  const paddingSide = options.paddingSide ?? 'right';
  assertOneOf(fn, 'paddingSide', paddingSide, ['right', 'left'] as const);
  const { padToMultipleOf } = options;
  if (padToMultipleOf !== undefined)
    assertInteger(fn, 'padToMultipleOf', padToMultipleOf, { min: 1, max: maxPaddedLength });
  return {
    addSpecialTokens,
    maxLength,
    truncation,
    stride,
    keepOverflowing: returnOverflowing || stride > 0,
    padding,
    paddingLeft: paddingSide === 'left',
    padToMultipleOf,
  };
}
