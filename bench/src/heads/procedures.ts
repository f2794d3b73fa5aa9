/**
 * CodiEsp-P (ICD-10-PCS procedures): the LexicalCoder (C on a validation split carved from train by
 * iterative stratification on the P codes) and, in Spanish, the X-track procedure dictionary and its λ
 * merge with the lexical coder; MAP on dev.
 */
import type { ClinicalNote, NotePrediction } from '@icd/core';
import { stratifiedSplit } from '@icd/data';
import { loadCodiesp } from '@icd/data/node';
import { LexicalCoder, mergePredictions, tuneEnsembleWeight } from '@icd/heads';
import { codePriors, DictionaryCoder, learnTerms } from '@icd/keybert';
import { meanAveragePrecision } from '@icd/metrics';
import { f3, goldOf, rankedOf, seconds } from './common.js';
import type { Language } from './lexical.js';

export interface ProcedureNote {
  readonly id: string;
  readonly text: string;
  readonly codes: readonly string[];
  /** Procedure evidence of the X track (Spanish offsets). */
  readonly evidence: readonly {
    code: string;
    text: string;
    spans: readonly { start: number; end: number }[];
  }[];
}

async function all(dir: string, split: 'train' | 'dev', language: Language, track: 'P' | 'X') {
  const notes: ClinicalNote[] = [];
  for await (const note of loadCodiesp(dir, { split, language, track })) notes.push(note);
  return notes;
}

export async function loadProcedureNotes(
  dir: string,
  split: 'train' | 'dev',
  language: Language,
): Promise<ProcedureNote[]> {
  const [notes, spanishX] = await Promise.all([all(dir, split, language, 'P'), all(dir, split, 'es', 'X')]);
  const evidence = new Map(spanishX.map((note) => [note.id, note.evidence ?? []]));
  return notes.map((note) => ({
    id: note.id,
    text: note.text,
    codes: note.codes.map((code) => code.toUpperCase()),
    evidence: (evidence.get(note.id) ?? [])
      .filter((row) => row.kind === 'procedure')
      .map((row) => ({ code: row.code.toUpperCase(), text: row.text, spans: row.spans })),
  }));
}

export interface ProcedureRow {
  readonly system: string;
  readonly chosen: string;
  readonly map: number;
  readonly mapAll: number;
  readonly validation: readonly NotePrediction[];
  readonly dev: readonly NotePrediction[];
}

export async function procedureSystems(
  dir: string,
  language: Language,
  cGrid: readonly number[],
  quick: { notes?: number; dev?: number } | undefined,
  timings: string[],
): Promise<{
  rows: ProcedureRow[];
  fit: ProcedureNote[];
  validation: ProcedureNote[];
  dev: ProcedureNote[];
}> {
  let train = await loadProcedureNotes(dir, 'train', language);
  let dev = await loadProcedureNotes(dir, 'dev', language);
  if (quick?.notes) train = train.slice(0, quick.notes);
  if (quick?.dev) dev = dev.slice(0, quick.dev);
  // Notes without a procedure code still count (MAP over the documents with gold codes or predictions).
  const { parts } = stratifiedSplit(train, {
    seed: 13,
    label: (note) => note.codes,
    ratios: { fit: 4, validation: 1 },
  });
  const fit = parts.fit!;
  const validation = parts.validation!;
  const score = (notes: readonly ProcedureNote[], predictions: readonly NotePrediction[]) => ({
    map: meanAveragePrecision(goldOf(notes), rankedOf(predictions)),
    mapAll: meanAveragePrecision(goldOf(notes), rankedOf(predictions), { averageOver: 'allGoldDocuments' }),
  });
  const input = (note: ProcedureNote) => ({ id: note.id, text: note.text });
  const rows: ProcedureRow[] = [];
  let best = { c: cGrid[0]!, map: -1, predictions: [] as NotePrediction[] };
  for (const c of cGrid) {
    const coder = LexicalCoder.train(fit, { c, minDf: 2, minNotesPerCode: 2 });
    const predictions = await coder.predict(validation.map(input), { evidence: false });
    coder.dispose();
    const { map } = score(validation, predictions);
    if (map > best.map) best = { c, map, predictions };
  }
  const clock = performance.now();
  const lexical = LexicalCoder.train(train, { c: best.c, minDf: 2, minNotesPerCode: 2 });
  const lexicalDev = await lexical.predict(dev.map(input), { evidence: false });
  timings.push(
    `${language}, CodiEsp-P TF-IDF + LR refit on ${train.length} notes × ${lexical.labels.length} codes and predict ${dev.length}: ${seconds(clock).toFixed(1)} s`,
  );
  lexical.dispose();
  rows.push({
    system: 'TF-IDF + LR',
    chosen: `C ${best.c} (validation MAP ${f3(best.map)})`,
    ...score(dev, lexicalDev),
    validation: best.predictions,
    dev: lexicalDev,
  });
  if (language === 'es') {
    const terms = (notes: readonly ProcedureNote[]) => learnTerms(notes.flatMap((note) => note.evidence));
    const options = (notes: readonly ProcedureNote[]) => ({
      terms: terms(notes),
      priors: codePriors(notes),
      negatedWeight: 1,
      uncertainWeight: 0.5,
      includeUnmatched: true,
    });
    const fitCoder = new DictionaryCoder(options(fit));
    const dictionaryValidation = await fitCoder.predict(validation.map(input), {
      evidence: false,
      topK: 1000,
    });
    const coder = new DictionaryCoder(options(train));
    const dictionaryDev = await coder.predict(dev.map(input), { evidence: false, topK: 1000 });
    rows.push({
      system: 'DictionaryCoder',
      chosen: `X-track procedure dictionary (negations kept, unmatched codes by prior; validation MAP ${f3(score(validation, dictionaryValidation).map)})`,
      ...score(dev, dictionaryDev),
      validation: dictionaryValidation,
      dev: dictionaryDev,
    });
    const tuned = tuneEnsembleWeight(goldOf(validation), dictionaryValidation, best.predictions);
    const merged = mergePredictions(dictionaryDev, lexicalDev, tuned.lambda);
    rows.push({
      system: 'dictionary + TF-IDF LR (λ)',
      chosen: `λ ${tuned.lambda} on the dictionary (validation MAP ${f3(tuned.value)})`,
      ...score(dev, merged),
      validation: mergePredictions(dictionaryValidation, best.predictions, tuned.lambda),
      dev: merged,
    });
  }
  return { rows, fit, validation, dev };
}
