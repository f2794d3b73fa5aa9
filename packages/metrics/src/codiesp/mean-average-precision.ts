import { assertInteger, assertOneOf, invalidArgument } from '@icd/core';
import { CodeMarks, CodeTable } from './code-table.js';

/**
 * Codes per document: a `Map` or record from document id to codes (in rank order for predictions),
 * or `[documentId, code]` rows in file order (as read from a CodiEsp TSV file).
 *
 * @example
 * ```ts
 * const asRecord: DocumentCodes = { doc1: ['i48.0', 'i10'] };
 * const asRows: DocumentCodes = [['doc1', 'i48.0'], ['doc1', 'i10']]; // the same codes, in rank order
 * ```
 */
export type DocumentCodes =
  | ReadonlyMap<string, readonly string[]>
  | Readonly<Record<string, readonly string[]>>
  | readonly (readonly [string, string])[];

/**
 * Which documents the mean runs over.
 * - `'codiespOfficial'`: the documents with at least one valid prediction, as the official CodiEsp
 *   script computes it (trectools 0.0.42 `get_map` divides by the run's topics). A gold document with
 *   no valid prediction is left out; a predicted document missing from the gold counts as 0. (Some later
 *   trectools revisions divide by the documents present in both run and gold; the script pins 0.0.42.)
 * - `'allGoldDocuments'`: the textbook mean over every gold document (no prediction: AP 0).
 *
 * @example
 * ```ts
 * // CodiEsp toy example: 0.444 with 'codiespOfficial' (2 documents ranked), 0.296 with 'allGoldDocuments' (3).
 * meanAveragePrecision(gold, ranked, { averageOver: 'allGoldDocuments' });
 * ```
 */
export type MapAverageOver = 'codiespOfficial' | 'allGoldDocuments';

/** Options of {@link meanAveragePrecision}. */
export interface MeanAveragePrecisionOptions {
  /** Codes accepted by the task; predictions outside it are dropped before ranks are renumbered. */
  validCodes?: Iterable<string>;
  /** Ranks evaluated per document, counted after duplicates and invalid codes are dropped. Default 1000. */
  depth?: number;
  /** Default `'codiespOfficial'`. */
  averageOver?: MapAverageOver;
}

/** {@link meanAveragePrecisionDetails}: the score and what it averaged. */
export interface MeanAveragePrecisionResult {
  readonly score: number;
  readonly averageOver: MapAverageOver;
  /** The denominator of the mean. */
  readonly documentCount: number;
  /** Average precision of every document that has gold codes or valid predictions. */
  readonly perDocument: ReadonlyMap<string, number>;
}

/**
 * Groups the input by document without copying code arrays that are already grouped (a `Map` or a
 * record); `[documentId, code]` rows are grouped in file order. Codes are checked where they are used.
 */
function toCodeLists(
  fn: string,
  argument: string,
  value: unknown,
): Iterable<readonly [string, readonly unknown[]]> {
  const checkList = (document: string, codes: unknown): readonly unknown[] => {
    if (!Array.isArray(codes))
      invalidArgument(fn, argument, `an array of codes for document ${document}`, codes);
    return codes;
  };
  if (value instanceof Map) {
    return Array.from(value, ([document, codes]): [string, readonly unknown[]] => {
      if (typeof document !== 'string') invalidArgument(fn, argument, 'string document ids', document);
      return [document, checkList(document, codes)];
    });
  }
  if (Array.isArray(value)) {
    const lists = new Map<string, unknown[]>();
    for (const row of value) {
      if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'string') {
        invalidArgument(fn, argument, '[documentId, code] rows of strings', row);
      }
      let list = lists.get(row[0]);
      if (list === undefined) lists.set(row[0], (list = []));
      list.push(row[1]);
    }
    return lists;
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([document, codes]): [string, readonly unknown[]] => [
      document,
      checkList(document, codes),
    ]);
  }
  return invalidArgument(fn, argument, 'a Map, a record or [documentId, code] rows', value);
}

/**
 * Mean average precision of ranked code lists, exactly as the CodiEsp shared task's official
 * evaluation (TeMU-BSC/codiesp-evaluation-script, `codiespD_P_evaluation.py`, which calls trectools
 * 0.0.42 `TrecEval.get_map(trec_eval=False)`) computes it. See {@link meanAveragePrecision}.
 *
 * @example
 * ```ts
 * const result = meanAveragePrecisionDetails({ doc1: ['a00'] }, { doc1: ['A00', 'b01'] });
 * // result.score 1, result.documentCount 1, result.perDocument.get('doc1') 1
 * ```
 */
export function meanAveragePrecisionDetails(
  gold: DocumentCodes,
  ranked: DocumentCodes,
  options: MeanAveragePrecisionOptions = {},
): MeanAveragePrecisionResult {
  const fn = 'meanAveragePrecision';
  const depth = options.depth ?? 1000;
  assertInteger(fn, 'depth', depth, { min: 1 });
  const averageOver = options.averageOver ?? 'codiespOfficial';
  assertOneOf(fn, 'averageOver', averageOver, ['codiespOfficial', 'allGoldDocuments'] as const);
  const table = new CodeTable(fn);
  // Valid codes are marked 1; without a list every code is valid.
  let valid: CodeMarks | undefined;
  if (options.validCodes !== undefined) {
    valid = new CodeMarks();
    for (const code of options.validCodes) valid.set(table.id(code, 'validCodes'), 1);
  }
  // Gold: codes lower-cased, duplicates (a code annotated at several places) counted once.
  const goldSets = new Map<string, Int32Array>();
  for (const [document, codes] of toCodeLists(fn, 'gold', gold)) {
    if (codes.length > 0)
      goldSets.set(document, Int32Array.from(new Set(codes.map((code) => table.id(code, 'gold')))));
  }
  if (goldSets.size === 0) invalidArgument(fn, 'gold', 'at least one document with a gold code', 'none');

  const perDocument = new Map<string, number>();
  // Marks hold the number of the document being scored, so they never need clearing.
  const seen = new CodeMarks();
  const relevantMarks = new CodeMarks();
  let documentNumber = 0;
  let rankedDocuments = 0;
  let total = 0;
  for (const [document, codes] of toCodeLists(fn, 'ranked', ranked)) {
    documentNumber++;
    const relevant = goldSets.get(document);
    if (relevant !== undefined) for (const id of relevant) relevantMarks.set(id, documentNumber);
    // Rank order is the given order. Lower-case, keep the first (best) occurrence of a code, drop codes
    // outside the valid list, and only then number the ranks 1, 2, … up to `depth`.
    let rank = 0;
    let hits = 0;
    let sum = 0;
    for (let index = 0; index < codes.length && rank < depth; index++) {
      const id = table.id(codes[index], 'ranked');
      if (seen.get(id) === documentNumber) continue;
      seen.set(id, documentNumber);
      if (valid !== undefined && valid.get(id) !== 1) continue;
      rank++;
      if (relevantMarks.get(id) === documentNumber) sum += ++hits / rank;
    }
    if (rank === 0) continue; // no valid prediction: not a topic of the run
    rankedDocuments++;
    const averagePrecision = relevant === undefined ? 0 : sum / relevant.length;
    perDocument.set(document, averagePrecision);
    total += averagePrecision;
  }
  for (const document of goldSets.keys()) if (!perDocument.has(document)) perDocument.set(document, 0);
  const documentCount = averageOver === 'codiespOfficial' ? rankedDocuments : goldSets.size;
  return { score: documentCount === 0 ? 0 : total / documentCount, averageOver, documentCount, perDocument };
}

/**
 * Mean average precision of ranked code lists, exactly as the CodiEsp shared task's official
 * evaluation computes it (TeMU-BSC/codiesp-evaluation-script → trectools 0.0.42 `get_map`):
 *
 * 1. codes are lower-cased (gold, predictions and the valid-code list; document ids are kept);
 * 2. a code predicted twice for a document keeps its first (best) rank;
 * 3. predicted codes outside `validCodes` are dropped, and only then are ranks renumbered 1, 2, …;
 * 4. the first `depth` (1000) remaining predictions are scored: `AP_d = (1/|G_d|) Σ_{r: c_r ∈ G_d} hits(≤r) / r`;
 * 5. `MAP = Σ_d AP_d / D`, where D is, by default (`averageOver: 'codiespOfficial'`), the number of
 *    documents with at least one valid prediction: gold documents left without predictions do not
 *    count. `'allGoldDocuments'` gives the textbook mean over all gold documents instead.
 *
 * @example
 * ```ts
 * meanAveragePrecision({ doc1: ['a00', 'b01'], doc2: ['c02'] }, { doc1: ['b01', 'x99', 'a00'] });
 * // AP(doc1) = (1/1 + 2/3) / 2 = 0.8333…; official: 0.8333… (doc2 has no prediction),
 * // with { averageOver: 'allGoldDocuments' }: 0.4166…
 * ```
 */
export function meanAveragePrecision(
  gold: DocumentCodes,
  ranked: DocumentCodes,
  options: MeanAveragePrecisionOptions = {},
): number {
  return meanAveragePrecisionDetails(gold, ranked, options).score;
}
