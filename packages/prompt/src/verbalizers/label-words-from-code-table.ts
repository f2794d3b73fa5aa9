import { invalidArgument } from '@icd/core';

/** What {@link labelWordsFromCodeTable} reads of a code: `@icd/data`'s `Icd10CmEntry` has these fields. */
export interface CodeTableEntry {
  readonly shortDescription: string;
  readonly longDescription: string;
  readonly inclusionTerms: readonly string[];
}

/**
 * A code table: `@icd/data`'s `Icd10CmTable` (ICD-10-CM descriptions and inclusion terms from
 * `../shared/data/icd10cm`) or anything with the same `get`.
 *
 * @example
 * ```ts
 * const table: CodeTable = await loadIcd10CmTable(dir); // @icd/data/node
 * ```
 */
export interface CodeTable {
  get(code: string): CodeTableEntry | undefined;
}

/**
 * Options of {@link labelWordsFromCodeTable}.
 *
 * @example
 * ```ts
 * const options: LabelWordsFromCodeTableOptions = { fields: ['longDescription', 'inclusionTerms'], extra: { 'I48.0': ['af'] } };
 * ```
 */
export interface LabelWordsFromCodeTableOptions {
  /** Which texts become label words, in this order (default long description, then inclusion terms). */
  readonly fields?: readonly ('longDescription' | 'shortDescription' | 'inclusionTerms')[];
  /** User label words per code, appended after the table's (e.g. abbreviations); every key must be in `codes`. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  /** Lower-case every word (default true: uncased BERT vocabularies). */
  readonly lowercase?: boolean;
  /** At most this many words per code (default: all). */
  readonly maxWords?: number;
}

/**
 * Label words for ICD codes from a code table, for a `ManualVerbalizer` (use the first, the
 * description) or a `KnowledgeableVerbalizer` (the expanded set: description, inclusion terms and
 * your own lists, as KPT expands label words from a knowledge base). Duplicates are dropped; a code
 * missing from the table is an error naming it.
 *
 * @example
 * ```ts
 * const labelWords = labelWordsFromCodeTable(table, ['I48.0', 'I21.9']);
 * // { 'I48.0': ['paroxysmal atrial fibrillation'], 'I21.9': ['acute myocardial infarction, unspecified', ...] }
 * const verbalizer = new KnowledgeableVerbalizer({ tokenizer, labelWords, maxTokenSplit: 6 });
 * ```
 */
export function labelWordsFromCodeTable(
  table: CodeTable,
  codes: readonly string[],
  options: LabelWordsFromCodeTableOptions = {},
): Record<string, string[]> {
  const fn = 'labelWordsFromCodeTable';
  if (!table || typeof table.get !== 'function')
    invalidArgument(fn, 'table', 'a code table with get(code)', table);
  if (!Array.isArray(codes) || codes.length === 0)
    invalidArgument(fn, 'codes', 'a non-empty array of codes', codes);
  const fields = options.fields ?? ['longDescription', 'inclusionTerms'];
  const lowercase = options.lowercase ?? true;
  if (options.extra !== undefined) {
    if (options.extra === null || typeof options.extra !== 'object' || Array.isArray(options.extra))
      invalidArgument(fn, 'options.extra', 'a record of label words per code', options.extra);
    // Words for a code outside `codes` would be dropped without a word: most likely a typo.
    const wanted = new Set(codes);
    for (const [code, words] of Object.entries(options.extra)) {
      if (!wanted.has(code)) invalidArgument(fn, 'options.extra', 'codes that are among `codes`', code);
      if (!Array.isArray(words) || !words.every((word) => typeof word === 'string'))
        invalidArgument(fn, `options.extra["${code}"]`, 'an array of strings', words);
    }
  }
  const out: Record<string, string[]> = {};
  for (const code of codes) {
    const entry = table.get(code);
    if (!entry) invalidArgument(fn, 'codes', 'codes present in the table', code);
    const words: string[] = [];
    for (const field of fields) {
      const value = entry[field];
      if (Array.isArray(value)) words.push(...value);
      else if (typeof value === 'string') words.push(value);
      else invalidArgument(fn, 'fields', "'longDescription', 'shortDescription' or 'inclusionTerms'", field);
    }
    words.push(...(options.extra?.[code] ?? []));
    const seen = new Set<string>();
    const kept = words
      .map((word) => (lowercase ? word.toLowerCase() : word).trim())
      .filter((word) => word.length > 0 && !seen.has(word) && seen.add(word));
    if (kept.length === 0) invalidArgument(fn, 'table', `label words for ${code}`, entry);
    out[code] = options.maxWords === undefined ? kept : kept.slice(0, options.maxWords);
  }
  return out;
}
