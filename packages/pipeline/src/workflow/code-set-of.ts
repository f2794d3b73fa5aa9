import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DataFormatError } from '@icd/core';
import { type Icd10CmTable, MDR_BERT_CODES } from '@icd/data';
import { loadIcd10CmTable } from '@icd/data/node';
import { icd10CmTerms, type TermEntry } from '@icd/keybert';
import type { IcdConfig } from '../cli/config.js';
import { codeSetFromList, codeSetFromTable } from '../model-folder/code-set.js';
import type { CodeSetInfo } from '../model-folder/pipeline-metadata.js';

/** The ICD-10-CM folder of `../shared` (or `ICD_SHARED_DIR`), relative to `baseDir`. */
export const defaultIcd10CmDir = (baseDir: string) =>
  resolve(process.env.ICD_SHARED_DIR ?? resolve(baseDir, '../shared'), 'data/icd10cm');

/**
 * The code set of a run: `mdr-bert` (the study's 13 codes with their names: the synthetic corpus's
 * labels, which ICD-10-CM does not all hold), `icd10cm` (CDC's table in `codeSet.dir`, default
 * `../shared/data/icd10cm`) or `list` (a file of `code<TAB>display` lines).
 */
export async function codeSetOf(
  config: IcdConfig,
  labels: readonly string[],
  baseDir = process.cwd(),
): Promise<{
  codeSet: CodeSetInfo;
  terms: TermEntry[];
  /** ICD-10-CM only: the dictionary of every code of the table, and the table. */
  allTerms?: TermEntry[];
  table?: Icd10CmTable;
}> {
  const source = config.codeSet?.source ?? (config.data?.source === 'codiesp' ? 'icd10cm' : 'mdr-bert');
  if (source === 'mdr-bert') {
    const codeSet = codeSetFromList(
      labels,
      MDR_BERT_CODES.map((entry) => ({ code: entry.code, display: entry.name })),
      { name: 'mdr-bert', system: 'http://hl7.org/fhir/sid/icd-10' },
    );
    const terms = MDR_BERT_CODES.flatMap((entry) => [
      { code: entry.code, term: entry.name, source: 'description' },
      { code: entry.code, term: entry.abbreviation, caseSensitive: true, source: 'abbreviation' },
    ]);
    return { codeSet, terms };
  }
  if (source === 'list') {
    const file = config.codeSet?.file;
    if (!file)
      throw new DataFormatError({
        message: 'codeSet.file: a code list file is required for codeSet.source list',
      });
    const text = await readFile(resolve(baseDir, file), 'utf8');
    const entries = text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => {
        const [code, ...display] = line.split('\t');
        return { code: code!.trim(), display: display.join('\t').trim() || code!.trim() };
      });
    return {
      codeSet: codeSetFromList(labels, entries, { name: file }),
      terms: entries.map((entry) => ({
        code: entry.code.toUpperCase(),
        term: entry.display,
        source: 'description',
      })),
    };
  }
  const directory = config.codeSet?.dir ? resolve(baseDir, config.codeSet.dir) : defaultIcd10CmDir(baseDir);
  if (!existsSync(resolve(directory, 'icd10cm-order-2021.txt')))
    throw new DataFormatError({
      file: directory,
      message:
        'has no icd10cm-order-2021.txt: set codeSet.dir to the ICD-10-CM folder (../shared/data/icd10cm)',
    });
  const tabular = resolve(directory, 'icd10cm-tabular-2021.xml');
  const table = await loadIcd10CmTable({ directory, ...(existsSync(tabular) ? {} : { tabularFile: null }) });
  const codeSet = codeSetFromTable(labels, table, { billableOnly: config.codeSet?.billableOnly ?? false });
  // The label codes' dictionary: descriptions, head phrases, inclusion terms (Key-BERT's icd10CmTerms).
  const entries = codeSet.codes.flatMap((entry) => table.get(entry.code) ?? []);
  return { codeSet, terms: icd10CmTerms(entries), allTerms: icd10CmTerms(table.entries()), table };
}
