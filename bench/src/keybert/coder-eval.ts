/** DictionaryCoder MAP on CodiEsp-D: a small grid tuned on a validation split carved from train. */
import { DictionaryCoder, type DictionaryCoderOptions, type TermEntry } from '@icd/keybert';
import { meanAveragePrecision } from '@icd/metrics';
import type { BenchNote } from './codiesp.js';

export interface MapResult {
  readonly official: number;
  readonly allDocuments: number;
}

export async function evaluateCoder(
  options: DictionaryCoderOptions,
  notes: readonly BenchNote[],
  language: 'en' | 'es',
): Promise<MapResult> {
  const coder = new DictionaryCoder(options);
  const predictions = await coder.predict(
    notes.map((note) => ({ id: note.id, text: language === 'en' ? note.en : note.es })),
    { topK: 1000, evidence: false },
  );
  const gold = new Map(notes.map((note) => [note.id, note.codes]));
  const ranked = new Map(predictions.map((p) => [p.noteId, p.ranked.map((c) => c.code)]));
  return {
    official: meanAveragePrecision(gold, ranked),
    allDocuments: meanAveragePrecision(gold, ranked, { averageOver: 'allGoldDocuments' }),
  };
}

export interface GridPoint {
  readonly negatedWeight: number;
  readonly uncertainWeight: number;
  readonly includeUnmatched: boolean;
  readonly trainCodesOnly: boolean;
  readonly overlap: 'longest' | 'all';
}

export function grid(): GridPoint[] {
  const points: GridPoint[] = [];
  for (const negatedWeight of [0, 0.5, 1])
    for (const includeUnmatched of [false, true])
      for (const trainCodesOnly of [false, true])
        for (const overlap of ['longest', 'all'] as const)
          points.push({ negatedWeight, uncertainWeight: 0.5, includeUnmatched, trainCodesOnly, overlap });
  return points;
}

export function coderOptions(
  point: GridPoint,
  terms: readonly TermEntry[],
  priors: ReadonlyMap<string, number>,
): DictionaryCoderOptions {
  return {
    terms,
    priors,
    negatedWeight: point.negatedWeight,
    uncertainWeight: point.uncertainWeight,
    includeUnmatched: point.includeUnmatched,
    overlap: point.overlap,
    ...(point.trainCodesOnly ? { labels: [...priors.keys()] } : {}),
  };
}

export const describePoint = (point: GridPoint) =>
  `negated ${point.negatedWeight}, unmatched by prior ${point.includeUnmatched ? 'yes' : 'no'}, train codes only ${point.trainCodesOnly ? 'yes' : 'no'}, overlap ${point.overlap}`;
