import type { Icd10DescriptionTable } from '../icd/icd10-description-table.js';
import {
  type LoadIcd10DescriptionsOptions,
  parseIcd10Descriptions,
} from '../icd/parse-icd10-descriptions.js';
import { readTextFile } from './read-file.js';

/**
 * Loads an ICD-10-CM description table from one of the files CDC/NCHS publishes or a CSV:
 * - the order file `icd10cm_order_YYYY.txt` (fixed width; headers and billable codes),
 * - the codes file `icd10cm_codes_YYYY.txt` (`A000    Cholera due to ...`: code, spaces, description),
 * - a CSV with a header whose first column holds codes and which has a `description` column (the
 *   `icd10cm-categories-April-1-2026.csv` of `../shared/data/icd10cm`).
 * In a browser, use `parseIcd10Descriptions` of `@icd/data`.
 *
 * @throws DataFormatError naming the file (and line) of a missing file, invalid UTF-8, or a row that fits
 * none of these.
 * @example
 * ```ts
 * import { loadIcd10Descriptions } from '@icd/data/node';
 * const table = await loadIcd10Descriptions('../shared/data/icd10cm/icd10cm-categories-April-1-2026.csv');
 * table.describe('I48'); // 'Atrial fibrillation and flutter'
 * ```
 */
export async function loadIcd10Descriptions(
  file: string,
  options: LoadIcd10DescriptionsOptions = {},
): Promise<Icd10DescriptionTable> {
  return parseIcd10Descriptions(await readTextFile(file), { ...options, file });
}
