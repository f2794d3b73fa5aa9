import { InvalidArgumentError } from './invalid-argument-error.js';

// Small assertions shared by every package, so that messages read the same everywhere:
// "Argument 'k' passed to 'precisionAtK' must be an integer >= 1, got 0".

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return String(value);
}

/**
 * Throws an {@link InvalidArgumentError} with the house message format:
 * `Argument '<argument>' passed to '<fn>' must be <expected>, got <value>`.
 *
 * @example
 * ```ts
 * invalidArgument('loadCodiesp', 'dir', 'an existing folder', '/no/such/dir');
 * // throws: Argument 'dir' passed to 'loadCodiesp' must be an existing folder, got "/no/such/dir"
 * ```
 */
export function invalidArgument(fn: string, argument: string, expected: string, value: unknown): never {
  throw new InvalidArgumentError({
    argument,
    value,
    message: `Argument '${argument}' passed to '${fn}' must be ${expected}, got ${describe(value)}`,
  });
}

/** " in [min, max]", " >= min", " <= max" or "", for the bounds that are set. */
function describeRange(min: number, max: number): string {
  const hasMin = min > Number.NEGATIVE_INFINITY;
  const hasMax = max < Number.POSITIVE_INFINITY;
  if (hasMin && hasMax) return ` in [${min}, ${max}]`;
  if (hasMin) return ` >= ${min}`;
  if (hasMax) return ` <= ${max}`;
  return '';
}

/**
 * Asserts `value` is an integer within `[min, max]` (both optional), else throws an
 * {@link InvalidArgumentError}.
 *
 * @example
 * ```ts
 * assertInteger('precisionAtK', 'k', 0, { min: 1 });
 * // throws: Argument 'k' passed to 'precisionAtK' must be an integer >= 1, got 0
 * ```
 */
export function assertInteger(
  fn: string,
  argument: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY }: { min?: number; max?: number } = {},
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidArgument(fn, argument, `an integer${describeRange(min, max)}`, value);
  }
}

/**
 * Asserts `value` is a finite number (not NaN or ±Infinity) within `[min, max]` (both optional), else
 * throws an {@link InvalidArgumentError}.
 *
 * @example
 * ```ts
 * assertFiniteNumber('fbetaScore', 'beta', Number.NaN);
 * // throws: Argument 'beta' passed to 'fbetaScore' must be a finite number, got NaN
 * ```
 */
export function assertFiniteNumber(
  fn: string,
  argument: string,
  value: unknown,
  { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY }: { min?: number; max?: number } = {},
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalidArgument(fn, argument, `a finite number${describeRange(min, max)}`, value);
  }
}

/**
 * Asserts `value` is one of `allowed` (compared with `includes`), else throws an
 * {@link InvalidArgumentError} listing the choices.
 *
 * @example
 * ```ts
 * assertOneOf('f1Score', 'average', 'mean', ['micro', 'macro'] as const);
 * // throws: Argument 'average' passed to 'f1Score' must be one of "micro", "macro", got "mean"
 * ```
 */
export function assertOneOf<const T extends readonly unknown[]>(
  fn: string,
  argument: string,
  value: unknown,
  allowed: T,
): asserts value is T[number] {
  if (!allowed.includes(value)) {
    invalidArgument(fn, argument, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
}
