import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import {
  CamlRowReader,
  camlOptions,
  camlTopCode,
  type LoadCamlMimicOptions,
} from '../loaders/parse-caml-mimic.js';
import { readCsvRecords, readLines } from './read-file.js';

/**
 * Streams MIMIC-III notes in the layout of CAML (Mullenbach et al., NAACL 2018;
 * `jamesmullenbach/caml-mimic`, `mimicdata/mimic3/`), which most ICD-coding papers reuse: a CSV with the
 * header `SUBJECT_ID,HADM_ID,TEXT,LABELS[,length]`, one discharge summary per admission, `LABELS` the
 * ICD-9 codes joined by `;`. Users point at their own credentialed copy; nothing is downloaded. The note
 * id is the HADM_ID; codes stay ICD-9 (upper-cased, checked for shape, de-duplicated). A missing file,
 * invalid UTF-8 or a malformed row is a DataFormatError naming the file (and line).
 *
 * @example
 * ```ts
 * import { loadCamlMimic } from '@icd/data/node';
 * for await (const note of loadCamlMimic('mimicdata/mimic3', { split: 'train', labelSet: '50' })) {
 *   console.log(note.id, note.codes); // '100001' ['401.9', '38.93']
 * }
 * ```
 */
export async function* loadCamlMimic(
  dir: string,
  options: LoadCamlMimicOptions,
): AsyncGenerator<ClinicalNote> {
  const { split, labelSet } = camlOptions('loadCamlMimic', options);
  const file = join(dir, `${split}_${labelSet}.csv`);
  const reader = new CamlRowReader(file, split, labelSet);
  for await (const record of readCsvRecords(file)) {
    const note = reader.read(record);
    if (note !== undefined) yield note;
  }
  reader.finish();
}

/**
 * Reads CAML's `TOP_50_CODES.csv` (one ICD-9 code per line, no header): the MIMIC-III-50 label set, in
 * file order.
 *
 * @example
 * ```ts
 * import { loadCamlTopCodes } from '@icd/data/node';
 * const top50 = await loadCamlTopCodes('mimicdata/mimic3'); // ['401.9', '38.93', ...]
 * ```
 */
export async function loadCamlTopCodes(dir: string, fileName = 'TOP_50_CODES.csv'): Promise<string[]> {
  const file = join(dir, fileName);
  const codes: string[] = [];
  for await (const { text, line } of readLines(file)) codes.push(...camlTopCode(text, file, line));
  return codes;
}
