import { assertInteger, invalidArgument } from '@icd/core';
import type { Icd10CmEntry, Icd10CmTable } from '@icd/data';

/**
 * One knowledge text of a code: its long description or one of its tabular inclusion terms.
 *
 * @example
 * ```ts
 * const text: KnowledgeText = { code: 'I48.19', text: 'Chronic persistent atrial fibrillation', source: 'inclusion_term', from: 'I48.19' };
 * ```
 */
export interface KnowledgeText {
  /** The code it was asked for, as given. */
  readonly code: string;
  readonly text: string;
  readonly source: 'description' | 'inclusion_term';
  /** The table entry it comes from: the code itself, or an ancestor (see the options). */
  readonly from: string;
}

/**
 * Options of {@link knowledgeTextsForCodes}.
 *
 * @example
 * ```ts
 * const options: KnowledgeTextsOptions = { inclusionTerms: true, ancestorLevels: 1, maxPerCode: 8 };
 * ```
 */
export interface KnowledgeTextsOptions {
  /** Each code's long description (default true). */
  readonly descriptions?: boolean;
  /** Each code's tabular inclusion terms (default true). */
  readonly inclusionTerms?: boolean;
  /** Also the inclusion terms of this many ancestor levels (default 0; 1 adds the parent's). */
  readonly ancestorLevels?: number;
  /**
   * A code absent from the table (another release, a CodiEsp category) takes the texts of its nearest
   * ancestor that is in it (`R52.9` → `R52`; default true). Without one, the code has no texts.
   */
  readonly fallbackToAncestor?: boolean;
  /** At most this many texts per code (description first), default unlimited. */
  readonly maxPerCode?: number;
}

/** The part of an `Icd10CmTable` (from `@icd/data`) that {@link knowledgeTextsForCodes} reads. */
export type KnowledgeTable = Pick<Icd10CmTable, 'get'>;

/**
 * The knowledge texts M of a label space (the LLM-ICD paper's "medical expressions", here from the
 * ICD-10-CM release parsed by `@icd/data`): for each code, its long description and its tabular-list
 * inclusion terms (synonyms), optionally its ancestors' inclusion terms. Texts are deduplicated per code
 * (case-insensitively); order: codes as given, description first. Feed `texts.map((t) => t.text)` to
 * {@link encodeKnowledgeTexts} for D_m, or the descriptions alone for
 * {@link initialiseLabelQueriesFromDescriptions}.
 *
 * @example
 * ```ts
 * import { loadIcd10CmTable } from '@icd/data/node';
 * const table = await loadIcd10CmTable({ directory: '../shared/data/icd10cm' });
 * knowledgeTextsForCodes(table, ['I48.19']).map((t) => t.text);
 * // ['Other persistent atrial fibrillation', 'Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS']
 * ```
 */
export function knowledgeTextsForCodes(
  table: KnowledgeTable,
  codes: readonly string[],
  options: KnowledgeTextsOptions = {},
): KnowledgeText[] {
  const fn = 'knowledgeTextsForCodes';
  if (table === null || typeof table !== 'object' || typeof table.get !== 'function') {
    invalidArgument(fn, 'table', 'an Icd10CmTable of @icd/data', table);
  }
  if (!Array.isArray(codes)) invalidArgument(fn, 'codes', 'an array of codes', codes);
  codes.forEach((code, index) => {
    if (typeof code !== 'string' || code.trim().length === 0)
      invalidArgument(fn, `codes[${index}]`, 'a non-empty code', code);
  });
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  const descriptions = options.descriptions ?? true;
  const inclusionTerms = options.inclusionTerms ?? true;
  const fallback = options.fallbackToAncestor ?? true;
  for (const [name, value] of [
    ['descriptions', descriptions],
    ['inclusionTerms', inclusionTerms],
    ['fallbackToAncestor', fallback],
  ] as const) {
    if (typeof value !== 'boolean') invalidArgument(fn, name, 'a boolean', value);
  }
  const ancestorLevels = options.ancestorLevels ?? 0;
  assertInteger(fn, 'ancestorLevels', ancestorLevels, { min: 0 });
  const maxPerCode = options.maxPerCode ?? Number.POSITIVE_INFINITY;
  if (maxPerCode !== Number.POSITIVE_INFINITY) assertInteger(fn, 'maxPerCode', maxPerCode, { min: 1 });
  const texts: KnowledgeText[] = [];
  for (const code of codes) {
    const entry = table.get(code) ?? (fallback ? nearestInTable(table, code) : undefined);
    if (entry === undefined) continue;
    const seen = new Set<string>();
    let count = 0;
    const add = (text: string, source: KnowledgeText['source'], from: string) => {
      const trimmed = text.trim();
      const key = trimmed.toLowerCase();
      if (trimmed.length === 0 || seen.has(key) || count >= maxPerCode) return;
      seen.add(key);
      count++;
      texts.push({ code, text: trimmed, source, from });
    };
    if (descriptions) add(entry.longDescription, 'description', entry.code);
    if (inclusionTerms) {
      let current: Icd10CmEntry | undefined = entry;
      for (let level = 0; current !== undefined && level <= ancestorLevels; level++) {
        for (const term of current.inclusionTerms) add(term, 'inclusion_term', current.code);
        current = current.parent === undefined ? undefined : table.get(current.parent);
      }
    }
  }
  return texts;
}

// The longest prefix of the code (dot ignored) that the table holds, down to the three-character category.
function nearestInTable(table: KnowledgeTable, code: string): Icd10CmEntry | undefined {
  const bare = code.trim().replace('.', '').toUpperCase();
  for (let length = bare.length - 1; length >= 3; length--) {
    const prefix = bare.slice(0, length);
    const entry = table.get(length > 3 ? `${prefix.slice(0, 3)}.${prefix.slice(3)}` : prefix);
    if (entry !== undefined) return entry;
  }
  return undefined;
}
