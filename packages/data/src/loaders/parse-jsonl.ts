import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { splitLines } from '../io/lines.js';
import { baseName } from '../io/paths.js';
import { decodeUtf8 } from '../io/utf8.js';
import { type CodeOptions, noteFromRecord } from './note-from-record.js';

/**
 * Options of {@link parseJsonl}.
 *
 * @example
 * ```ts
 * parseJsonl(bytes, { file: 'notes.jsonl' }); // ids default to 'notes.jsonl:<line>'
 * ```
 */
export interface ParseJsonlOptions extends CodeOptions {
  /** The file name, for error messages and the default note id `<file name>:<line>`. Default `'input'`. */
  readonly file?: string;
}

/** One JSONL line to a note (shared by {@link parseJsonl} and `loadJsonl`); `undefined` for a blank line. */
export function jsonlNote(
  text: string,
  line: number,
  file: string,
  options: CodeOptions,
): ClinicalNote | undefined {
  if (text.trim() === '') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError({
      file,
      line,
      message: `invalid JSON (${(error as Error).message})`,
      cause: error,
    });
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new DataFormatError({ file, line, message: 'each line must be a JSON object' });
  }
  return noteFromRecord(
    record as Record<string, unknown>,
    { file, line },
    `${baseName(file)}:${line}`,
    options,
  );
}

/**
 * Parses JSON Lines held in memory (a string, or bytes decoded strictly as UTF-8), for browsers and for
 * data that is not in a file: one object per line with `text`, `codes`, and optionally `id` and
 * `sections`, exactly as `loadJsonl` of `@icd/data/node` reads a file.
 *
 * @example
 * ```ts
 * const notes = parseJsonl('{"id":"n1","text":"Fast AF","codes":["I48.0"]}\n', { file: 'notes.jsonl' });
 * notes[0].codes; // ['I48.0']
 * ```
 */
export function parseJsonl(input: string | Uint8Array, options: ParseJsonlOptions = {}): ClinicalNote[] {
  const file = options.file ?? 'input';
  const notes: ClinicalNote[] = [];
  for (const { text, line } of splitLines(decodeUtf8(input, file))) {
    const note = jsonlNote(text, line, file, options);
    if (note !== undefined) notes.push(note);
  }
  return notes;
}
