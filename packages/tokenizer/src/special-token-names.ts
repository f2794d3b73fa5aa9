import { invalidArgument, type SpecialTokens } from '@icd/core';

const keys = ['unk', 'cls', 'sep', 'pad', 'mask'] as const;

/**
 * The special-token names of `given` over `defaults`: a name is a non-empty string; `null` or `undefined`
 * keeps the default (as a `null` entry of `tokenizer_config.json` means "not set").
 *
 * @internal
 */
export function resolveSpecialTokenNames(
  fn: string,
  given: Partial<Record<keyof SpecialTokens, string | null>> | null | undefined,
  defaults: SpecialTokens,
): SpecialTokens {
  if (given === undefined || given === null) return { ...defaults };
  if (typeof given !== 'object' || Array.isArray(given))
    invalidArgument(fn, 'specialTokens', 'an object of token names', given);
  const names: { -readonly [K in keyof SpecialTokens]: string } = { ...defaults };
  for (const key of keys) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value === '')
      invalidArgument(fn, `specialTokens.${key}`, 'a non-empty string or null', value);
    names[key] = value;
  }
  return names;
}
