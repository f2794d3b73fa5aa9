import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { assertOneOf, DataFormatError } from '@icd/core';
import { readCsvRecords } from '../io/parse-csv.js';
import { readLines } from '../io/read-lines.js';
import { normalizeCodes } from './note-from-record.js';

/** Options of {@link loadCamlMimic}. */
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

/**
 * Streams MIMIC-III notes in the layout of CAML (Mullenbach et al., NAACL 2018;
 * `jamesmullenbach/caml-mimic`, `mimicdata/mimic3/`), which most ICD-coding papers reuse: a CSV with the
 * header `SUBJECT_ID,HADM_ID,TEXT,LABELS[,length]`, one discharge summary per admission, `LABELS` the
 * ICD-9 codes joined by `;`. Users point at their own credentialed copy; nothing is downloaded. The note
 * id is the HADM_ID; codes stay ICD-9 (upper-cased, checked for shape, de-duplicated).
 *
 * @example
 * ```ts
 * for await (const note of loadCamlMimic('mimicdata/mimic3', { split: 'train', labelSet: '50' })) {
 *   console.log(note.id, note.codes); // '100001' ['401.9', '38.93']
 * }
 * ```
 */
export async function* loadCamlMimic(
  dir: string,
  options: LoadCamlMimicOptions,
): AsyncGenerator<ClinicalNote> {
  const { split, labelSet = 'full' } = options ?? ({} as LoadCamlMimicOptions);
  assertOneOf('loadCamlMimic', 'split', split, ['train', 'dev', 'test'] as const);
  assertOneOf('loadCamlMimic', 'labelSet', labelSet, ['full', '50'] as const);
  const file = join(dir, `${split}_${labelSet}.csv`);
  let columns: number[] | undefined;
  let fieldCount = 0;
  for await (const { fields, line } of readCsvRecords(file)) {
    if (columns === undefined) {
      fieldCount = fields.length;
      columns = HEADER.map((name) => fields.indexOf(name));
      if (columns.some((column) => column === -1)) {
        throw new DataFormatError({
          file,
          line,
          message: `expected the CAML header ${HEADER.join(',')}[,length], got ${fields.join(',')}`,
        });
      }
      continue;
    }
    // Every row has the header's fields (pandas writes empty ones): a row with more or fewer is a
    // broken quote or a truncated line, and reading on would shift TEXT into LABELS.
    if (fields.length !== fieldCount) {
      throw new DataFormatError({
        file,
        line,
        message: `expected ${fieldCount} fields as in the header, got ${fields.length}`,
      });
    }
    const [subjectId, hadmId, text, labels] = columns.map((column) => fields[column]!) as [
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
    yield {
      id: hadmId,
      text,
      codes: normalizeCodes(labels.split(';'), { file, line }, normalizeIcd9Code),
      metadata: { corpus: 'mimic-iii-caml', split, labelSet, subjectId, hadmId, file },
    };
  }
  if (columns === undefined)
    throw new DataFormatError({ file, message: 'the file is empty (no header row)' });
}

/**
 * Reads CAML's `TOP_50_CODES.csv` (one ICD-9 code per line, no header): the MIMIC-III-50 label set, in
 * file order.
 *
 * @example
 * ```ts
 * const top50 = await loadCamlTopCodes('mimicdata/mimic3'); // ['401.9', '38.93', ...]
 * ```
 */
export async function loadCamlTopCodes(dir: string, fileName = 'TOP_50_CODES.csv'): Promise<string[]> {
  const file = join(dir, fileName);
  const codes: string[] = [];
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    codes.push(...normalizeCodes([text], { file, line }, normalizeIcd9Code));
  }
  return codes;
}
