/**
 * One term of a dictionary: a phrase that, found in a note, points to a code.
 *
 * @example
 * ```ts
 * const entry: TermEntry = { code: 'I48.91', term: 'atrial fibrillation', weight: 1, source: 'head' };
 * const abbreviation: TermEntry = { code: 'I48.0', term: 'AF', caseSensitive: true, source: 'abbreviation' };
 * ```
 */
export interface TermEntry {
  /** The code the term points to, upper case (`I48.91`). */
  readonly code: string;
  /** The phrase as written; the matcher compares normalised words (case, accents, punctuation). */
  readonly term: string;
  /** How much one match counts for the code, in (0, 1] (default 1): e.g. P(code | term). */
  readonly weight?: number;
  /** How often the term was seen with this code (learned dictionaries). */
  readonly count?: number;
  /** Where the term comes from: `'description'`, `'head'`, `'inclusion'`, `'abbreviation'`, `'learned'`, ... */
  readonly source?: string;
  /** Match only with the original letter case (abbreviations such as `HE`, `AF`). */
  readonly caseSensitive?: boolean;
}
