import { basename } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { readLines } from '../io/read-lines.js';
import { type CodeOptions, noteFromRecord } from './note-from-record.js';

/** Options of {@link loadJsonl}. */
export interface LoadJsonlOptions extends CodeOptions {}

/**
 * Streams notes from a JSON Lines file: one object per line with `text` (string), `codes` (string array),
 * and optionally `id` (default `<file name>:<line>`) and `sections` (`[{ title, start, end }]`). Blank
 * lines are skipped; anything else that is not such an object is a DataFormatError naming the file and
 * line. Codes are normalised (ICD-10-CM by default) and de-duplicated.
 *
 * @example
 * ```ts
 * for await (const note of loadJsonl('notes.jsonl')) console.log(note.id, note.codes);
 * ```
 */
export async function* loadJsonl(file: string, options: LoadJsonlOptions = {}): AsyncGenerator<ClinicalNote> {
  const name = basename(file);
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
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
    yield noteFromRecord(record as Record<string, unknown>, { file, line }, `${name}:${line}`, options);
  }
}
