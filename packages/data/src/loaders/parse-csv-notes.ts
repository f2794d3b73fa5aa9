import type { ClinicalNote } from '@icd/core';
import { DataFormatError } from '@icd/core';
import { type CsvRecord, parseCsvText } from '../io/parse-csv.js';
import { baseName } from '../io/paths.js';
import { type CodeOptions, noteFromRecord } from './note-from-record.js';

/**
 * Options of {@link parseCsv} and `loadCsv`.
 *
 * @example
 * ```ts
 * parseCsv(csv, { file: 'notes.csv', codeSeparator: '|' }); // codes written I48.0|I10
 * ```
 */
export interface ParseCsvOptions extends CodeOptions {
  /** Separator between the codes of the `codes` column. Default `';'`. */
  readonly codeSeparator?: string;
  /** The file name, for error messages and the default note id `<file name>:<line>`. Default `'input'`. */
  readonly file?: string;
}

/**
 * Turns CSV records into notes, the first record being the header (shared by {@link parseCsv} and
 * `loadCsv`). Returns `undefined` for the header.
 */
export class CsvNoteReader {
  private header: string[] | undefined;
  private readonly separator: string;

  constructor(
    private readonly file: string,
    private readonly options: ParseCsvOptions,
  ) {
    this.separator = options.codeSeparator ?? ';';
  }

  read({ fields, line }: CsvRecord): ClinicalNote | undefined {
    const file = this.file;
    if (this.header === undefined) {
      this.header = readHeader(fields, file, line);
      return undefined;
    }
    const header = this.header;
    if (fields.length !== header.length) {
      throw new DataFormatError({
        file,
        line,
        message: `expected ${header.length} fields (${header.join(',')}), got ${fields.length}`,
      });
    }
    const record: Record<string, unknown> = {};
    for (let column = 0; column < header.length; column++) record[header[column]!] = fields[column];
    record.codes = String(record.codes).split(this.separator);
    if (typeof record.sections === 'string' && record.sections.trim() !== '') {
      try {
        record.sections = JSON.parse(record.sections);
      } catch (error) {
        throw new DataFormatError({ file, line, message: "'sections' must hold a JSON array", cause: error });
      }
    }
    return noteFromRecord(record, { file, line }, `${baseName(file)}:${line}`, this.options);
  }

  /** Throws when the input ended before a header row. */
  finish(): void {
    if (this.header === undefined)
      throw new DataFormatError({ file: this.file, message: 'the file is empty (no header row)' });
  }
}

function readHeader(fields: readonly string[], file: string, line: number): string[] {
  const header = fields.map((field) => field.trim());
  for (const required of ['text', 'codes']) {
    if (!header.includes(required)) {
      throw new DataFormatError({
        file,
        line,
        message: `the header must name a '${required}' column, got ${JSON.stringify(header)}`,
      });
    }
  }
  // Two columns of one name: a record keeps only one of them, so which one is read would be an accident.
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new DataFormatError({
        file,
        line,
        message: `the header names the column '${name}' twice; rename or drop one of them`,
      });
    }
    seen.add(name);
  }
  return header;
}

/**
 * Parses CSV notes held in memory (a string, or bytes decoded strictly as UTF-8), for browsers: an RFC
 * 4180 header naming `text` and `codes` (and optionally `id`, `sections`), exactly as `loadCsv` of
 * `@icd/data/node` reads a file. A duplicate column name, a ragged row or a bad code is a DataFormatError
 * with the line.
 *
 * @example
 * ```ts
 * const notes = parseCsv('id,text,codes\nn1,"Fast AF, rate 140",I48.0;I10\n');
 * notes[0].codes; // ['I48.0', 'I10']
 * ```
 */
export function parseCsv(input: string | Uint8Array, options: ParseCsvOptions = {}): ClinicalNote[] {
  const file = options.file ?? 'input';
  const reader = new CsvNoteReader(file, options);
  const notes: ClinicalNote[] = [];
  for (const record of parseCsvText(input, file)) {
    const note = reader.read(record);
    if (note !== undefined) notes.push(note);
  }
  reader.finish();
  return notes;
}
