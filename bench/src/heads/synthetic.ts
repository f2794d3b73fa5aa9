/** The synthetic cardiology corpus of @icd/data with its evidence sentences: a train / test split. */
import type { ClinicalNote, NotePrediction } from '@icd/core';
import { generateCardiologyCorpus } from '@icd/data';

export function syntheticSplit(size: number): { train: ClinicalNote[]; test: ClinicalNote[] } {
  // Notes of 50 to 800 words keep the encoder cache small; the other knobs are the defaults.
  const notes = generateCardiologyCorpus({ size, seed: 1, words: [50, 800] });
  const cut = Math.round(size * 0.7);
  return { train: notes.slice(0, cut), test: notes.slice(cut) };
}

/** One code per note: only the best-ranked code counts as predicted (the corpus is single-label). */
export const topOne = (predictions: readonly NotePrediction[]): NotePrediction[] =>
  predictions.map((p) => ({
    ...p,
    ranked: p.ranked.map((code, rank) => ({ ...code, predicted: rank === 0 })),
  }));

export const topOneAccuracy = (notes: readonly ClinicalNote[], predictions: readonly NotePrediction[]) =>
  predictions.filter((p, index) => p.ranked[0]?.code === notes[index]!.codes[0]).length /
  Math.max(predictions.length, 1);
