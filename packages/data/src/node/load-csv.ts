import type { ClinicalNote } from '@icd/core';
import { CsvNoteReader, type ParseCsvOptions } from '../loaders/parse-csv-notes.js';
import { readCsvRecords } from './read-file.js';

/**
 * Options of {@link loadCsv}.
 *
 * @example
 * ```ts
 * loadCsv('notes.csv', { codeSeparator: '|' });
 * ```
 */
export interface LoadCsvOptions extends Omit<ParseCsvOptions, 'file'> {}

/**
 * Streams notes from an RFC 4180 CSV file with a header row naming the columns `text` and `codes`, and
 * optionally `id` and `sections` (a JSON array `[{"title","start","end"}]`). Quoted fields may hold
 * commas, doubled quotes and line breaks (a note over many lines). Codes are separated by `;` and
 * normalised (ICD-10-CM by default). A missing file, invalid UTF-8, a header naming a column twice, a row
 * with the wrong number of fields, a broken quote or a bad code is a DataFormatError with the file and the
 * line where the row starts. In a browser, use `parseCsv` of `@icd/data`.
 *
 * @example
 * ```ts
 * import { loadCsv } from '@icd/data/node';
 * // id,text,codes
 * // n1,"Fast AF, rate 140",I48.0;I10
 * for await (const note of loadCsv('notes.csv')) console.log(note.codes); // ['I48.0', 'I10']
 * ```
 */
export async function* loadCsv(file: string, options: LoadCsvOptions = {}): AsyncGenerator<ClinicalNote> {
  const reader = new CsvNoteReader(file, options);
  for await (const record of readCsvRecords(file)) {
    const note = reader.read(record);
    if (note !== undefined) yield note;
  }
  reader.finish();
}
