import { IcdError } from './icd-error.js';

const marker = 'icd.error.CheckpointError';
const symbol = Symbol.for(marker);

/**
 * A model checkpoint (config, weights, tokenizer files) is missing, malformed, truncated or does not
 * match the model it is loaded into. `file` names the file; `tensor` the parameter, when one is at fault.
 *
 * @example
 * ```ts
 * throw new CheckpointError({
 *   file: 'model.safetensors',
 *   tensor: 'bert.embeddings.word_embeddings.weight',
 *   message: 'expected shape [30522, 768], got [28996, 768]',
 * }); // message: 'model.safetensors: expected shape [30522, 768], got [28996, 768]'
 * ```
 */
export class CheckpointError extends IcdError {
  protected readonly [symbol] = true;
  readonly file: string | undefined;
  readonly tensor: string | undefined;

  constructor({
    message,
    file,
    tensor,
    cause,
  }: { message: string; file?: string; tensor?: string; cause?: unknown }) {
    super({ name: 'CheckpointError', message: file === undefined ? message : `${file}: ${message}`, cause });
    this.file = file;
    this.tensor = tensor;
  }

  static override isInstance(error: unknown): error is CheckpointError {
    return IcdError.hasMarker(error, marker);
  }
}
