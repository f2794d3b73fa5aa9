/** Shared pieces of the heads bench: the page being written, clocks, load average, CodiEsp helpers. */
import { loadavg } from 'node:os';
import type { NotePrediction } from '@icd/core';
import { meanAveragePrecision } from '@icd/metrics';

export const f3 = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '–');
export const seconds = (from: number) => (performance.now() - from) / 1000;
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** The markdown page: `out` prints a line and keeps it. */
export class Page {
  readonly lines: string[] = [];
  out = (line = '') => {
    console.log(line);
    this.lines.push(line);
  };
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export interface Gold {
  readonly id: string;
  readonly codes: readonly string[];
}

export const goldOf = (notes: readonly Gold[]) => new Map(notes.map((note) => [note.id, note.codes]));
export const rankedOf = (predictions: readonly NotePrediction[]) =>
  new Map(predictions.map((p) => [p.noteId, p.ranked.map((c) => c.code)]));
export const mapOf = (notes: readonly Gold[], predictions: readonly NotePrediction[]) =>
  meanAveragePrecision(goldOf(notes), rankedOf(predictions));

/** The `count` most frequent codes of `notes` (ties by code). */
export function topCodes(notes: readonly Gold[], count: number): string[] {
  const counts = new Map<string, number>();
  for (const note of notes)
    for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, count)
    .map(([code]) => code);
}

/** Every prediction re-thresholded at `threshold` (set metrics only; the ranking is unchanged). */
export const rethreshold = (predictions: readonly NotePrediction[], threshold: number): NotePrediction[] =>
  predictions.map((p) => ({
    ...p,
    ranked: p.ranked.map((c) => ({ ...c, threshold, predicted: c.score >= threshold })),
  }));

/** The heads' label space: the codes of at least 2 fit notes (as the lexical coder's), most frequent first. */
export function labelSpace(fit: readonly Gold[]): string[] {
  const counts = new Map<string, number>();
  for (const note of fit)
    for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
  return topCodes(fit, Number.MAX_SAFE_INTEGER).filter((code) => counts.get(code)! >= 2);
}
