import { assertInteger, DataFormatError, invalidArgument } from '@icd/core';

/** Rows of a sparse matrix in compressed sparse row form: row `r` is `indices/values[rowStart[r] .. rowStart[r + 1])`. */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  /** `rows + 1` offsets into `indices` / `values`. */
  readonly rowStart: Uint32Array;
  /** Column of each stored value, ascending within a row. */
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/** A word of a note with its `[start, end)` character offsets. */
export interface LexicalToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Options of {@link TfidfVectorizer}. */
export interface TfidfOptions {
  /** Smallest and largest n-gram length in words. Default `[1, 2]`. */
  readonly ngramRange?: readonly [number, number];
  /** Keep n-grams found in at least this many training documents. Default 2. */
  readonly minDf?: number;
  /** `1 + ln(tf)` instead of raw counts. Default true. */
  readonly sublinearTf?: boolean;
}

/** What {@link TfidfVectorizer.toJSON} writes. */
export interface TfidfJson {
  readonly ngramRange: readonly [number, number];
  readonly minDf: number;
  readonly sublinearTf: boolean;
  readonly vocabulary: readonly string[];
  readonly idf: readonly number[];
}

const wordPattern = /[\p{L}\p{N}]+/gu;

/**
 * Lower-cased words of `text` as scikit-learn's `token_pattern=r"[^\W_]+"` finds them (runs of Unicode
 * letters and digits; underscores and punctuation split words), with offsets into `text`.
 *
 * @example
 * ```ts
 * lexicalTokens('HTN_on ÁRBOL'); // [{ text: 'htn', start: 0, end: 3 }, { text: 'on', ... }, { text: 'árbol', ... }]
 * ```
 */
export function lexicalTokens(text: string): LexicalToken[] {
  const tokens: LexicalToken[] = [];
  // Lower-casing first (as scikit-learn does) can change lengths, so match the original text and
  // lower-case each word. A few capitals lower-case to a letter plus a combining mark (İ → i + U+0307),
  // which scikit-learn's pattern then splits off: split those words the same way, each piece keeping
  // the offsets of the whole original word (the only characters it is known to come from).
  for (const match of text.matchAll(wordPattern)) {
    const start = match.index;
    const end = start + match[0].length;
    const lower = match[0].toLowerCase();
    const pieces = lower.match(wordPattern) ?? [];
    if (pieces.length === 1 && pieces[0] === lower) tokens.push({ text: lower, start, end });
    else for (const piece of pieces) tokens.push({ text: piece, start, end });
  }
  return tokens;
}

/** The n-grams of `tokens` (words joined by one space) with the index of their first token. *
 * @example
 * ```ts
 * ngrams(lexicalTokens('atrial fibrillation'), [1, 2]); // [['atrial', 0], ['fibrillation', 1], ['atrial fibrillation', 0]]
 * ```
 */
export function ngrams(
  tokens: readonly LexicalToken[],
  range: readonly [number, number],
): [string, number][] {
  const out: [string, number][] = [];
  for (let n = range[0]; n <= range[1]; n++) {
    for (let first = 0; first + n <= tokens.length; first++) {
      let gram = tokens[first]!.text;
      for (let next = first + 1; next < first + n; next++) gram += ` ${tokens[next]!.text}`;
      out.push([gram, first]);
    }
  }
  return out;
}

const compareCodePoints = (a: string, b: string) => {
  // Python sorts by code point; JavaScript's default sort compares UTF-16 code units.
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
};

/**
 * TF-IDF features defined as scikit-learn's `TfidfVectorizer(lowercase=True, token_pattern=r"[^\W_]+",
 * ngram_range, min_df, sublinear_tf, smooth_idf=True, norm="l2")`: vocabulary sorted by code point,
 * `idf = ln((1 + n) / (1 + df)) + 1`, each row scaled to unit L2 norm.
 *
 * @example
 * ```ts
 * const vectorizer = TfidfVectorizer.fit(['atrial fibrillation', 'atrial flutter'], { minDf: 1 });
 * vectorizer.transform(['atrial fibrillation']).values; // two unigrams and one bigram, unit norm
 * ```
 */
export class TfidfVectorizer {
  readonly ngramRange: readonly [number, number];
  readonly minDf: number;
  readonly sublinearTf: boolean;
  readonly vocabulary: readonly string[];
  readonly idf: Float64Array;
  private readonly index: ReadonlyMap<string, number>;

  private constructor(json: TfidfJson) {
    this.ngramRange = json.ngramRange;
    this.minDf = json.minDf;
    this.sublinearTf = json.sublinearTf;
    this.vocabulary = json.vocabulary;
    this.idf = Float64Array.from(json.idf);
    this.index = new Map(json.vocabulary.map((term, column) => [term, column]));
  }

  /** Learns the vocabulary and idf of `texts`. */
  static fit(texts: readonly string[], options: TfidfOptions = {}): TfidfVectorizer {
    const fn = 'TfidfVectorizer.fit';
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string'))
      invalidArgument(fn, 'texts', 'an array of strings', texts);
    const ngramRange = options.ngramRange ?? [1, 2];
    assertInteger(fn, 'ngramRange[0]', ngramRange[0], { min: 1 });
    assertInteger(fn, 'ngramRange[1]', ngramRange[1], { min: ngramRange[0] });
    const minDf = options.minDf ?? 2;
    assertInteger(fn, 'minDf', minDf, { min: 1 });
    const documentFrequency = new Map<string, number>();
    for (const text of texts) {
      for (const gram of new Set(ngrams(lexicalTokens(text), ngramRange).map(([term]) => term)))
        documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
    }
    const vocabulary = [...documentFrequency.keys()]
      .filter((term) => documentFrequency.get(term)! >= minDf)
      .sort(compareCodePoints);
    if (vocabulary.length === 0) {
      // scikit-learn: "After pruning, no terms remain. Try a lower min_df".
      invalidArgument(
        fn,
        'texts',
        `texts with at least one word n-gram in ${minDf}+ of them (lower minDf)`,
        `${texts.length} texts without one`,
      );
    }
    const n = texts.length;
    const idf = vocabulary.map((term) => Math.log((1 + n) / (1 + documentFrequency.get(term)!)) + 1);
    return new TfidfVectorizer({
      ngramRange: [ngramRange[0], ngramRange[1]],
      minDf,
      sublinearTf: options.sublinearTf ?? true,
      vocabulary,
      idf,
    });
  }

  /** Restores a vectorizer written by {@link TfidfVectorizer.toJSON}. */
  static fromJSON(json: TfidfJson): TfidfVectorizer {
    const valid =
      json !== null &&
      typeof json === 'object' &&
      Array.isArray(json.vocabulary) &&
      Array.isArray(json.idf) &&
      json.vocabulary.length === json.idf.length &&
      Array.isArray(json.ngramRange) &&
      json.ngramRange.length === 2;
    if (!valid)
      throw new DataFormatError({
        message:
          'TfidfVectorizer.fromJSON: expected { ngramRange, minDf, sublinearTf, vocabulary, idf[] of equal length }',
      });
    return new TfidfVectorizer(json);
  }

  /** The feature column of an n-gram, or `undefined` when it is not in the vocabulary. */
  column(term: string): number | undefined {
    return this.index.get(term);
  }

  /** TF-IDF rows of `texts` (unit L2 norm; an empty row for a text without known n-grams). */
  transform(texts: readonly string[]): SparseRows {
    if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string'))
      invalidArgument('TfidfVectorizer.transform', 'texts', 'an array of strings', texts);
    const rowStart = new Uint32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((text, row) => {
      const counts = new Map<number, number>();
      for (const [term] of ngrams(lexicalTokens(text), this.ngramRange)) {
        const column = this.index.get(term);
        if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
      }
      const columns = [...counts.keys()].sort((a, b) => a - b);
      const weights = columns.map((column) => {
        const count = counts.get(column)!;
        return (this.sublinearTf ? 1 + Math.log(count) : count) * this.idf[column]!;
      });
      const norm = Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0));
      columns.forEach((column, position) => {
        indices.push(column);
        values.push(weights[position]! / norm);
      });
      rowStart[row + 1] = indices.length;
    });
    return {
      rows: texts.length,
      cols: this.vocabulary.length,
      rowStart,
      indices: Uint32Array.from(indices),
      values: Float32Array.from(values),
    };
  }

  toJSON(): TfidfJson {
    return {
      ngramRange: this.ngramRange,
      minDf: this.minDf,
      sublinearTf: this.sublinearTf,
      vocabulary: this.vocabulary,
      idf: [...this.idf],
    };
  }
}
