import { IcdError } from './icd-error.js';

const marker = 'icd.error.UnsupportedError';
const symbol = Symbol.for(marker);

/**
 * The request is well formed but this implementation, backend or environment cannot serve it (an
 * optional dependency that is not installed, a backend not available on this platform). The message
 * says what to install or change.
 *
 * @example
 * ```ts
 * throw new UnsupportedError({
 *   feature: 'tensorflow-node',
 *   message: "the 'tensorflow' backend needs @tensorflow/tfjs-node: npm i @tensorflow/tfjs-node",
 * });
 * ```
 */
export class UnsupportedError extends IcdError {
  protected readonly [symbol] = true;
  readonly feature: string;

  constructor({ feature, message, cause }: { feature: string; message: string; cause?: unknown }) {
    super({ name: 'UnsupportedError', message, cause });
    this.feature = feature;
  }

  static override isInstance(error: unknown): error is UnsupportedError {
    return IcdError.hasMarker(error, marker);
  }
}
