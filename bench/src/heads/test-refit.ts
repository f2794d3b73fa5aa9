/**
 * Test predictions of the heads bench (issue 14's protocol: "for test predictions refit on train + dev
 * with the chosen settings"). The settings of TF-IDF + LR (C, threshold) and of the dictionary + TF-IDF
 * LR merge (dictionary grid point, λ, thresholds) are the ones chosen on the validation split carved
 * from train (`classicSystems`); both systems are refit on train + dev (750 notes) and predict the 250
 * CodiEsp test texts, whose labels are held out: the test notes are never scored or tuned on here, the
 * predictions are only written, in the CodiEsp run format, to checkpoints/heads/test-<language>-<system>.tsv.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClinicalNote, NotePrediction } from '@icd/core';
import { loadCodiesp } from '@icd/data/node';
import { LexicalCoder, mergePredictions, writeCodiespRun } from '@icd/heads';
import { codePriors, DictionaryCoder, type TermEntry } from '@icd/keybert';
import { coderOptions, describePoint } from '../keybert/coder-eval.js';
import type { BenchNote } from '../keybert/codiesp.js';
import { load, rethreshold, seconds } from './common.js';
import { type ClassicChoice, dictionaryTerms, type Language, textOf } from './lexical.js';

/** The unlabelled CodiEsp test texts of one language (codes are empty: the labels are held out). */
export async function loadTestTexts(codiespDir: string, language: Language): Promise<ClinicalNote[]> {
  const notes: ClinicalNote[] = [];
  for await (const note of loadCodiesp(codiespDir, { split: 'test', language, track: 'D' })) notes.push(note);
  return notes;
}

/** The choices of a run, kept next to the run files so `--only test-refit` can skip the validation grid. */
export const choicePath = (runsDir: string, language: Language, quick: boolean) =>
  join(runsDir, `chosen-${language}${quick ? '-quick' : ''}.json`);

export interface StoredChoice {
  /** What the choice depends on: the train note ids, the C grid and the number of dictionary grid points. */
  readonly key: string;
  readonly choice: ClassicChoice;
}

export function choiceKey(train: readonly BenchNote[], cGrid: readonly number[], gridPoints: number): string {
  let hash = 2166136261;
  for (const note of train)
    for (let i = 0; i < note.id.length; i++) hash = Math.imul(hash ^ note.id.charCodeAt(i), 16777619);
  return `${train.length}:${(hash >>> 0).toString(16)}:C ${cGrid.join(',')}:${gridPoints} points`;
}

export function writeChoice(path: string, key: string, choice: ClassicChoice): void {
  writeFileSync(path, `${JSON.stringify({ key, choice } satisfies StoredChoice, null, 2)}\n`);
}

export function readChoice(path: string, key: string): ClassicChoice | undefined {
  if (!existsSync(path)) return undefined;
  const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredChoice;
  return stored.key === key ? stored.choice : undefined;
}

export interface TestRefitResult {
  /** One markdown table row per written file. */
  readonly rows: string[];
  readonly files: string[];
}

/**
 * Refits TF-IDF + LR and the dictionary + TF-IDF LR merge on `train + dev` with `choice`, predicts
 * `test` and writes the run files. Checks each file as the official script reads it (every test note,
 * codes best first) and returns a row per file.
 */
export async function testRefit(options: {
  readonly language: Language;
  readonly train: readonly BenchNote[];
  readonly dev: readonly BenchNote[];
  readonly test: readonly ClinicalNote[];
  readonly choice: ClassicChoice;
  readonly englishTerms: readonly TermEntry[];
  readonly runsDir: string;
  readonly suffix: string;
  readonly timings: string[];
}): Promise<TestRefitResult> {
  const { language, choice, test, timings } = options;
  const all = [...options.train, ...options.dev];
  const toInput = textOf(language);
  const inputs = test.map((note) => ({ id: note.id, text: note.text }));
  let clock = performance.now();
  const lexicalCoder = LexicalCoder.train(
    all.map((note) => ({ text: toInput(note).text, codes: note.codes })),
    { c: choice.c, minDf: 2, minNotesPerCode: 2, threshold: choice.lexicalThreshold },
  );
  const lexicalCodes = lexicalCoder.labels.length;
  const lexical = await lexicalCoder.predict(inputs, { evidence: false });
  lexicalCoder.dispose();
  timings.push(
    `${language}, test refit: TF-IDF + LR on ${all.length} train + dev notes × ${lexicalCodes} codes, predict ${test.length} test texts: ${seconds(clock).toFixed(1)} s (load ${load()})`,
  );
  clock = performance.now();
  const dictionaryCoder = new DictionaryCoder(
    coderOptions(choice.point, dictionaryTerms(language, options.englishTerms, all), codePriors(all)),
  );
  const dictionary = rethreshold(
    await dictionaryCoder.predict(inputs, { evidence: false, topK: 1000 }),
    choice.dictionaryThreshold,
  );
  const merged = mergePredictions(dictionary, lexical, choice.lambda, { threshold: choice.mergedThreshold });
  timings.push(
    `${language}, test refit: DictionaryCoder on train + dev and the λ merge, ${test.length} test texts: ${seconds(clock).toFixed(1)} s (load ${load()})`,
  );
  const rows: string[] = [];
  const files: string[] = [];
  const systems: [string, string, string, readonly NotePrediction[]][] = [
    [
      'TF-IDF + LR',
      'tf-idf-lr',
      `C ${choice.c}, threshold ${choice.lexicalThreshold.toPrecision(3)} (validation MAP ${choice.lexicalValidationMap.toFixed(3)})`,
      lexical,
    ],
    [
      'dictionary + TF-IDF LR (λ)',
      'dictionary-tf-idf-lr',
      `${language === 'en' ? 'ICD-10-CM phrases' : 'X-track dictionary of train + dev'} (${describePoint(choice.point)}; ${choice.gridPoints} grid points), λ ${choice.lambda} on the dictionary, threshold ${choice.mergedThreshold.toPrecision(3)} (validation MAP ${choice.mergedValidationMap.toFixed(3)})`,
      merged,
    ],
  ];
  for (const [system, slug, settings, predictions] of systems) {
    const text = writeCodiespRun(predictions);
    checkRunFile(text, test);
    const file = join(options.runsDir, `test-${language}-${slug}${options.suffix}.tsv`);
    writeFileSync(file, text);
    files.push(file);
    const lines = text.split('\n').filter((line) => line.length > 0).length;
    const withPredicted = predictions.filter((p) => p.ranked.some((code) => code.predicted)).length;
    rows.push(
      `| ${language} | ${system} | ${settings} | ${test.length} | ${lines.toLocaleString('en')} | ${withPredicted} | \`checkpoints/heads/test-${language}-${slug}${options.suffix}.tsv\` |`,
    );
  }
  return { rows, files };
}

/** Reads a run file as the official script does and checks it: every test note, scores best first per note. */
function checkRunFile(text: string, test: readonly ClinicalNote[]): void {
  const previous = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const [id, code, score] = line.split('\t');
    const value = Number(score);
    if (!id || !code || !Number.isFinite(value)) throw new Error(`test run file: bad row '${line}'`);
    if (value > (previous.get(id) ?? Number.POSITIVE_INFINITY))
      throw new Error(`test run file: ${id} is not best first at ${code}`);
    previous.set(id, value);
  }
  const missing = test.filter((note) => !previous.has(note.id));
  if (missing.length > 0)
    throw new Error(`test run file: ${missing.length} test notes have no row (${missing[0]!.id}, ...)`);
}
