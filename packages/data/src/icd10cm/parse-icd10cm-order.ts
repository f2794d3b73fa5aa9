import { DataFormatError, invalidArgument } from '@icd/core';
import { isIcd10CmCode, normalizeIcd10Code } from '../icd/normalize-icd10-code.js';
import { textOf } from './text-source.js';

/**
 * One row of CDC's ICD-10-CM order file: a code or a header (category, subcategory).
 *
 * @example
 * ```ts
 * const row: Icd10CmOrderEntry = parseIcd10CmOrder(text)[0]!; // { order: 1, code: 'A00', billable: false, ... }
 * ```
 */
export interface Icd10CmOrderEntry {
  /** The row's order number (tabular order, 1-based). */
  readonly order: number;
  /** Normalised code with the dot (`I48.0`, `S72.001A`). */
  readonly code: string;
  /** True for a code valid for submission (a leaf), false for a header. */
  readonly billable: boolean;
  /** The abbreviated description (at most 60 characters). */
  readonly shortDescription: string;
  /** The full description. */
  readonly longDescription: string;
}

/**
 * Options of {@link parseIcd10CmOrder}.
 *
 * @example
 * ```ts
 * parseIcd10CmOrder(text, { file: 'icd10cm-order-2021.txt' }); // errors name the file and line
 * ```
 */
export interface ParseIcd10CmOrderOptions {
  /** File name for error messages. */
  readonly file?: string;
}

// Fixed width (CDC's icd10cm_order_YYYY.txt addendum): order number in columns 1-5, blank, code in 7-13
// (left-aligned, no dot), blank, 1 if billable else 0 in 15, blank, short description in 17-76, blank,
// long description from 78 to the end of the line.
const ORDER_LINE = /^(\d{5}) ([0-9A-Z]{3,7}) *([01]) (.{1,60})/;

/**
 * Parses CDC's fixed-width ICD-10-CM order file (`icd10cm-order-2021.txt`, LF or CRLF) from a string or
 * UTF-8 bytes. Browser-safe; read a file with `readIcd10CmOrder` from `@icd/data/node`.
 *
 * @throws DataFormatError naming the line of a row that does not fit the layout or holds no valid code.
 * @example
 * ```ts
 * const [entry] = parseIcd10CmOrder(
 *   '04322 I480    1 Paroxysmal atrial fibrillation                               Paroxysmal atrial fibrillation\n',
 * );
 * entry; // { order: 4322, code: 'I48.0', billable: true, shortDescription: 'Paroxysmal ...', longDescription: ... }
 * ```
 */
export function parseIcd10CmOrder(
  source: string | Uint8Array,
  options: ParseIcd10CmOrderOptions = {},
): Icd10CmOrderEntry[] {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
    invalidArgument('parseIcd10CmOrder', 'source', 'a string or UTF-8 bytes', source);
  }
  let text: string;
  try {
    text = textOf(source, options.file);
  } catch (cause) {
    if (DataFormatError.isInstance(cause)) throw cause; // invalid UTF-8, with the file and line
    throw new DataFormatError({ file: options.file, message: 'the order file is not valid UTF-8', cause });
  }
  const entries: Icd10CmOrderEntry[] = [];
  const seen = new Set<string>();
  let start = 0;
  for (let lineNumber = 1; start < text.length; lineNumber++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    if (line.trim() === '') continue;
    const entry = parseLine(line, lineNumber, options.file);
    if (seen.has(entry.code)) {
      throw new DataFormatError({
        file: options.file,
        line: lineNumber,
        message: `duplicate code ${entry.code}`,
      });
    }
    seen.add(entry.code);
    entries.push(entry);
  }
  return entries;
}

function parseLine(line: string, lineNumber: number, file: string | undefined): Icd10CmOrderEntry {
  const match = ORDER_LINE.exec(line);
  if (match === null || line.length < 17) {
    throw new DataFormatError({
      file,
      line: lineNumber,
      message: `expected an order row ("00001 A00     0 Cholera ..."), got ${JSON.stringify(line.slice(0, 40))}`,
    });
  }
  const bare = line.slice(6, 13).trim();
  if (!isIcd10CmCode(bare)) {
    throw new DataFormatError({ file, line: lineNumber, message: `'${bare}' is not an ICD-10-CM code` });
  }
  const shortDescription = line.slice(16, 76).trim();
  const longDescription = line.slice(77).trim() || shortDescription;
  if (shortDescription === '') {
    throw new DataFormatError({ file, line: lineNumber, message: `code ${bare} has no description` });
  }
  return {
    order: Number(match[1]),
    code: normalizeIcd10Code(bare),
    billable: match[3] === '1',
    shortDescription,
    longDescription,
  };
}
