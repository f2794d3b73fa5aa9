import { invalidArgument } from '@icd/core';
import type { CodeSetEntry, CodeSetInfo } from './pipeline-metadata.js';

/** The FHIR code system of ICD-10-CM. */
export const ICD10CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';

/** What {@link codeSetFromTable} reads of a code table: `@icd/data`'s `Icd10CmTable` is one. */
export interface CodeTableLike {
  get(code: string): { readonly longDescription: string; readonly billable?: boolean } | undefined;
}

const normalize = (code: string) => code.trim().toUpperCase();

/**
 * The code set of a model from the ICD-10-CM table: the labels the table holds (with `billableOnly`,
 * only codes valid for submission), each with the table's long description as display.
 *
 * @example
 * ```ts
 * const codeSet = codeSetFromTable(coder.labels, await loadIcd10CmTable(dir));
 * codeSet.excluded; // labels that are not ICD-10-CM codes
 * ```
 */
export function codeSetFromTable(
  labels: readonly string[],
  table: CodeTableLike,
  options: { readonly billableOnly?: boolean; readonly name?: string; readonly system?: string } = {},
): CodeSetInfo {
  if (typeof table?.get !== 'function')
    invalidArgument('codeSetFromTable', 'table', 'an Icd10CmTable', table);
  const codes: CodeSetEntry[] = [];
  const excluded: string[] = [];
  for (const label of labels) {
    const entry = table.get(normalize(label));
    if (entry && (!options.billableOnly || entry.billable !== false))
      codes.push({ code: label, display: entry.longDescription });
    else excluded.push(label);
  }
  return { name: options.name ?? 'icd10cm', system: options.system ?? ICD10CM_SYSTEM, codes, excluded };
}

/**
 * The code set of a model from a user's list (`{ code, display }` entries or a `code → display` map):
 * the labels on the list.
 *
 * @example
 * ```ts
 * const codeSet = codeSetFromList(coder.labels, MDR_BERT_CODES.map(({ code, name }) => ({ code, display: name })), { name: 'mdr-bert' });
 * ```
 */
export function codeSetFromList(
  labels: readonly string[],
  list: Iterable<CodeSetEntry> | ReadonlyMap<string, string>,
  options: { readonly name?: string; readonly system?: string } = {},
): CodeSetInfo {
  const displays = new Map<string, string>();
  if (list instanceof Map) for (const [code, display] of list) displays.set(normalize(code), display);
  else
    for (const entry of list as Iterable<CodeSetEntry>) {
      if (typeof entry?.code !== 'string')
        invalidArgument('codeSetFromList', 'list', 'entries { code, display }', entry);
      displays.set(normalize(entry.code), entry.display ?? entry.code);
    }
  const codes: CodeSetEntry[] = [];
  const excluded: string[] = [];
  for (const label of labels) {
    const display = displays.get(normalize(label));
    if (display === undefined) excluded.push(label);
    else codes.push({ code: label, display });
  }
  return { name: options.name ?? 'custom', system: options.system ?? ICD10CM_SYSTEM, codes, excluded };
}
