import { invalidArgument } from '@icd/core';
import { stopWords } from '../text/stop-words.js';
import { phraseKey } from '../text/word-tokens.js';
import type { TermEntry } from './term-entry.js';

/**
 * What {@link icd10CmTerms} reads of a code: an `Icd10CmEntry` of `@icd/data` fits.
 *
 * @example
 * ```ts
 * const code: CodeDescription = { code: 'I48.3', longDescription: 'Typical atrial flutter', inclusionTerms: ['Type I atrial flutter'] };
 * ```
 */
export interface CodeDescription {
  readonly code: string;
  readonly longDescription: string;
  readonly inclusionTerms?: readonly string[];
}

/**
 * Options of {@link icd10CmTerms}.
 *
 * @example
 * ```ts
 * icd10CmTerms(table.entries(), { headPhrases: true, inclusionTerms: true, stripQualifiers: false });
 * ```
 */
export interface Icd10CmTermsOptions {
  /** Add each description's head phrase, the text before the first comma (default true). */
  readonly headPhrases?: boolean;
  /** Add the tabular list's inclusion terms (default true). */
  readonly inclusionTerms?: boolean;
  /** Also add each phrase without leading "Other" / "Unspecified" / "Other specified" (default true). */
  readonly stripQualifiers?: boolean;
}

const QUALIFIER = /^(other specified|other and unspecified|unspecified|other)\s+/i;
const PARENTHETICAL = /\s*\([^)]*\)/g;

/**
 * Term entries from ICD-10-CM descriptions (the study's "medical diagnostic table"): each code's long
 * description, its head phrase before the first comma (`'Chronic atrial fibrillation, unspecified'` →
 * `'Chronic atrial fibrillation'`), its inclusion terms (without `NOS`), and the same phrases without a
 * leading qualifier (`'Unspecified atrial fibrillation'` → `'atrial fibrillation'`) or parentheticals.
 * A phrase shared by `k` codes weighs `1/k` for each. Phrases made only of stop words are dropped.
 *
 * @example
 * ```ts
 * const terms = icd10CmTerms(table.entries()); // table: an Icd10CmTable of @icd/data
 * terms.filter((t) => t.code === 'I48.19').map((t) => t.term);
 * // ['Other persistent atrial fibrillation', 'persistent atrial fibrillation', 'Chronic persistent atrial fibrillation', ...]
 * ```
 */
export function icd10CmTerms(
  codes: Iterable<CodeDescription>,
  options: Icd10CmTermsOptions = {},
): TermEntry[] {
  const useHeads = options.headPhrases ?? true;
  const useInclusions = options.inclusionTerms ?? true;
  const strip = options.stripQualifiers ?? true;
  const english = stopWords('en');
  const raw: { code: string; term: string; source: string; key: string }[] = [];
  for (const entry of codes) {
    if (typeof entry?.code !== 'string' || typeof entry.longDescription !== 'string') {
      invalidArgument('icd10CmTerms', 'codes', 'entries with a code and a longDescription', entry);
    }
    const code = entry.code.trim().toUpperCase();
    const seen = new Set<string>();
    const push = (phrase: string, source: string) => {
      const variants = [phrase, phrase.replace(PARENTHETICAL, '')];
      if (strip) variants.push(...variants.map((variant) => variant.replace(QUALIFIER, '')));
      for (const variant of variants) {
        const term = variant.trim();
        const key = phraseKey(term);
        if (key === '' || seen.has(key) || key.split(' ').every((word) => english.has(word))) continue;
        seen.add(key);
        raw.push({ code, term, source, key });
      }
    };
    push(entry.longDescription, 'description');
    if (useHeads) {
      const comma = entry.longDescription.indexOf(',');
      if (comma > 0) push(entry.longDescription.slice(0, comma), 'head');
    }
    if (useInclusions) {
      for (const inclusion of entry.inclusionTerms ?? [])
        push(inclusion.replace(/,?\s*NOS\b/g, ''), 'inclusion');
    }
  }
  const codesPerKey = new Map<string, Set<string>>();
  for (const { key, code } of raw) {
    const set = codesPerKey.get(key) ?? new Set<string>();
    set.add(code);
    codesPerKey.set(key, set);
  }
  return raw.map(({ code, term, source, key }) => ({
    code,
    term,
    source,
    weight: 1 / codesPerKey.get(key)!.size,
  }));
}

/**
 * What {@link abbreviationTerms} reads of a code: a `MdrBertCode` of `@icd/data` fits.
 *
 * @example
 * ```ts
 * const code: AbbreviatedCode = { code: 'I21.4', name: 'Non-ST elevation myocardial infarction', abbreviation: 'NSTEMI' };
 * ```
 */
export interface AbbreviatedCode {
  readonly code: string;
  readonly name: string;
  readonly abbreviation?: string;
  /** More synonyms or abbreviations. */
  readonly synonyms?: readonly string[];
}

/**
 * Term entries from a small code set with names and abbreviations (the MDR-BERT study's 13 cardiology
 * codes: `MDR_BERT_CODES` of `@icd/data`, or a user table). Names match case-insensitively;
 * abbreviations (`AF`, `HE`, `NSTEMI`) only in their own letter case, so `HE` never matches "he".
 *
 * @example
 * ```ts
 * abbreviationTerms([{ code: 'I48.0', name: 'Atrial fibrillation', abbreviation: 'AF' }]);
 * // [{ code: 'I48.0', term: 'Atrial fibrillation', ... }, { code: 'I48.0', term: 'AF', caseSensitive: true, ... }]
 * ```
 */
export function abbreviationTerms(codes: Iterable<AbbreviatedCode>): TermEntry[] {
  const terms: TermEntry[] = [];
  for (const entry of codes) {
    if (typeof entry?.code !== 'string' || typeof entry.name !== 'string') {
      invalidArgument('abbreviationTerms', 'codes', 'entries with a code and a name', entry);
    }
    const code = entry.code.trim().toUpperCase();
    terms.push({ code, term: entry.name, weight: 1, source: 'name' });
    for (const short of [entry.abbreviation, ...(entry.synonyms ?? [])]) {
      if (short === undefined || short.trim() === '') continue;
      const abbreviation = /^[\p{Lu}\p{N}-]+$/u.test(short);
      terms.push({
        code,
        term: short,
        weight: 1,
        source: abbreviation ? 'abbreviation' : 'synonym',
        ...(abbreviation ? { caseSensitive: true } : {}),
      });
    }
  }
  return terms;
}
