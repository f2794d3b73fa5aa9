import { invalidArgument } from '@icd/core';
import { icd10Category, normalizeIcd10Code } from '../icd/normalize-icd10-code.js';
import { emptyNotes, type Icd10CmNotes } from './icd10cm-notes.js';
import type { Icd10CmOrderEntry } from './parse-icd10cm-order.js';
import type {
  Icd10CmChapter,
  Icd10CmSection,
  Icd10CmTabular,
  Icd10CmTabularEntry,
} from './parse-icd10cm-tabular.js';

/**
 * Everything the ICD-10-CM release says about one code, order file and tabular list merged.
 *
 * @example
 * ```ts
 * const entry: Icd10CmEntry | undefined = table.get('I48.19'); // billable, parent 'I48.1', inclusionTerms, notes
 * ```
 */
export interface Icd10CmEntry {
  /** Normalised code with the dot (`I48.19`, `S72.001A`). */
  readonly code: string;
  readonly shortDescription: string;
  readonly longDescription: string;
  /** Valid for submission (a leaf of the classification). */
  readonly billable: boolean;
  /** The nearest enclosing code in the table (`I48.19` → `I48.1`, `S72.001A` → `S72.001`); none for a category. */
  readonly parent?: string;
  /** The three-character category (`I48`). */
  readonly category: string;
  /** Chapter number and section id from the tabular list (inherited by seventh-character codes). */
  readonly chapter?: number;
  readonly section?: string;
  /** The tabular list's synonyms of this code (`<inclusionTerm>`), not inherited. */
  readonly inclusionTerms: readonly string[];
  /** All of this code's own tabular notes (includes, excludes1, code first, ...). */
  readonly notes: Icd10CmNotes;
  /** Row number in the order file (tabular order). */
  readonly order: number;
}

const NO_NOTES: Icd10CmNotes = Object.freeze(emptyNotes());

/**
 * The ICD-10-CM code set as one lookup: every row of CDC's order file (95k codes and headers: short and
 * long description, billable flag) joined with the tabular list (inclusion terms, notes, chapter,
 * section, hierarchy). Build it from parsed data ({@link parseIcd10CmOrder}, {@link parseIcd10CmTabular});
 * `loadIcd10CmTable` in `@icd/data/node` reads the files.
 *
 * @example
 * ```ts
 * const table = new Icd10CmTable(parseIcd10CmOrder(orderText), await parseIcd10CmTabular(xmlText));
 * table.get('i48.19')?.inclusionTerms; // ['Chronic persistent atrial fibrillation', 'Persistent atrial fibrillation, NOS']
 * table.get('I48.19')?.parent; // 'I48.1'
 * table.children('I48.1'); // ['I48.11', 'I48.19']
 * ```
 */
export class Icd10CmTable {
  private readonly byCode = new Map<string, Icd10CmEntry>();
  private readonly childrenOf = new Map<string, string[]>();
  /** The tabular list's chapters (empty without a tabular list). */
  readonly chapters: readonly Icd10CmChapter[];
  /** The tabular list's sections (empty without a tabular list). */
  readonly sections: readonly Icd10CmSection[];

  constructor(order: readonly Icd10CmOrderEntry[], tabular?: Icd10CmTabular) {
    if (!Array.isArray(order)) invalidArgument('Icd10CmTable', 'order', 'the parsed order file rows', order);
    const tabularByCode = new Map<string, Icd10CmTabularEntry>();
    for (const entry of tabular?.diagnoses ?? []) tabularByCode.set(entry.code, entry);
    const codes = new Set(order.map((row) => row.code));
    for (const row of order) {
      const own = tabularByCode.get(row.code);
      const parent = own?.parent ?? nearestAncestor(row.code, codes);
      const located = own ?? locate(row.code, tabularByCode);
      this.byCode.set(row.code, {
        code: row.code,
        shortDescription: row.shortDescription,
        longDescription: row.longDescription,
        billable: row.billable,
        ...(parent === undefined ? {} : { parent }),
        category: icd10Category(row.code),
        ...(located === undefined ? {} : { chapter: located.chapter, section: located.section }),
        inclusionTerms: own?.notes.inclusionTerm ?? [],
        notes: own?.notes ?? NO_NOTES,
        order: row.order,
      });
      if (parent !== undefined) {
        const siblings = this.childrenOf.get(parent) ?? [];
        siblings.push(row.code);
        this.childrenOf.set(parent, siblings);
      }
    }
    this.chapters = tabular?.chapters ?? [];
    this.sections = tabular?.sections ?? [];
  }

  /** Number of codes and headers. */
  get size(): number {
    return this.byCode.size;
  }

  /** The entry of `code` (any case, with or without the dot), `undefined` when absent. */
  get(code: string): Icd10CmEntry | undefined {
    return this.byCode.get(normalizeIcd10Code(code));
  }

  /** True when the table holds this exact code. */
  has(code: string): boolean {
    return this.byCode.has(normalizeIcd10Code(code));
  }

  /** The direct children of `code`, in tabular order. */
  children(code: string): readonly string[] {
    return this.childrenOf.get(normalizeIcd10Code(code)) ?? [];
  }

  /** `code` and its ancestors, nearest first (`I48.19` → `['I48.19', 'I48.1', 'I48']`). */
  lineage(code: string): string[] {
    const chain: string[] = [];
    for (
      let entry = this.get(code);
      entry !== undefined;
      entry = entry.parent === undefined ? undefined : this.byCode.get(entry.parent)
    ) {
      chain.push(entry.code);
    }
    return chain;
  }

  /** Every entry, in tabular order. */
  entries(): IterableIterator<Icd10CmEntry> {
    return this.byCode.values();
  }

  /** Every code, in tabular order. */
  codes(): string[] {
    return [...this.byCode.keys()];
  }
}

// The longest proper prefix of the code that is in the set ('S72.001A' → 'S72.001'; 'T36.0X1A' → 'T36.0X1').
function nearestAncestor(code: string, codes: ReadonlySet<string>): string | undefined {
  for (let length = code.length - 1; length >= 3; length--) {
    const prefix = code.slice(0, length).replace(/\.$/, '');
    if (prefix !== code && codes.has(prefix)) return prefix;
  }
  return undefined;
}

function locate(
  code: string,
  tabular: ReadonlyMap<string, Icd10CmTabularEntry>,
): Icd10CmTabularEntry | undefined {
  for (let length = code.length - 1; length >= 3; length--) {
    const found = tabular.get(code.slice(0, length).replace(/\.$/, ''));
    if (found !== undefined) return found;
  }
  return undefined;
}
