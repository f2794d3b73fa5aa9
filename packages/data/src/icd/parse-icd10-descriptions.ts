import { DataFormatError } from '@icd/core';
import { splitLines } from '../io/lines.js';
import { parseCsvText } from '../io/parse-csv.js';
import { decodeUtf8 } from '../io/utf8.js';
import { Icd10DescriptionTable } from './icd10-description-table.js';
import { isIcd10CmCode } from './normalize-icd10-code.js';

/**
 * Which columns of a CDC order file to keep (it has a short and a long description).
 *
 * @example
 * ```ts
 * parseIcd10Descriptions(orderFileText, { description: 'short' });
 * ```
 */
export interface LoadIcd10DescriptionsOptions {
  /** `'long'` (default) or `'short'` description of the CDC order file. Ignored for other formats. */
  readonly description?: 'long' | 'short';
}

// CDC order file (icd10cm_order_2026.txt), fixed width: order number (5), blank, code (7, left-aligned),
// blank, header flag (1), blank, short description (60), blank, long description.
const ORDER_LINE = /^\d{5} [0-9A-Z]{3,7} *[01] /;
// CDC codes file (icd10cm_codes_2026.txt): code, at least one space, description.
const CODES_LINE = /^[0-9A-Z]{3,7}\s+\S/;

/**
 * Parses an ICD-10-CM description table held in memory (string or UTF-8 bytes; for browsers), in any of
 * the formats `loadIcd10Descriptions` of `@icd/data/node` reads from a file:
 * - the order file `icd10cm_order_YYYY.txt` (fixed width; headers and billable codes),
 * - the codes file `icd10cm_codes_YYYY.txt` (`A000    Cholera due to ...`: code, spaces, description),
 * - a CSV with a header whose first column holds codes and which has a `description` column (the
 *   `icd10cm-categories-April-1-2026.csv` of `../shared/data/icd10cm`).
 *
 * @throws DataFormatError naming the file and line of a row that fits none of these.
 * @example
 * ```ts
 * const table = parseIcd10Descriptions('A000    Cholera due to Vibrio cholerae 01, biovar cholerae\n');
 * table.describe('A000'); // 'Cholera due to Vibrio cholerae 01, biovar cholerae'
 * ```
 */
export function parseIcd10Descriptions(
  input: string | Uint8Array,
  options: LoadIcd10DescriptionsOptions & { readonly file?: string } = {},
): Icd10DescriptionTable {
  const file = options.file ?? 'input';
  const text = decodeUtf8(input, file);
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  // The codes file's first line has a comma too ("A000    Cholera due to Vibrio cholerae 01, biovar ...").
  if (firstLine.includes(',') && !ORDER_LINE.test(firstLine) && !CODES_LINE.test(firstLine))
    return fromCsv(text, file);
  const entries: [string, string][] = [];
  for (const { text: line, line: lineNumber } of splitLines(text)) {
    if (line.trim() === '') continue;
    let code: string;
    let description: string;
    if (ORDER_LINE.test(line)) {
      code = line.slice(6, 13).trim();
      description =
        options.description === 'short'
          ? line.slice(16, 76).trim()
          : line.slice(77).trim() || line.slice(16).trim();
    } else {
      const match = /^([0-9A-Z]{3,7})\s+(\S.*)$/.exec(line);
      if (match === null) {
        throw new DataFormatError({
          file,
          line: lineNumber,
          message:
            'expected a CDC order line ("00001 A00     0 Cholera ...") or a codes line ("A000    Cholera ...")',
        });
      }
      code = match[1]!;
      description = match[2]!.trim();
    }
    if (!isIcd10CmCode(code)) {
      throw new DataFormatError({ file, line: lineNumber, message: `'${code}' is not an ICD-10-CM code` });
    }
    entries.push([code, description]);
  }
  return new Icd10DescriptionTable(entries);
}

function fromCsv(text: string, file: string): Icd10DescriptionTable {
  const records = parseCsvText(text, file);
  const header = records[0]?.fields ?? [];
  const descriptionColumn = header.findIndex((name) => name.trim().toLowerCase() === 'description');
  if (descriptionColumn <= 0) {
    throw new DataFormatError({
      file,
      line: 1,
      message: `expected a header with the code first and a 'description' column, got ${JSON.stringify(header)}`,
    });
  }
  const entries: [string, string][] = [];
  for (const record of records.slice(1)) {
    const code = record.fields[0] ?? '';
    const description = record.fields[descriptionColumn];
    if (!isIcd10CmCode(code) || description === undefined || description === '') {
      throw new DataFormatError({
        file,
        line: record.line,
        message: `expected an ICD-10-CM code and a description, got ${JSON.stringify(record.fields)}`,
      });
    }
    entries.push([code, description]);
  }
  return new Icd10DescriptionTable(entries);
}
