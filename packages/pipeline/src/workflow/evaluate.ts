import type { ClinicalNote, Coder, NotePrediction } from '@icd/core';
import { accuracyScore, f1Score, meanAveragePrecision, rocAucScoreDetails } from '@icd/metrics';

/** The figures `icd eval` and `icd search` report (the objectives of the search). */
export interface EvaluationMetrics {
  /** Single-label: top code = gold code; multi-label: predicted set = gold set (subset accuracy). */
  readonly accuracy: number;
  /** Micro-F1 of the predicted codes (single-label: the top code) over the label space. */
  readonly microF1: number;
  /** Macro ROC-AUC over the codes with positives and negatives among the notes. */
  readonly macroAuc: number;
  /**
   * CodiEsp MAP of the ranked codes, as the shared task computes it (for a coder: every code it ranks
   * against each note's full gold list; for score rows: the label space only).
   */
  readonly map: number;
  readonly notes: number;
}

/** The names of {@link EvaluationMetrics} a search can maximise. */
export const OBJECTIVES = ['accuracy', 'macroAuc', 'microF1', 'map'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/**
 * Metrics of score rows (`notes × classes`) against gold codes: accuracy, micro-F1, macro-AUC and MAP.
 * `predicted` gives each note's predicted set (multi-label); single-label uses the arg-max.
 */
export function scoreRows(
  gold: readonly (readonly string[])[],
  scores: readonly ArrayLike<number>[],
  classes: readonly string[],
  options: {
    readonly multiLabel: boolean;
    readonly predicted?: readonly (readonly string[])[];
    readonly ids?: readonly string[];
  },
): EvaluationMetrics {
  const index = new Map(classes.map((code, i) => [code, i]));
  const truth = gold.map((codes) => classes.map((code) => (codes.includes(code) ? 1 : 0)));
  const rows = scores.map((row) => Array.from(row));
  const argMax = rows.map((row) => row.indexOf(Math.max(...row)));
  const predictedSets = options.multiLabel
    ? (options.predicted ?? rows.map(() => []))
    : argMax.map((i) => [classes[i]!]);
  const predictedMatrix = predictedSets.map((codes) => classes.map((code) => (codes.includes(code) ? 1 : 0)));
  const accuracy = options.multiLabel
    ? accuracyScore(truth, predictedMatrix)
    : accuracyScore(
        gold.map((codes) => codes[0] ?? ''),
        argMax.map((i) => classes[i]!),
      );
  const microF1 = f1Score(truth, predictedMatrix, { average: 'micro', zeroDivision: 0 });
  const auc = rocAucScoreDetails(truth, rows, { average: 'macro', undefinedLabels: 'skip' });
  const ids = options.ids ?? gold.map((_, i) => `note-${i}`);
  const goldMap: Record<string, string[]> = {};
  const ranked: Record<string, string[]> = {};
  gold.forEach((codes, i) => {
    const known = codes.filter((code) => index.has(code));
    if (known.length > 0) goldMap[ids[i]!] = known;
    ranked[ids[i]!] = classes
      .map((code, j) => [code, rows[i]![j]!] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([code]) => code);
  });
  const map = Object.keys(goldMap).length > 0 ? meanAveragePrecision(goldMap, ranked) : Number.NaN;
  return { accuracy, microF1, macroAuc: auc.score, map, notes: gold.length };
}

/** The score rows of predictions over `classes` (a code a note's ranking lacks scores 0). */
export function scoreMatrix(
  predictions: readonly NotePrediction[],
  classes: readonly string[],
): Float64Array[] {
  const index = new Map(classes.map((code, i) => [code, i]));
  return predictions.map((prediction) => {
    const row = new Float64Array(classes.length);
    for (const code of prediction.ranked) {
      const at = index.get(code.code);
      if (at !== undefined) row[at] = code.score;
    }
    return row;
  });
}

/**
 * Evaluates a coder on labelled notes: predictions → {@link EvaluationMetrics} over `classes`.
 *
 * @example
 * ```ts
 * const { microF1, macroAuc } = await evaluateCoder(coder, dataset.test, dataset.classes, false);
 * ```
 */
export async function evaluateCoder(
  coder: Coder,
  notes: readonly ClinicalNote[],
  classes: readonly string[],
  multiLabel: boolean,
  options: { readonly signal?: AbortSignal; readonly onBatch?: (done: number) => void } = {},
): Promise<{ metrics: EvaluationMetrics; predictions: NotePrediction[] }> {
  const predictions: NotePrediction[] = [];
  const batch = 32;
  for (let start = 0; start < notes.length; start += batch) {
    predictions.push(
      ...(await coder.predict(
        notes.slice(start, start + batch).map((note) => ({ id: note.id, text: note.text })),
        { evidence: false, ...(options.signal ? { signal: options.signal } : {}) },
      )),
    );
    options.onBatch?.(Math.min(notes.length, start + batch));
  }
  const scored = scoreRows(
    notes.map((note) => note.codes),
    scoreMatrix(predictions, classes),
    classes,
    {
      multiLabel,
      predicted: predictions.map((p) => p.ranked.filter((c) => c.predicted).map((c) => c.code)),
      ids: notes.map((note) => note.id),
    },
  );
  // MAP as the shared task computes it: every ranked code against each note's full gold list.
  const gold = Object.fromEntries(
    notes.filter((note) => note.codes.length > 0).map((note) => [note.id, [...note.codes]]),
  );
  const ranked = Object.fromEntries(predictions.map((p) => [p.noteId, p.ranked.map((code) => code.code)]));
  const map = Object.keys(gold).length > 0 ? meanAveragePrecision(gold, ranked) : Number.NaN;
  return { metrics: { ...scored, map }, predictions };
}
