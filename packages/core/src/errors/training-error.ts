import { IcdError } from './icd-error.js';

const marker = 'icd.error.TrainingError';
const symbol = Symbol.for(marker);

/**
 * A training run cannot continue: the loss or a gradient became NaN or infinite, or a worker thread
 * failed. `step` is the 1-based optimizer update at fault, when known. The message says what to try.
 *
 * @example
 * ```ts
 * throw new TrainingError({ step: 12, message: 'the loss is NaN at update 12: lower the learning rate' });
 * ```
 */
export class TrainingError extends IcdError {
  protected readonly [symbol] = true;
  readonly step: number | undefined;

  constructor({ message, step, cause }: { message: string; step?: number; cause?: unknown }) {
    super({ name: 'TrainingError', message, cause });
    this.step = step;
  }

  static override isInstance(error: unknown): error is TrainingError {
    return IcdError.hasMarker(error, marker);
  }
}
