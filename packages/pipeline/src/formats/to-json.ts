import type { NotePrediction } from '@icd/core';
import { invalidArgument } from '@icd/core';

/** Options of the JSON formatters. */
export interface JsonFormatOptions {
  /** Only the predicted codes of each note (default false: every ranked code). */
  readonly predictedOnly?: boolean;
}

function checked(fn: string, predictions: readonly NotePrediction[]): readonly NotePrediction[] {
  if (!Array.isArray(predictions))
    invalidArgument(fn, 'predictions', 'an array of NotePrediction', predictions);
  predictions.forEach((prediction, index) => {
    if (typeof prediction?.noteId !== 'string' || !Array.isArray(prediction.ranked))
      invalidArgument(
        fn,
        `predictions[${index}]`,
        'a NotePrediction { noteId, ranked, evidenceSource }',
        prediction,
      );
  });
  return predictions;
}

/** One prediction as plain JSON: note id, evidence source, and its codes with score, threshold, predicted, evidence. */
export function predictionRecord(prediction: NotePrediction, options: JsonFormatOptions = {}) {
  return {
    noteId: prediction.noteId,
    evidenceSource: prediction.evidenceSource,
    codes: prediction.ranked
      .filter((code) => !options.predictedOnly || code.predicted)
      .map((code) => ({
        code: code.code,
        score: code.score,
        threshold: code.threshold,
        predicted: code.predicted,
        evidence: code.evidence.map((span) => ({ ...span })),
      })),
  };
}

/**
 * Predictions as one JSON document: an array of `{ noteId, evidenceSource, codes: [{ code, score,
 * threshold, predicted, evidence }] }`, codes best first.
 *
 * @example
 * ```ts
 * toJson(await coder.predict(notes), { predictedOnly: true });
 * ```
 */
export function toJson(predictions: readonly NotePrediction[], options: JsonFormatOptions = {}): string {
  return `${JSON.stringify(
    checked('toJson', predictions).map((prediction) => predictionRecord(prediction, options)),
    null,
    2,
  )}\n`;
}

/**
 * Predictions as JSON Lines: one {@link predictionRecord} per line, in input order.
 *
 * @example
 * ```ts
 * toJsonl(predictions).split('\n')[0]; // '{"noteId":"n1","evidenceSource":"dictionary","codes":[...]}'
 * ```
 */
export function toJsonl(predictions: readonly NotePrediction[], options: JsonFormatOptions = {}): string {
  return checked('toJsonl', predictions)
    .map((prediction) => `${JSON.stringify(predictionRecord(prediction, options))}\n`)
    .join('');
}

/**
 * Predictions as a CodiEsp run file: `docid<TAB>code<TAB>score` rows, each note's codes best first
 * (the ranked list the shared task's MAP scores: its evaluation script reads the first two columns in
 * file order and lower-cases the codes). Scores in full precision; `topK` keeps the best `k` per note,
 * `predictedOnly` only the predicted codes.
 *
 * @example
 * ```ts
 * toCodiespRun(predictions); // 'S0004-06142005000700014-1\tI48.91\t0.93\n...'
 * ```
 */
export function toCodiespRun(
  predictions: readonly NotePrediction[],
  options: JsonFormatOptions & { readonly topK?: number } = {},
): string {
  const rows: string[] = [];
  for (const prediction of checked('toCodiespRun', predictions)) {
    if (prediction.noteId.length === 0 || /[\t\r\n]/.test(prediction.noteId))
      invalidArgument(
        'toCodiespRun',
        'noteId',
        'a non-empty id without tabs or line breaks',
        prediction.noteId,
      );
    const codes = [...prediction.ranked]
      .filter((code) => !options.predictedOnly || code.predicted)
      .sort((a, b) => b.score - a.score)
      .slice(0, options.topK ?? Number.POSITIVE_INFINITY);
    for (const code of codes) rows.push(`${prediction.noteId}\t${code.code}\t${code.score}\n`);
  }
  return rows.join('');
}
