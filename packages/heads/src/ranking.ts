import {
  assertFiniteNumber,
  assertInteger,
  type CodePrediction,
  type Evidence,
  invalidArgument,
  type NoteInput,
  type PredictOptions,
} from '@icd/core';

/** Checks `notes` and `options` the way every coder of this package does. */
export function checkPredictArguments(
  fn: string,
  notes: readonly NoteInput[],
  options: PredictOptions,
): void {
  if (!Array.isArray(notes)) invalidArgument(fn, 'notes', 'an array of { id, text }', notes);
  notes.forEach((note, index) => {
    if (
      note === null ||
      typeof note !== 'object' ||
      typeof note.id !== 'string' ||
      typeof note.text !== 'string'
    )
      invalidArgument(fn, `notes[${index}]`, 'a { id: string, text: string }', note);
  });
  if (options.topK !== undefined) assertInteger(fn, 'topK', options.topK, { min: 1 });
  if (options.threshold !== undefined) assertFiniteNumber(fn, 'threshold', options.threshold);
  if (options.maxEvidence !== undefined) assertInteger(fn, 'maxEvidence', options.maxEvidence, { min: 0 });
  options.signal?.throwIfAborted();
}

/**
 * One note's codes, best first (ties keep label order), `topK` long when asked, each compared with its
 * threshold (`options.threshold`, else `thresholds[label]`, else `thresholds[0]`); `evidenceOf` is
 * called for predicted codes only.
 */
export function rankCodes(
  labels: readonly string[],
  scores: ArrayLike<number>,
  offset: number,
  thresholds: ArrayLike<number>,
  options: PredictOptions,
  evidenceOf: (label: number) => readonly Evidence[],
): CodePrediction[] {
  const order = labels.map((_, label) => label);
  order.sort((a, b) => (scores[offset + b] as number) - (scores[offset + a] as number) || a - b);
  const kept = options.topK === undefined ? order : order.slice(0, options.topK);
  const wantEvidence = options.evidence !== false && (options.maxEvidence ?? 3) > 0;
  return kept.map((label) => {
    const score = scores[offset + label] as number;
    const threshold =
      options.threshold ?? ((thresholds.length === 1 ? thresholds[0] : thresholds[label]) as number);
    const predicted = score >= threshold;
    return {
      code: labels[label]!,
      score,
      threshold,
      predicted,
      evidence: predicted && wantEvidence ? evidenceOf(label) : [],
    };
  });
}
