import { IcdError } from './icd-error.js';

const marker = 'icd.error.DataFormatError';
const symbol = Symbol.for(marker);

/**
 * A data file (corpus, label table, vocabulary, JSON) is malformed. `file` and `line` (1-based) point at
 * the offending place when they are known, so a user can open the file and fix the row; loaders throw
 * this instead of silently dropping rows. The message starts with `file:line: `.
 *
 * @example
 * ```ts
 * const error = new DataFormatError({ file: 'trainD.tsv', line: 12, message: 'expected 2 fields, got 1' });
 * error.message; // 'trainD.tsv:12: expected 2 fields, got 1'
 * DataFormatError.isInstance(error); // true
 * ```
 */
export class DataFormatError extends IcdError {
  protected readonly [symbol] = true;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor({
    message,
    file,
    line,
    cause,
  }: { message: string; file?: string; line?: number; cause?: unknown }) {
    const where = file === undefined ? '' : line === undefined ? `${file}: ` : `${file}:${line}: `;
    super({ name: 'DataFormatError', message: `${where}${message}`, cause });
    this.file = file;
    this.line = line;
  }

  static override isInstance(error: unknown): error is DataFormatError {
    return IcdError.hasMarker(error, marker);
  }
}
