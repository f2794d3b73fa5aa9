import { invalidArgument } from '@icd/core';

// ICD-10-CM diagnosis shape (CDC/NCHS guidelines, section I.A): 3 to 7 characters; the first is a letter,
// the second a digit (or 'A' in the FY2024+ category QA0), the rest digits or letters ('X' is the
// placeholder); a dot follows the third character when there are more. Written without alternation so
// that it cannot backtrack.
const DIAGNOSIS_SHAPE = /^[A-Z][0-9A][0-9A-Z][0-9A-Z]{0,4}$/;
// ICD-10-PCS: exactly 7 characters from the 34 of [0-9A-Z] less the letters I and O; the first (section)
// is 0-9, B, C, D, F, G, H or X.
const PROCEDURE_SHAPE = /^[0-9BCDFGHX][0-9A-HJ-NP-Z]{0,6}$/;

function compact(code: unknown, fn: string): string {
  if (typeof code !== 'string') invalidArgument(fn, 'code', 'a string', code);
  return code.trim().toUpperCase();
}

/**
 * Normalises an ICD-10-CM diagnosis code to the canonical form: upper case, trimmed, a dot after the third
 * character when the code is longer than three (`i48.0`, `I480`, `' I48.0 '` → `I48.0`; `r52` → `R52`).
 * Validates the shape (a letter, a digit, then up to five of `[0-9A-Z]`); it does not check that the code
 * exists in a given release: use an {@link Icd10DescriptionTable} for that.
 *
 * @throws InvalidArgumentError naming the code when it is not a diagnosis code shape.
 * @example
 * ```ts
 * normalizeIcd10Code('i480'); // 'I48.0'
 * normalizeIcd10Code('S72.001A'); // 'S72.001A'
 * ```
 */
export function normalizeIcd10Code(code: string): string {
  const upper = compact(code, 'normalizeIcd10Code');
  const dot = upper.indexOf('.');
  if (dot !== -1 && (dot !== 3 || upper.length === 4 || upper.indexOf('.', dot + 1) !== -1)) {
    invalidArgument(
      'normalizeIcd10Code',
      'code',
      'an ICD-10-CM diagnosis code with at most one dot, after the third character (e.g. I48.0)',
      code,
    );
  }
  const bare = dot === -1 ? upper : upper.slice(0, 3) + upper.slice(4);
  if (!DIAGNOSIS_SHAPE.test(bare)) {
    invalidArgument(
      'normalizeIcd10Code',
      'code',
      'an ICD-10-CM diagnosis code: a letter, a digit, then 1 to 5 of [0-9A-Z] (e.g. I48.0, R52, S72.001A)',
      code,
    );
  }
  return bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
}

/**
 * True when `code` normalises to an ICD-10-CM diagnosis code shape (see {@link normalizeIcd10Code}).
 *
 * @example
 * ```ts
 * isIcd10CmCode('i480'); // true
 * isIcd10CmCode('0210093'); // false (a PCS code)
 * ```
 */
export function isIcd10CmCode(code: string): boolean {
  try {
    normalizeIcd10Code(code);
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link normalizeIcd10PcsCode}. */
export interface NormalizeIcd10PcsCodeOptions {
  /**
   * Accept a prefix of 1 to 6 characters (CodiEsp-P has 4-character codes such as `bn20` that stop at the
   * body part). Default `false`: exactly 7 characters.
   */
  readonly allowPartial?: boolean;
}

/**
 * Normalises an ICD-10-PCS procedure code: trimmed, upper case, exactly seven characters from
 * `[0-9A-HJ-NP-Z]` (no I, no O: they read as 1 and 0), the first one a valid section.
 *
 * @throws InvalidArgumentError naming the code when it is not a PCS code shape.
 * @example
 * ```ts
 * normalizeIcd10PcsCode(' bw03zzz '); // 'BW03ZZZ'
 * normalizeIcd10PcsCode('bn20', { allowPartial: true }); // 'BN20'
 * ```
 */
export function normalizeIcd10PcsCode(code: string, options: NormalizeIcd10PcsCodeOptions = {}): string {
  const upper = compact(code, 'normalizeIcd10PcsCode');
  if (!PROCEDURE_SHAPE.test(upper) || (upper.length !== 7 && options.allowPartial !== true)) {
    invalidArgument(
      'normalizeIcd10PcsCode',
      'code',
      options.allowPartial === true
        ? 'an ICD-10-PCS code or prefix: 1 to 7 of [0-9A-HJ-NP-Z], the first a section (0-9, B-D, F-H, X)'
        : 'an ICD-10-PCS code: 7 of [0-9A-HJ-NP-Z], the first a section (0-9, B-D, F-H, X), e.g. 0210093',
      code,
    );
  }
  return upper;
}

/**
 * True when `code` is a full seven-character ICD-10-PCS code shape.
 *
 * @example
 * ```ts
 * isIcd10PcsCode('0210093'); // true
 * isIcd10PcsCode('bn20'); // false (a 4-character prefix)
 * ```
 */
export function isIcd10PcsCode(code: string): boolean {
  try {
    normalizeIcd10PcsCode(code);
    return true;
  } catch {
    return false;
  }
}

/**
 * The three-character category of an ICD-10-CM code (the roll-up used for coarse labels):
 * `I48.0` → `I48`.
 *
 * @example
 * ```ts
 * icd10Category('s72.001a'); // 'S72'
 * ```
 */
export function icd10Category(code: string): string {
  return normalizeIcd10Code(code).slice(0, 3);
}
