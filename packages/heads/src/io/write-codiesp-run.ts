import type { CodePrediction, NotePrediction } from '@icd/core';
import { invalidArgument } from '@icd/core';

/**
 * Options of {@link writeCodiespRun}.
 *
 * @example
 * ```ts
 * const options: CodiespRunOptions = { predictedOnly: true };
 * ```
 */
export interface CodiespRunOptions {
  /** Write only the codes whose score reached their threshold (default false: every ranked code, for MAP). */
  readonly predictedOnly?: boolean;
}

const forbidden = /[\t\r\n]/;

/**
 * Predictions in the CodiEsp run format: one row per code, `docid<TAB>code<TAB>score`, documents in
 * input order and codes best first within each, so the official script (which reads the first two
 * columns in file order as the ranking) scores the file as it is. Scores are written in full
 * precision; the text ends with a newline (empty for no rows).
 *
 * @example
 * ```ts
 * writeCodiespRun([{ noteId: 'S0001', evidenceSource: 'none', ranked: [
 *   { code: 'I21.9', score: 0.9, threshold: 0.5, predicted: true, evidence: [] },
 *   { code: 'R07.9', score: 0.2, threshold: 0.5, predicted: false, evidence: [] },
 * ] }]); // 'S0001\tI21.9\t0.9\nS0001\tR07.9\t0.2\n'
 * ```
 */
export function writeCodiespRun(
  predictions: readonly NotePrediction[],
  options: CodiespRunOptions = {},
): string {
  const fn = 'writeCodiespRun';
  if (!Array.isArray(predictions))
    invalidArgument(fn, 'predictions', 'an array of NotePrediction', predictions);
  const lines: string[] = [];
  const documents = new Set<string>();
  predictions.forEach((prediction, index) => {
    if (prediction === null || typeof prediction !== 'object' || !Array.isArray(prediction.ranked))
      invalidArgument(fn, `predictions[${index}]`, 'a NotePrediction { noteId, ranked }', prediction);
    const { noteId } = prediction;
    if (typeof noteId !== 'string' || noteId.length === 0 || forbidden.test(noteId))
      invalidArgument(
        fn,
        `predictions[${index}].noteId`,
        'a non-empty id without tabs or line breaks',
        noteId,
      );
    // A document given twice would rank its codes twice (or interleave two rankings) in the official MAP.
    if (documents.has(noteId))
      invalidArgument(fn, `predictions[${index}].noteId`, 'a document not already written', noteId);
    documents.add(noteId);
    let previous = Number.POSITIVE_INFINITY;
    const seen = new Set<string>();
    prediction.ranked.forEach((code: CodePrediction, rank: number) => {
      const where = `predictions[${index}].ranked[${rank}]`;
      if (typeof code?.code !== 'string' || code.code.length === 0 || forbidden.test(code.code))
        invalidArgument(fn, `${where}.code`, 'a non-empty code without tabs or line breaks', code?.code);
      if (typeof code.score !== 'number' || !Number.isFinite(code.score))
        invalidArgument(fn, `${where}.score`, 'a finite number', code.score);
      if (code.score > previous)
        invalidArgument(fn, `${where}.score`, `codes ranked best first (<= ${previous})`, code.score);
      previous = code.score;
      // A repeated (document, code) row would count twice in the official MAP.
      if (seen.has(code.code))
        invalidArgument(fn, `${where}.code`, `a code not already ranked for '${noteId}'`, code.code);
      seen.add(code.code);
      if (options.predictedOnly && !code.predicted) return;
      lines.push(`${noteId}\t${code.code}\t${code.score}`);
    });
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
