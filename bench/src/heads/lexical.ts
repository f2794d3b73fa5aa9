/**
 * The classic systems of the heads bench, per language: the LexicalCoder (C and a global threshold on
 * validation), the DictionaryCoder (its settings on validation) and their λ merge (λ and threshold on
 * validation). Returns validation (fit-only models) and dev (train-refit models) predictions, so the
 * neural rows can be merged with them the same way.
 */
import type { NotePrediction } from '@icd/core';
import { LexicalCoder, mergePredictions, tuneEnsembleWeight } from '@icd/heads';
import { codePriors, DictionaryCoder, learnTerms, type TermEntry } from '@icd/keybert';
import { tuneThreshold } from '@icd/metrics';
import { coderOptions, describePoint, type GridPoint, grid } from '../keybert/coder-eval.js';
import type { BenchNote } from '../keybert/codiesp.js';
import { f3, goldOf, load, mapOf, rethreshold, seconds } from './common.js';
import { matrices } from './evaluate.js';

export type Language = 'en' | 'es';

/** A system's predictions: on validation (models fit on the fit part) and on dev (refit on train). */
export interface SystemRun {
  readonly system: string;
  readonly chosen: string;
  readonly validation: readonly NotePrediction[];
  readonly dev: readonly NotePrediction[];
}

export interface LexicalContext {
  readonly language: Language;
  readonly train: readonly BenchNote[];
  readonly fit: readonly BenchNote[];
  readonly validation: readonly BenchNote[];
  readonly dev: readonly BenchNote[];
  readonly top50: readonly string[];
  readonly cGrid: readonly number[];
  readonly englishTerms: readonly TermEntry[];
  readonly quick: boolean;
  readonly timings: string[];
  /** Refit on train and score dev (default true); false when only the settings are wanted (test refit). */
  readonly devRuns?: boolean;
  /** The English dictionary grid: 6 points (overlap longest, every code) or all 24 (default 6). */
  readonly englishGrid?: 6 | 24;
}

/** Everything chosen on validation for the classic systems: enough to refit them on other notes. */
export interface ClassicChoice {
  readonly language: Language;
  readonly c: number;
  readonly lexicalValidationMap: number;
  readonly lexicalThreshold: number;
  readonly point: GridPoint;
  readonly dictionaryValidationMap: number;
  readonly dictionaryThreshold: number;
  /** λ on the dictionary in the merge and the merge's threshold. */
  readonly lambda: number;
  readonly mergedValidationMap: number;
  readonly mergedThreshold: number;
  readonly gridPoints: number;
}

/** The dictionary's terms for notes that may be seen: ICD-10-CM phrases (en) or their X-track spans (es). */
export const dictionaryTerms = (
  language: Language,
  englishTerms: readonly TermEntry[],
  notes: readonly BenchNote[],
): readonly TermEntry[] =>
  language === 'en' ? englishTerms : learnTerms(notes.flatMap((note) => note.evidence));

export const textOf = (language: Language) => (note: BenchNote) => ({
  id: note.id,
  text: language === 'en' ? note.en : note.es,
});

/** A global threshold tuned on validation by µF1-50. */
export function tunedThreshold(
  validation: readonly BenchNote[],
  predictions: readonly NotePrediction[],
  top50: readonly string[],
): number {
  const { truth, scores } = matrices(validation, predictions, top50);
  return tuneThreshold(truth, scores).thresholds[0]!;
}

export async function classicSystems(context: LexicalContext): Promise<{
  lexical: SystemRun;
  dictionary: SystemRun;
  merged: SystemRun & { lambda: number; threshold: number };
  lexicalC: number;
  choice: ClassicChoice;
}> {
  const { language, train, fit, validation, top50, cGrid, timings } = context;
  const devRuns = context.devRuns !== false;
  const dev = devRuns ? context.dev : [];
  const toInput = textOf(language);
  const asTraining = (notes: readonly BenchNote[]) =>
    notes.map((note) => ({ text: toInput(note).text, codes: note.codes }));
  // 1. Lexical: C by validation MAP, then a global threshold by validation µF1-50.
  let best = { c: cGrid[0]!, map: -1, predictions: [] as NotePrediction[] };
  for (const c of cGrid) {
    let clock = performance.now();
    const coder = LexicalCoder.train(asTraining(fit), { c, minDf: 2, minNotesPerCode: 2 });
    const trainSeconds = seconds(clock);
    clock = performance.now();
    const predictions = await coder.predict(validation.map(toInput), { evidence: false });
    const predictSeconds = seconds(clock);
    const map = mapOf(validation, predictions);
    timings.push(
      `${language}, TF-IDF + LR, C = ${c}: train ${fit.length} notes × ${coder.labels.length} codes (${coder.vectorizer.vocabulary.length.toLocaleString('en')} features) ${trainSeconds.toFixed(1)} s, predict ${validation.length} notes ${predictSeconds.toFixed(2)} s (load ${load()})`,
    );
    console.log(`  ${language} C=${c}: validation MAP ${f3(map)} (${trainSeconds.toFixed(1)} s)`);
    if (map > best.map) best = { c, map, predictions };
    coder.dispose();
  }
  const threshold = tunedThreshold(validation, best.predictions, top50);
  let lexicalDev: NotePrediction[] = [];
  if (devRuns) {
    let clock = performance.now();
    const lexicalCoder = LexicalCoder.train(asTraining(train), {
      c: best.c,
      minDf: 2,
      minNotesPerCode: 2,
      threshold,
    });
    timings.push(
      `${language}, TF-IDF + LR refit on ${train.length} train notes: ${seconds(clock).toFixed(1)} s`,
    );
    clock = performance.now();
    lexicalDev = await lexicalCoder.predict(dev.map(toInput));
    timings.push(
      `${language}, TF-IDF + LR predict ${dev.length} dev notes with evidence: ${seconds(clock).toFixed(2)} s`,
    );
    lexicalCoder.dispose();
  }
  const lexical: SystemRun = {
    system: 'TF-IDF + LR',
    chosen: `C ${best.c} (validation MAP ${f3(best.map)}), threshold ${threshold.toPrecision(3)}`,
    validation: rethreshold(best.predictions, threshold),
    dev: lexicalDev,
  };

  // 2. Dictionary: ICD-10-CM phrases (English) or the X-track dictionary (Spanish, from the notes it may see).
  const termsOf = (notes: readonly BenchNote[]) => dictionaryTerms(language, context.englishTerms, notes);
  // The English coder matches ~95,000 ICD-10-CM phrases and takes long to build: 6 grid points there
  // unless all 24 are asked for (ICD_HEADS_EN_DICT_GRID=24).
  const points = context.quick
    ? grid().slice(0, 2)
    : language === 'en' && context.englishGrid !== 24
      ? grid().filter((point) => point.overlap === 'longest' && !point.trainCodesOnly)
      : grid();
  let bestPoint: GridPoint = points[0]!;
  let bestMap = -1;
  const fitTerms = termsOf(fit);
  const gridClock = performance.now();
  for (const point of points) {
    const coder = new DictionaryCoder(coderOptions(point, fitTerms, codePriors(fit)));
    const map = mapOf(
      validation,
      await coder.predict(validation.map(toInput), { evidence: false, topK: 1000 }),
    );
    if (map > bestMap) [bestPoint, bestMap] = [point, map];
  }
  const dictionaryFit = new DictionaryCoder(coderOptions(bestPoint, fitTerms, codePriors(fit)));
  const dictionaryValidation = await dictionaryFit.predict(validation.map(toInput), {
    evidence: false,
    topK: 1000,
  });
  timings.push(
    `${language}, DictionaryCoder grid of ${points.length} points on validation: ${seconds(gridClock).toFixed(0)} s (load ${load()})`,
  );
  const dictionaryDevRaw = devRuns
    ? await new DictionaryCoder(coderOptions(bestPoint, termsOf(train), codePriors(train))).predict(
        dev.map(toInput),
        { topK: 1000 },
      )
    : [];
  const dictionaryThreshold = tunedThreshold(validation, dictionaryValidation, top50);
  const dictionary: SystemRun = {
    system: 'DictionaryCoder',
    chosen: `${language === 'en' ? 'ICD-10-CM phrases' : 'X-track dictionary'} (${describePoint(bestPoint)}; ${points.length} grid points); validation MAP ${f3(bestMap)}, threshold ${dictionaryThreshold.toPrecision(3)}`,
    validation: rethreshold(dictionaryValidation, dictionaryThreshold),
    dev: rethreshold(dictionaryDevRaw, dictionaryThreshold),
  };

  // 3. λ merge, λ and the threshold on validation (fit-only models), applied to the train-refit models on dev.
  const merged = mergeRuns(
    'dictionary + TF-IDF LR (λ)',
    'the dictionary',
    dictionary,
    lexical,
    validation,
    top50,
  );
  const choice: ClassicChoice = {
    language,
    c: best.c,
    lexicalValidationMap: best.map,
    lexicalThreshold: threshold,
    point: bestPoint,
    dictionaryValidationMap: bestMap,
    dictionaryThreshold,
    lambda: merged.lambda,
    mergedValidationMap: merged.validationMap,
    mergedThreshold: merged.threshold,
    gridPoints: points.length,
  };
  return { lexical, dictionary, merged, lexicalC: best.c, choice };
}

/** λ·a + (1 − λ)·b with λ and the merged threshold tuned on validation. */
export function mergeRuns(
  system: string,
  aName: string,
  a: SystemRun,
  b: SystemRun,
  validation: readonly BenchNote[],
  top50: readonly string[],
): SystemRun & { lambda: number; threshold: number; validationMap: number } {
  const tuned = tuneEnsembleWeight(goldOf(validation), a.validation, b.validation);
  const mergedValidation = mergePredictions(a.validation, b.validation, tuned.lambda);
  const threshold = tunedThreshold(validation, mergedValidation, top50);
  return {
    system,
    chosen: `λ ${tuned.lambda} on ${aName} (validation MAP ${f3(tuned.value)}), threshold ${threshold.toPrecision(3)}`,
    validation: rethreshold(mergedValidation, threshold),
    dev: a.dev.length === 0 ? [] : mergePredictions(a.dev, b.dev, tuned.lambda, { threshold }),
    lambda: tuned.lambda,
    threshold,
    validationMap: tuned.value,
  };
}
