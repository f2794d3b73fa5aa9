import type { ClinicalNote } from '@icd/core';
import type { CodeOptions } from '../loaders/note-from-record.js';
import { jsonlNote } from '../loaders/parse-jsonl.js';
import { readLines } from './read-file.js';

/**
 * Options of {@link loadJsonl}.
 *
 * @example
 * ```ts
 * loadJsonl('icd9.jsonl', { normalizeCode: (code) => code.trim() });
 * ```
 */
export interface LoadJsonlOptions extends CodeOptions {}

/**
 * Streams notes from a JSON Lines file: one object per line with `text` (string), `codes` (string array),
 * and optionally `id` (default `<file name>:<line>`) and `sections` (`[{ title, start, end }]`). Blank
 * lines are skipped; anything else that is not such an object, invalid UTF-8, or a missing file is a
 * DataFormatError naming the file (and line). Codes are normalised (ICD-10-CM by default) and de-duplicated.
 * In a browser, use `parseJsonl` of `@icd/data`.
 *
 * @example
 * ```ts
 * import { loadJsonl } from '@icd/data/node';
 * for await (const note of loadJsonl('notes.jsonl')) console.log(note.id, note.codes);
 * ```
 */
export async function* loadJsonl(file: string, options: LoadJsonlOptions = {}): AsyncGenerator<ClinicalNote> {
  for await (const { text, line } of readLines(file)) {
    const note = jsonlNote(text, line, file, options);
    if (note !== undefined) yield note;
  }
}
