import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@icd/core';
import { fileSystemError, readFileChunks } from '../node/read-file.js';
import { Icd10CmTable } from './icd10cm-table.js';
import { type Icd10CmOrderEntry, parseIcd10CmOrder } from './parse-icd10cm-order.js';
import { type Icd10CmTabular, parseIcd10CmTabular } from './parse-icd10cm-tabular.js';

/**
 * Reads CDC's fixed-width ICD-10-CM order file (`icd10cm-order-2021.txt`). Node.js only.
 *
 * @throws DataFormatError naming the file (missing, a folder) or the line of a malformed row.
 * @example
 * ```ts
 * const rows = await readIcd10CmOrder('../shared/data/icd10cm/icd10cm-order-2021.txt');
 * rows.length; // 95358
 * ```
 */
export async function readIcd10CmOrder(file: string): Promise<Icd10CmOrderEntry[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    fileSystemError(error, file, 'file');
  }
  return parseIcd10CmOrder(bytes, { file });
}

/**
 * Streams CDC's ICD-10-CM tabular list XML (`icd10cm-tabular-2021.xml`) through the SAX parser, 64 KiB
 * at a time. Node.js only.
 *
 * @throws DataFormatError naming the file (missing, a folder) or the line of malformed XML.
 * @example
 * ```ts
 * const tabular = await readIcd10CmTabular('../shared/data/icd10cm/icd10cm-tabular-2021.xml');
 * tabular.diagnoses.length; // 45017
 * ```
 */
export async function readIcd10CmTabular(file: string): Promise<Icd10CmTabular> {
  return parseIcd10CmTabular(readFileChunks(file), { file });
}

/**
 * Where {@link loadIcd10CmTable} finds the release files.
 *
 * @example
 * ```ts
 * await loadIcd10CmTable({ orderFile: 'order.txt', tabularFile: null }); // order file only
 * ```
 */
export interface LoadIcd10CmTableOptions {
  /** A folder holding `icd10cm-order-2021.txt` and `icd10cm-tabular-2021.xml` (e.g. `../shared/data/icd10cm`). */
  readonly directory?: string;
  /** The order file; overrides `directory`. */
  readonly orderFile?: string;
  /** The tabular XML; overrides `directory`. `null` builds the table from the order file alone. */
  readonly tabularFile?: string | null;
}

/**
 * Reads the order file and the tabular list and joins them into an {@link Icd10CmTable}. Node.js only.
 *
 * @throws InvalidArgumentError when neither `directory` nor `orderFile` is given;
 *   DataFormatError for malformed files.
 * @example
 * ```ts
 * const table = await loadIcd10CmTable({ directory: '../shared/data/icd10cm' });
 * table.get('I48.3')?.inclusionTerms; // ['Type I atrial flutter']
 * ```
 */
export async function loadIcd10CmTable(options: LoadIcd10CmTableOptions): Promise<Icd10CmTable> {
  const directory = options.directory;
  const orderFile =
    options.orderFile ?? (directory === undefined ? undefined : join(directory, 'icd10cm-order-2021.txt'));
  if (orderFile === undefined) {
    invalidArgument('loadIcd10CmTable', 'options', 'a directory or an orderFile', options);
  }
  const tabularFile =
    options.tabularFile === null
      ? undefined
      : (options.tabularFile ??
        (directory === undefined ? undefined : join(directory, 'icd10cm-tabular-2021.xml')));
  const [order, tabular] = await Promise.all([
    readIcd10CmOrder(orderFile),
    tabularFile === undefined ? Promise.resolve(undefined) : readIcd10CmTabular(tabularFile),
  ]);
  return new Icd10CmTable(order, tabular);
}
