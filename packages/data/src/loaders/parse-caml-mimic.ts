import type { ClinicalNote } from '@icd/core';
import { assertOneOf, DataFormatError } from '@icd/core';
import { splitLines } from '../io/lines.js';
import { type CsvRecord, parseCsvText } from '../io/parse-csv.js';
import { decodeUtf8 } from '../io/utf8.js';
import { normalizeCodes } from './note-from-record.js';

/**
 * Options of {@link parseCamlMimic} and `loadCamlMimic`.
 *
 * @example
 * ```ts
 * const options: LoadCamlMimicOptions = { split: 'train', labelSet: '50' }; // train_50.csv
 * ```
 */
export interface LoadCamlMimicOptions {
  /** `'train'`, `'dev'` or `'test'`. */
  readonly split: 'train' | 'dev' | 'test';
  /** `'full'` (every code, `<split>_full.csv`) or `'50'` (MIMIC-III-50, `<split>_50.csv`). Default `'full'`. */
  readonly labelSet?: 'full' | '50';
}

const HEADER = ['SUBJECT_ID', 'HADM_ID', 'TEXT', 'LABELS'];
// ICD-9-CM as CAML writes it: diagnoses `401.9`, `V45.81`, `E878.8`; procedures `38.93`.
const ICD9_SHAPE = /^(?:\d{3}(?:\.\d{1,2})?|\d{2}(?:\.\d{1,2})?|V\d{2}(?:\.\d{1,2})?|E\d{3}(?:\.\d)?)$/;

/** Normalises an ICD-9-CM code as written by CAML (trimmed, upper case), or throws. */
function normalizeIcd9Code(code: string): string {
  const normalized = code.trim().toUpperCase();
  if (!ICD9_SHAPE.test(normalized)) throw new Error(`not an ICD-9-CM code shape (e.g. 401.9, 38.93, V45.81)`);
  return normalized;
}

/** Checks the options of the CAML readers; returns them with defaults. */
export function camlOptions(fn: string, options: LoadCamlMimicOptions) {
  const { split, labelSet = 'full' } = options ?? ({} as LoadCamlMimicOptions);
  assertOneOf(fn, 'split', split, ['train', 'dev', 'test'] as const);
  assertOneOf(fn, 'labelSet', labelSet, ['full', '50'] as const);
  return { split, labelSet };
}

/** Turns CAML CSV records into notes, the first record being the header (shared with `loadCamlMimic`). */
export class CamlRowReader {
  private columns: number[] | undefined;
  private fieldCount = 0;

  constructor(
    private readonly file: string,
    private readonly split: string,
    private readonly labelSet: string,
  ) {}

  read({ fields, line }: CsvRecord): ClinicalNote | undefined {
    const file = this.file;
    if (this.columns === undefined) {
      this.fieldCount = fields.length;
      this.columns = HEADER.map((name) => fields.indexOf(name));
      if (this.columns.some((column) => column === -1)) {
        throw new DataFormatError({
          file,
          line,
          message: `expected the CAML header ${HEADER.join(',')}[,length], got ${fields.join(',')}`,
        });
      }
      if (new Set(fields).size !== fields.length) {
        throw new DataFormatError({
          file,
          line,
          message: `the header names a column twice: ${fields.join(',')}`,
        });
      }
      return undefined;
    }
    // Every row has the header's fields (pandas writes empty ones): a row with more or fewer is a
    // broken quote or a truncated line, and reading on would shift TEXT into LABELS.
    if (fields.length !== this.fieldCount) {
      throw new DataFormatError({
        file,
        line,
        message: `expected ${this.fieldCount} fields as in the header, got ${fields.length}`,
      });
    }
    const [subjectId, hadmId, text, labels] = this.columns.map((column) => fields[column]!) as [
      string,
      string,
      string,
      string,
    ];
    if (!/^\d+$/.test(hadmId) || !/^\d+$/.test(subjectId)) {
      throw new DataFormatError({
        file,
        line,
        message: `SUBJECT_ID and HADM_ID must be integers, got ${subjectId}, ${hadmId}`,
      });
    }
    return {
      id: hadmId,
      text,
      codes: normalizeCodes(labels.split(';'), { file, line }, normalizeIcd9Code),
      metadata: {
        corpus: 'mimic-iii-caml',
        split: this.split,
        labelSet: this.labelSet,
        subjectId,
        hadmId,
        file,
      },
    };
  }

  finish(): void {
    if (this.columns === undefined)
      throw new DataFormatError({ file: this.file, message: 'the file is empty (no header row)' });
  }
}

/**
 * Parses one CAML MIMIC-III CSV held in memory (string or UTF-8 bytes), for browsers; the same rows and
 * checks as `loadCamlMimic` of `@icd/data/node`. `file` names it in error messages.
 *
 * @example
 * ```ts
 * const notes = parseCamlMimic(csvText, { split: 'train', labelSet: '50', file: 'train_50.csv' });
 * notes[0].codes; // ['401.9', '38.93']
 * ```
 */
export function parseCamlMimic(
  input: string | Uint8Array,
  options: LoadCamlMimicOptions & { readonly file?: string },
): ClinicalNote[] {
  const { split, labelSet } = camlOptions('parseCamlMimic', options);
  const file = options.file ?? 'input';
  const reader = new CamlRowReader(file, split, labelSet);
  const notes: ClinicalNote[] = [];
  for (const record of parseCsvText(input, file)) {
    const note = reader.read(record);
    if (note !== undefined) notes.push(note);
  }
  reader.finish();
  return notes;
}

/** One line of `TOP_50_CODES.csv` to its code (shared with `loadCamlTopCodes`). */
export function camlTopCode(text: string, file: string, line: number): string[] {
  return text.trim() === '' ? [] : normalizeCodes([text], { file, line }, normalizeIcd9Code);
}

/**
 * Parses CAML's `TOP_50_CODES.csv` held in memory (one ICD-9 code per line, no header), in file order.
 *
 * @example
 * ```ts
 * parseCamlTopCodes('401.9\n38.93\n'); // ['401.9', '38.93']
 * ```
 */
export function parseCamlTopCodes(input: string | Uint8Array, file = 'TOP_50_CODES.csv'): string[] {
  return splitLines(decodeUtf8(input, file)).flatMap(({ text, line }) => camlTopCode(text, file, line));
}
