import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { assertOneOf, DataFormatError, invalidArgument } from '@icd/core';

/**
 * How a corpus file is cut into documents.
 *
 * @example
 * ```ts
 * const documentMode: DocumentMode = 'blank-line';
 * readCorpusDocuments(files, { documentMode });
 * ```
 */
export type DocumentMode = 'file' | 'line' | 'blank-line';

/**
 * One document of a corpus and where it came from.
 *
 * @example
 * ```ts
 * for await (const document of readCorpusDocuments(files)) {
 *   const { file, line, text }: CorpusDocument = document;
 * }
 * ```
 */
export interface CorpusDocument {
  readonly file: string;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly text: string;
}

/**
 * Options of {@link readCorpusDocuments}.
 *
 * @example
 * ```ts
 * const options: ReadCorpusDocumentsOptions = { documentMode: 'line' };
 * for await (const document of readCorpusDocuments(files, options)) console.log(document.line);
 * ```
 */
export interface ReadCorpusDocumentsOptions {
  /**
   * `'file'`: each file is one document (a clinical note per file, as CodiEsp); `'line'`: each non-empty
   * line is one; `'blank-line'`: documents are separated by empty lines (BERT's pretraining format).
   * Default `'file'`.
   */
  readonly documentMode?: DocumentMode;
}

/**
 * Streams the documents of corpus files one at a time, so a corpus larger than memory can be read: only
 * the current document is held. Files are read in the given order; empty documents are skipped.
 *
 * @example
 * ```ts
 * for await (const document of readCorpusDocuments(files, { documentMode: 'file' })) {
 *   console.log(document.file, document.text.length);
 * }
 * ```
 */
export async function* readCorpusDocuments(
  files: readonly string[],
  options: ReadCorpusDocumentsOptions = {},
): AsyncGenerator<CorpusDocument> {
  if (!Array.isArray(files)) invalidArgument('readCorpusDocuments', 'files', 'an array of paths', files);
  const mode = options.documentMode ?? 'file';
  assertOneOf('readCorpusDocuments', 'documentMode', mode, ['file', 'line', 'blank-line'] as const);
  for (const file of files) {
    const stream = createReadStream(file, { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let buffer: string[] = [];
    let start = 1;
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber++;
        if (mode === 'line') {
          if (line.trim() !== '') yield { file, line: lineNumber, text: line };
        } else if (mode === 'blank-line' && line.trim() === '') {
          if (buffer.length > 0) yield { file, line: start, text: buffer.join('\n') };
          buffer = [];
          start = lineNumber + 1;
        } else {
          if (buffer.length === 0) start = lineNumber;
          buffer.push(line);
        }
      }
    } catch (cause) {
      throw new DataFormatError({
        message: 'cannot read corpus file',
        file,
        line: lineNumber || undefined,
        cause,
      });
    } finally {
      lines.close();
      stream.destroy();
    }
    const text = buffer.join('\n');
    if (text.trim() !== '') yield { file, line: start, text };
  }
}
