import { Icd10CmTable, parseIcd10CmOrder } from '@icd/data';

/** Three rows of CDC's ICD-10-CM order file (FY2021), copied verbatim (fixed-width columns). */
export const ORDER_ROWS = [
  '11097 I10     1 Essential (primary) hypertension                             Essential (primary) hypertension',
  '11354 I480    1 Paroxysmal atrial fibrillation                               Paroxysmal atrial fibrillation',
  '11364 I4891   1 Unspecified atrial fibrillation                              Unspecified atrial fibrillation',
  '04400 E119    1 Type 2 diabetes mellitus without complications               Type 2 diabetes mellitus without complications',
].join('\n');

/** An ICD-10-CM table of the rows above. */
export const tinyIcd10CmTable = () => new Icd10CmTable(parseIcd10CmOrder(`${ORDER_ROWS}\n`));

/** Notes that train a LexicalCoder in milliseconds; Z00.0 is not in the tiny table. */
export const TRAINING_NOTES = [
  { id: 't1', text: 'Known atrial fibrillation on apixaban.', codes: ['I48.91'] },
  { id: 't2', text: 'Atrial fibrillation, rate controlled, hypertension.', codes: ['I48.91', 'I10'] },
  { id: 't3', text: 'Essential hypertension on lisinopril.', codes: ['I10'] },
  { id: 't4', text: 'Hypertension, well controlled today.', codes: ['I10'] },
  { id: 't5', text: 'Type 2 diabetes on metformin.', codes: ['E11.9'] },
  { id: 't6', text: 'Diabetes follow up, metformin continued, check up.', codes: ['E11.9', 'Z00.0'] },
  { id: 't7', text: 'General check up, no complaints.', codes: ['Z00.0'] },
];

export const HASHES = { config: 'c'.repeat(64), data: 'd'.repeat(64) };
