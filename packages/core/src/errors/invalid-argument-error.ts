import { IcdError } from './icd-error.js';

const marker = 'icd.error.InvalidArgumentError';
const symbol = Symbol.for(marker);

/**
 * A caller passed a value that the function cannot use. The message says what was passed, what was
 * expected, and how to fix it; `argument` names the parameter.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError({
 *   argument: 'k',
 *   message: `Argument 'k' passed to 'precisionAtK' must be an integer >= 1, got 0`,
 * });
 * ```
 */
export class InvalidArgumentError extends IcdError {
  protected readonly [symbol] = true;
  readonly argument: string;
  readonly value: unknown;

  constructor({
    argument,
    message,
    value,
    cause,
  }: { argument: string; message: string; value?: unknown; cause?: unknown }) {
    super({ name: 'InvalidArgumentError', message, cause });
    this.argument = argument;
    this.value = value;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return IcdError.hasMarker(error, marker);
  }
}
