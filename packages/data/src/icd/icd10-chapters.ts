import { DataFormatError } from '@icd/core';
import { icd10Category } from './normalize-icd10-code.js';

/** One of the 22 chapters of ICD-10-CM: its number, its category range and its title. */
export interface Icd10Chapter {
  readonly chapter: number;
  /** First and last three-character category, inclusive (`'I00'`, `'I99'`). */
  readonly first: string;
  readonly last: string;
  readonly title: string;
}

/**
 * The 22 chapters of ICD-10-CM with their category ranges, as in the CDC/NCHS tabular list (FY2026,
 * `icd10cm-chapters-April-1-2026.csv`). Chapter 22 (`U00-U85`) holds codes for special purposes (U07.1
 * COVID-19). Ranges are compared as strings: every category is three characters of `[0-9A-Z]`.
 *
 * @example
 * ```ts
 * ICD10_CHAPTERS[8]; // { chapter: 9, first: 'I00', last: 'I99', title: 'Diseases of the circulatory system' }
 * ```
 */
export const ICD10_CHAPTERS: readonly Icd10Chapter[] = [
  ['A00', 'B99', 'Certain infectious and parasitic diseases'],
  ['C00', 'D49', 'Neoplasms'],
  [
    'D50',
    'D89',
    'Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism',
  ],
  ['E00', 'E89', 'Endocrine, nutritional and metabolic diseases'],
  ['F01', 'F99', 'Mental, Behavioral and Neurodevelopmental disorders'],
  ['G00', 'G99', 'Diseases of the nervous system'],
  ['H00', 'H59', 'Diseases of the eye and adnexa'],
  ['H60', 'H95', 'Diseases of the ear and mastoid process'],
  ['I00', 'I99', 'Diseases of the circulatory system'],
  ['J00', 'J99', 'Diseases of the respiratory system'],
  ['K00', 'K95', 'Diseases of the digestive system'],
  ['L00', 'L99', 'Diseases of the skin and subcutaneous tissue'],
  ['M00', 'M99', 'Diseases of the musculoskeletal system and connective tissue'],
  ['N00', 'N99', 'Diseases of the genitourinary system'],
  ['O00', 'O9A', 'Pregnancy, childbirth and the puerperium'],
  ['P00', 'P96', 'Certain conditions originating in the perinatal period'],
  ['Q00', 'QA0', 'Congenital malformations, deformations and chromosomal abnormalities'],
  ['R00', 'R99', 'Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified'],
  ['S00', 'T88', 'Injury, poisoning and certain other consequences of external causes'],
  ['V00', 'Y99', 'External causes of morbidity'],
  ['Z00', 'Z99', 'Factors influencing health status and contact with health services'],
  ['U00', 'U85', 'Codes for special purposes'],
].map(([first, last, title], index) => ({ chapter: index + 1, first: first!, last: last!, title: title! }));

/**
 * The ICD-10-CM chapter of a diagnosis code: its three-character category is looked up in the 22
 * chapter ranges of {@link ICD10_CHAPTERS}. The code is normalised first (`'i48.0'` works).
 *
 * @throws InvalidArgumentError when the code is not an ICD-10-CM diagnosis code.
 * @throws DataFormatError when its category lies in no chapter (e.g. `U99`).
 * @example
 * ```ts
 * icd10Chapter('I48.0').chapter; // 9
 * icd10Chapter('R57.0').chapter; // 18
 * ```
 */
export function icd10Chapter(code: string): Icd10Chapter {
  const category = icd10Category(code);
  for (const chapter of ICD10_CHAPTERS) {
    if (category >= chapter.first && category <= chapter.last) return chapter;
  }
  throw new DataFormatError({
    message: `ICD-10-CM code '${code}' (category ${category}) falls in none of the 22 chapter ranges`,
  });
}
