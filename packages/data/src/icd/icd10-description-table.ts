import { invalidArgument } from '@icd/core';
import { icd10Category, normalizeIcd10Code } from './normalize-icd10-code.js';

/** Options of {@link Icd10DescriptionTable.describe}. */
export interface DescribeOptions {
  /** When the code itself is not in the table, answer with its three-character category's description. */
  readonly fallbackToCategory?: boolean;
}

/**
 * ICD-10-CM code → description, built from data a user supplies (the CDC order file, the categories
 * CSV of `../shared/data/icd10cm`, or any pairs). Keys are normalised codes (`I48.0`). Load files with
 * {@link loadIcd10Descriptions}; the constructor takes data, not a path.
 *
 * @example
 * ```ts
 * const table = new Icd10DescriptionTable([['I48', 'Atrial fibrillation and flutter']]);
 * table.describe('i48.0', { fallbackToCategory: true }); // 'Atrial fibrillation and flutter'
 * ```
 */
export class Icd10DescriptionTable {
  private readonly descriptions = new Map<string, string>();

  constructor(entries: Iterable<readonly [code: string, description: string]>) {
    for (const [code, description] of entries) {
      if (typeof description !== 'string' || description.length === 0) {
        invalidArgument(
          'Icd10DescriptionTable',
          'entries',
          `a non-empty description for ${code}`,
          description,
        );
      }
      this.descriptions.set(normalizeIcd10Code(code), description);
    }
  }

  /** Number of codes in the table. */
  get size(): number {
    return this.descriptions.size;
  }

  /** True when the table holds this exact code. */
  has(code: string): boolean {
    return this.descriptions.has(normalizeIcd10Code(code));
  }

  /** The description of `code`, or `undefined` when the table does not know it. */
  describe(code: string, options: DescribeOptions = {}): string | undefined {
    const normalized = normalizeIcd10Code(code);
    const exact = this.descriptions.get(normalized);
    if (exact !== undefined || options.fallbackToCategory !== true) return exact;
    return this.descriptions.get(icd10Category(normalized));
  }

  /** The codes of the table, in insertion order. */
  codes(): string[] {
    return [...this.descriptions.keys()];
  }
}
