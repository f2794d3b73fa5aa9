import type { TextSpan } from '@icd/core';
import { assertFiniteNumber, assertOneOf, invalidArgument } from '@icd/core';

/**
 * Evidence spans of one code in one document: gold (CodiEsp-X rows, the synthetic corpus's evidence
 * sentences) or predicted (a coder's `CodePrediction.evidence`). Several entries for the same document
 * and code are merged. Codes compare case-insensitively (`n44.8` = `N44.8`).
 *
 * @example
 * ```ts
 * const gold: CodeEvidenceSpans = { documentId: 'S0004-1', code: 'n44.8', spans: [{ start: 1343, end: 1376 }] };
 * ```
 */
export interface CodeEvidenceSpans {
  readonly documentId: string;
  readonly code: string;
  /** `[start, end)` offsets into the document's text. */
  readonly spans: readonly TextSpan[];
}

/**
 * Which (document, code) pairs are scored.
 * - `'matched'`: the gold pairs that also have a prediction (with or without spans): evidence quality
 *   of the codes the model found.
 * - `'gold'`: every gold pair; a gold code the model did not predict adds its gold sentences to the
 *   recall denominator.
 *
 * A predicted pair without gold evidence (a wrong code, or a code with no annotated span) is never
 * scored in either mode: that is a coding error, measured by the coding metrics.
 */
export type EvidencePairs = 'matched' | 'gold';

/** Options of {@link evidenceSentenceScores}. */
export interface EvidenceSentenceOptions {
  /** Default `'matched'`. */
  readonly pairs?: EvidencePairs;
  /** The value of a ratio whose denominator is 0 (no predicted or no gold sentence): a number or NaN. Default 0. */
  readonly zeroDivision?: number;
}

/** {@link evidenceSentenceScores}: micro and macro figures and the counts behind them. */
export interface EvidenceSentenceScores {
  /** Σ|P ∩ G| / Σ|P| over the scored pairs. */
  readonly precision: number;
  /** Σ|P ∩ G| / Σ|G|. */
  readonly recall: number;
  /** Harmonic mean of `precision` and `recall` (`zeroDivision` when both are 0). */
  readonly f1: number;
  /** Mean over pairs of |P ∩ G| / |P|. */
  readonly macroPrecision: number;
  /** Mean over pairs of |P ∩ G| / |G|. */
  readonly macroRecall: number;
  /** Scored (document, code) pairs. */
  readonly pairs: number;
  /** Σ|P ∩ G|: predicted sentences that are gold sentences. */
  readonly truePositives: number;
  /** Σ|P|. */
  readonly predictedSentences: number;
  /** Σ|G|. */
  readonly goldSentences: number;
}

const fn = 'evidenceSentenceScores';

/** Indices of the sentences `span` overlaps; an empty span `[a, a)` hits the sentence holding `a`. */
function hits(sentences: readonly TextSpan[], span: TextSpan, into: Set<number>): void {
  // First sentence whose end is past span.start.
  let low = 0;
  let high = sentences.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sentences[middle]!.end <= span.start) low = middle + 1;
    else high = middle;
  }
  if (span.end === span.start) {
    const sentence = sentences[low];
    if (sentence !== undefined && sentence.start <= span.start) into.add(low);
    return;
  }
  for (let index = low; index < sentences.length && sentences[index]!.start < span.end; index++)
    into.add(index);
}

function checkSpan(argument: string, span: unknown, where: string): TextSpan {
  const s = span as TextSpan;
  if (
    s === null ||
    typeof s !== 'object' ||
    !Number.isInteger(s.start) ||
    !Number.isInteger(s.end) ||
    s.start < 0 ||
    s.end < s.start
  )
    invalidArgument(fn, argument, `spans { start, end } of integers with 0 <= start <= end (${where})`, span);
  return s;
}

interface Group {
  readonly documentId: string;
  readonly spans: TextSpan[];
}

function group(argument: string, rows: readonly CodeEvidenceSpans[]): Map<string, Group> {
  if (!Array.isArray(rows)) invalidArgument(fn, argument, 'an array of { documentId, code, spans }', rows);
  const groups = new Map<string, Group>();
  for (const row of rows) {
    if (
      row === null ||
      typeof row !== 'object' ||
      typeof row.documentId !== 'string' ||
      typeof row.code !== 'string' ||
      !Array.isArray(row.spans)
    )
      invalidArgument(fn, argument, 'entries { documentId: string, code: string, spans: TextSpan[] }', row);
    const key = `${row.documentId}\u0000${row.code.trim().toUpperCase()}`;
    let entry = groups.get(key);
    if (entry === undefined) {
      entry = { documentId: row.documentId, spans: [] };
      groups.set(key, entry);
    }
    for (const span of row.spans)
      entry.spans.push(checkSpan(argument, span, `${row.documentId} ${row.code}`));
  }
  return groups;
}

function sentenceSet(sentences: readonly TextSpan[], spans: readonly TextSpan[]): Set<number> {
  const set = new Set<number>();
  for (const span of spans) hits(sentences, span, set);
  return set;
}

/**
 * Sentence-level precision and recall of predicted evidence spans against gold evidence spans.
 *
 * Definition. Each document has sentences S (from {@link sentenceSpans} or any segmentation: sorted,
 * non-overlapping `[start, end)` spans). A span `[a, b)` counts for every sentence `[s, e)` it overlaps
 * (`a < e` and `s < b`); an empty span `[a, a)` for the sentence with `s ≤ a < e`; a span over no
 * sentence (whitespace between sentences) counts for none. For a (document, code) pair, G is the set of
 * sentences its gold spans count for and P the set its predicted spans count for. Over the scored pairs
 * (see {@link EvidencePairs}; a gold pair whose spans hit no sentence is not scored):
 * precision = Σ|P∩G| / Σ|P|, recall = Σ|P∩G| / Σ|G| (micro), and the macro figures average
 * |P∩G|/|P| and |P∩G|/|G| over pairs. A ratio with denominator 0 is `zeroDivision`.
 *
 * @example
 * ```ts
 * const sentences = new Map([['d1', [{ start: 0, end: 10 }, { start: 11, end: 20 }, { start: 21, end: 30 }]]]);
 * const gold = [{ documentId: 'd1', code: 'I10', spans: [{ start: 12, end: 15 }] }];
 * const predicted = [{ documentId: 'd1', code: 'i10', spans: [{ start: 2, end: 4 }, { start: 14, end: 25 }] }];
 * evidenceSentenceScores(gold, predicted, sentences);
 * // P = {0, 1, 2}, G = {1}: precision 1/3, recall 1
 * ```
 */
export function evidenceSentenceScores(
  gold: readonly CodeEvidenceSpans[],
  predicted: readonly CodeEvidenceSpans[],
  sentences: ReadonlyMap<string, readonly TextSpan[]>,
  options: EvidenceSentenceOptions = {},
): EvidenceSentenceScores {
  if (!(sentences instanceof Map))
    invalidArgument(fn, 'sentences', 'a Map from document id to sentence spans', sentences);
  const pairs = options.pairs ?? 'matched';
  assertOneOf(fn, 'pairs', pairs, ['matched', 'gold'] as const);
  const zeroDivision = options.zeroDivision ?? 0;
  if (!Number.isNaN(zeroDivision)) assertFiniteNumber(fn, 'zeroDivision', zeroDivision);
  const checked = new Map<string, readonly TextSpan[]>();
  const sentencesOf = (documentId: string): readonly TextSpan[] => {
    const known = checked.get(documentId);
    if (known !== undefined) return known;
    const list = sentences.get(documentId);
    if (!Array.isArray(list))
      invalidArgument(fn, 'sentences', `the sentence spans of document ${documentId}`, list);
    let previousEnd = 0;
    for (const span of list) {
      checkSpan('sentences', span, documentId);
      if (span.start < previousEnd || span.end === span.start)
        invalidArgument(fn, 'sentences', `sorted, non-overlapping, non-empty spans (${documentId})`, span);
      previousEnd = span.end;
    }
    checked.set(documentId, list);
    return list;
  };
  const goldGroups = group('gold', gold);
  const predictedGroups = group('predicted', predicted);
  const ratio = (numerator: number, denominator: number) =>
    denominator === 0 ? zeroDivision : numerator / denominator;
  let scored = 0;
  let truePositives = 0;
  let predictedSentences = 0;
  let goldSentences = 0;
  let macroPrecision = 0;
  let macroRecall = 0;
  for (const [key, goldEntry] of goldGroups) {
    const predictedEntry = predictedGroups.get(key);
    if (predictedEntry === undefined && pairs === 'matched') continue;
    const documentSentences = sentencesOf(goldEntry.documentId);
    const g = sentenceSet(documentSentences, goldEntry.spans);
    if (g.size === 0) continue;
    const p = sentenceSet(documentSentences, predictedEntry?.spans ?? []);
    let overlap = 0;
    for (const index of p) if (g.has(index)) overlap++;
    scored++;
    truePositives += overlap;
    predictedSentences += p.size;
    goldSentences += g.size;
    macroPrecision += ratio(overlap, p.size);
    macroRecall += ratio(overlap, g.size);
  }
  const precision = ratio(truePositives, predictedSentences);
  const recall = ratio(truePositives, goldSentences);
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? zeroDivision : (2 * precision * recall) / (precision + recall),
    macroPrecision: scored === 0 ? zeroDivision : macroPrecision / scored,
    macroRecall: scored === 0 ? zeroDivision : macroRecall / scored,
    pairs: scored,
    truePositives,
    predictedSentences,
    goldSentences,
  };
}
