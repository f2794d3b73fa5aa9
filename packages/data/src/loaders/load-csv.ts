import { basename } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { readCsvRecords } from '../io/parse-csv.js';
import { type CodeOptions, noteFromRecord } from './note-from-record.js';

/** Options of {@link loadCsv}. */
export interface LoadCsvOptions extends CodeOptions {
  /** Separator between the codes of the `codes` column. Default `';'`. */
  readonly codeSeparator?: string;
}

/**
 * Streams notes from an RFC 4180 CSV file with a header row naming the columns `text` and `codes`, and
 * optionally `id` and `sections` (a JSON array `[{"title","start","end"}]`). Quoted fields may hold
 * commas, doubled quotes and line breaks (a note over many lines). Codes are separated by `;` and
 * normalised (ICD-10-CM by default). A row with the wrong number of fields, a broken quote or a bad code is
 * a DataFormatError with the file and the line where the row starts.
 *
 * @example
 * ```ts
 * // id,text,codes
 * // n1,"Fast AF, rate 140",I48.0;I10
 * for await (const note of loadCsv('notes.csv')) console.log(note.codes); // ['I48.0', 'I10']
 * ```
 */
export async function* loadCsv(file: string, options: LoadCsvOptions = {}): AsyncGenerator<ClinicalNote> {
  const separator = options.codeSeparator ?? ';';
  const name = basename(file);
  let header: string[] | undefined;
  for await (const { fields, line } of readCsvRecords(file)) {
    if (header === undefined) {
      header = fields.map((field) => field.trim());
      for (const required of ['text', 'codes']) {
        if (!header.includes(required)) {
          throw new DataFormatError({
            file,
            line,
            message: `the header must name a '${required}' column, got ${JSON.stringify(header)}`,
          });
        }
      }
      continue;
    }
    if (fields.length !== header.length) {
      throw new DataFormatError({
        file,
        line,
        message: `expected ${header.length} fields (${header.join(',')}), got ${fields.length}`,
      });
    }
    const record: Record<string, unknown> = {};
    for (let column = 0; column < header.length; column++) record[header[column]!] = fields[column];
    record.codes = String(record.codes).split(separator);
    if (typeof record.sections === 'string' && record.sections.trim() !== '') {
      try {
        record.sections = JSON.parse(record.sections);
      } catch (error) {
        throw new DataFormatError({ file, line, message: "'sections' must hold a JSON array", cause: error });
      }
    }
    yield noteFromRecord(record, { file, line }, `${name}:${line}`, options);
  }
  if (header === undefined) throw new DataFormatError({ file, message: 'the file is empty (no header row)' });
}
