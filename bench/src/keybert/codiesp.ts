/** CodiEsp notes for the Key-BERT benchmark: D codes, X-track evidence, English and Spanish text. */
import { join } from 'node:path';
import type { ClinicalNote } from '@icd/core';
import { loadCodiesp } from '@icd/data/node';

export interface BenchNote {
  readonly id: string;
  readonly en: string;
  readonly es: string;
  /** Diagnosis codes (CodiEsp-D), upper case. */
  readonly codes: readonly string[];
  /** Diagnosis evidence of the X track: spans into the Spanish text. */
  readonly evidence: readonly {
    code: string;
    text: string;
    spans: readonly { start: number; end: number }[];
  }[];
}

async function all(
  dir: string,
  split: 'train' | 'dev',
  language: 'en' | 'es',
  track: 'D' | 'X',
): Promise<ClinicalNote[]> {
  const notes: ClinicalNote[] = [];
  for await (const note of loadCodiesp(dir, { split, language, track })) notes.push(note);
  return notes;
}

export async function loadBenchNotes(codiespDir: string, split: 'train' | 'dev'): Promise<BenchNote[]> {
  const [spanishD, english, spanishX] = await Promise.all([
    all(codiespDir, split, 'es', 'D'),
    all(codiespDir, split, 'en', 'D'),
    all(codiespDir, split, 'es', 'X'),
  ]);
  const englishById = new Map(english.map((note) => [note.id, note.text]));
  const evidenceById = new Map(spanishX.map((note) => [note.id, note.evidence ?? []]));
  return spanishD.map((note) => ({
    id: note.id,
    es: note.text,
    en: englishById.get(note.id) ?? '',
    codes: note.codes.map((code) => code.toUpperCase()),
    evidence: (evidenceById.get(note.id) ?? [])
      .filter((row) => row.kind === 'diagnosis')
      .map((row) => ({ code: row.code.toUpperCase(), text: row.text, spans: row.spans })),
  }));
}

/** Every CodiEsp text (all splits, both languages), for matcher throughput. */
export async function loadAllTexts(codiespDir: string): Promise<string[]> {
  const texts: string[] = [];
  for (const split of ['train', 'dev', 'test', 'background'] as const) {
    for (const language of ['en', 'es'] as const) {
      for await (const note of loadCodiesp(codiespDir, { split, language, track: 'D' }))
        texts.push(note.text);
    }
  }
  return texts;
}

export const codiespPath = (sharedDir: string) => join(sharedDir, 'data', 'codiesp');
