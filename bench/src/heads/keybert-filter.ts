/**
 * The "+ Key-BERT filtering or knowledge-driven sampling" row of the heads ablation (issue 14): label
 * attention trained and scored on notes shortened by @icd/keybert to a token budget — `filterNote`
 * (sentences scored by dictionary hits, kept in note order) or `sampleNote` (knowledge-driven sampling,
 * the LLM label-attention paper's §3.3, with `fill`) — over the frozen tiny CodiEsp BERT. The filtered
 * train notes are encoded once per setting and cached (keyed by the filter settings and the texts);
 * the setting is chosen by validation MAP (the split carved from train), then the dev notes are filtered
 * with it and scored once. The dictionary is ICD-10-CM (English) or the X-track spans of the notes the
 * system may see (Spanish: the fit notes for fit + validation, train for dev). Evidence is mapped back to
 * the original note through the filter's `toOriginal`, as `HeadCoder` does with its `filter`; the bench
 * checks `note.slice(start, end) === text` for every span and, on a few dev notes, that `HeadCoder` with
 * the same filter (running the encoder on the raw note) gives the same codes and evidence.
 */
import type { NotePrediction } from '@icd/core';
import { HeadCoder, LabelAttention } from '@icd/heads';
import { filterNote, type KeptText, sampleNote, type TermMatcher } from '@icd/keybert';
import type { BenchNote } from '../keybert/codiesp.js';
import { f3, load, mapOf, rethreshold, seconds } from './common.js';
import type { Language, SystemRun } from './lexical.js';
import { tunedThreshold } from './lexical.js';
import { cachedStates, type EncodedCorpus, initialiseBias, scoreCached, trainOnCache } from './neural.js';

export interface FilterSetting {
  /** `filterNote` (dictionary hits per sentence) or `sampleNote` (knowledge-driven sampling, `fill: true`). */
  readonly method: 'filter' | 'sample';
  /** Tokens kept (the encoder tokenizer's, without special tokens). */
  readonly budget: number;
}

/** `ICD_HEADS_FILTER_GRID=filter:256,sample:256,...` (default: both methods at 256 and 512 tokens). */
export function filterGrid(spec: string | undefined, quick: boolean): FilterSetting[] {
  const text = spec ?? (quick ? 'filter:128,sample:128' : 'filter:256,sample:256,filter:512,sample:512');
  return text.split(',').map((item) => {
    const [method, budget] = item.trim().split(':');
    if ((method !== 'filter' && method !== 'sample') || !Number.isInteger(Number(budget)))
      throw new Error(`ICD_HEADS_FILTER_GRID: '${item}' is not filter:<tokens> or sample:<tokens>`);
    return { method, budget: Number(budget) };
  });
}

export const describeSetting = (setting: FilterSetting) =>
  setting.method === 'filter'
    ? `filterNote (sentences by dictionary hits) to ${setting.budget} tokens`
    : `sampleNote (knowledge-driven sampling, fill) to ${setting.budget} tokens`;

const slugOf = (setting: FilterSetting) => `${setting.method}${setting.budget}`;

/** One note shortened by `setting` with the dictionary `matcher`. */
export async function keepOne(
  setting: FilterSetting,
  text: string,
  matcher: TermMatcher,
  tokenizer: EncodedCorpus['tokenizer'],
): Promise<KeptText> {
  return setting.method === 'filter'
    ? filterNote(text, { budget: setting.budget, tokenizer, terms: matcher })
    : sampleNote(text, matcher, { budget: setting.budget, tokenizer, fill: true });
}

async function keepAll(
  setting: FilterSetting,
  notes: readonly { id: string; text: string }[],
  matcher: TermMatcher,
  tokenizer: EncodedCorpus['tokenizer'],
): Promise<Map<string, KeptText>> {
  const kept = new Map<string, KeptText>();
  for (const note of notes) kept.set(note.id, await keepOne(setting, note.text, matcher, tokenizer));
  return kept;
}

export interface FilterRowContext {
  readonly language: Language;
  readonly corpus: EncodedCorpus;
  readonly runsDir: string;
  readonly suffix: string;
  readonly train: readonly BenchNote[];
  readonly fit: readonly BenchNote[];
  readonly validation: readonly BenchNote[];
  readonly dev: readonly BenchNote[];
  readonly labels: readonly string[];
  readonly top50: readonly string[];
  readonly epochs: number;
  readonly learningRate: number;
  readonly grid: readonly FilterSetting[];
  /** The dictionary built from what may be seen: `fit` for fit + validation notes, `train` for dev. */
  readonly matcherFor: (part: 'fit' | 'train') => TermMatcher;
  /** What the dictionary is, for the page and the cache key. */
  readonly dictionaryName: (part: 'fit' | 'train') => string;
  readonly timings: string[];
}

export interface FilterRow {
  readonly run: SystemRun & { validationMap: number };
  /** One line per setting tried: its validation MAP and what it kept. */
  readonly gridLines: readonly string[];
  /** Evidence spans on dev and how many of them are NOT `original.slice(start, end)`. */
  readonly evidence: { readonly spans: number; readonly mismatched: number };
  /** The HeadCoder cross-check on a few dev notes. */
  readonly coderCheck: string;
}

export async function keybertFilterRow(context: FilterRowContext): Promise<FilterRow> {
  const { language, corpus, fit, validation, dev, labels, timings } = context;
  const textOf = (note: BenchNote) => (language === 'en' ? note.en : note.es);
  const hiddenSize = corpus.encoder.info.hiddenSize;
  const fitMatcher = context.matcherFor('fit');
  const gridLines: string[] = [];
  let best:
    | {
        setting: FilterSetting;
        map: number;
        head: LabelAttention;
        validationRaw: NotePrediction[];
        updates: number;
      }
    | undefined;
  for (const setting of context.grid) {
    let clock = performance.now();
    const kept = await keepAll(
      setting,
      context.train.map((note) => ({ id: note.id, text: textOf(note) })),
      fitMatcher,
      corpus.tokenizer,
    );
    const filterSeconds = seconds(clock);
    const keptTokens = [...kept.values()].reduce((sum, value) => sum + value.tokens, 0);
    // Notes longer than the budget (the tokenizer's count of the whole note, without specials): the ones cut.
    const shortened = context.train.filter(
      (note) =>
        corpus.tokenizer.encode(textOf(note), null, { addSpecialTokens: false }).ids.length > setting.budget,
    );
    const states = await cachedStates(
      corpus,
      context.runsDir,
      `${language}-train-${slugOf(setting)}${context.suffix}`,
      context.train.map((note) => ({ id: note.id, text: kept.get(note.id)!.text, codes: note.codes })),
      timings,
      { filter: setting, dictionary: context.dictionaryName('fit') },
    );
    const byId = new Map(states.map((note) => [note.id, note]));
    const head = new LabelAttention({ labels, hiddenSize, projectionSize: hiddenSize, seed: 1 });
    initialiseBias(head, fit);
    const trained = await trainOnCache(
      head,
      fit.map((note) => byId.get(note.id)!),
      validation.map((note) => byId.get(note.id)!),
      { epochs: context.epochs, learningRate: context.learningRate, seed: 1, patience: 2 },
    );
    clock = performance.now();
    const validationRaw = await scoreCached(
      head,
      validation.map((note) => byId.get(note.id)!),
      { threshold: 1, evidence: false },
    );
    const map = mapOf(validation, validationRaw);
    timings.push(
      `${language}, + Key-BERT filtering, ${describeSetting(setting)}: filtered ${context.train.length} train notes in ${filterSeconds.toFixed(1)} s; ${trained.result.step} updates in ${trained.seconds.toFixed(0)} s = ${trained.examplesPerSecond.toFixed(1)} cached examples/s (head only); validation scoring ${seconds(clock).toFixed(1)} s (load ${load()})`,
    );
    gridLines.push(
      `${language}, ${describeSetting(setting)}: validation MAP ${f3(map)}; ${shortened.length} of ${context.train.length} train notes over the budget (cut), ${(keptTokens / context.train.length).toFixed(0)} tokens kept per note on average`,
    );
    console.log(`  ${language} ${slugOf(setting)}: validation MAP ${f3(map)}`);
    if (best === undefined || map > best.map) {
      best?.head.dispose();
      best = { setting, map, head, validationRaw, updates: trained.result.step };
    } else head.dispose();
  }
  if (best === undefined) throw new Error('keybertFilterRow: an empty filter grid');
  // Dev: filtered with the chosen setting and the train dictionary, encoded once, scored once.
  const trainMatcher = context.matcherFor('train');
  const devKept = await keepAll(
    best.setting,
    dev.map((note) => ({ id: note.id, text: textOf(note) })),
    trainMatcher,
    corpus.tokenizer,
  );
  const devStates = await cachedStates(
    corpus,
    context.runsDir,
    `${language}-dev-${slugOf(best.setting)}${context.suffix}`,
    dev.map((note) => ({ id: note.id, text: devKept.get(note.id)!.text, codes: note.codes })),
    timings,
    { filter: best.setting, dictionary: context.dictionaryName('train') },
  );
  const threshold = tunedThreshold(validation, best.validationRaw, context.top50);
  const clock = performance.now();
  const devPredictions = await scoreCached(best.head, devStates, {
    threshold,
    evidence: true,
    kept: devKept,
  });
  timings.push(
    `${language}, + Key-BERT filtering: dev scoring with evidence ${seconds(clock).toFixed(1)} s (load ${load()})`,
  );
  // Every evidence span must be the original note's text at its offsets.
  const originals = new Map(dev.map((note) => [note.id, textOf(note)]));
  let spans = 0;
  let mismatched = 0;
  for (const prediction of devPredictions)
    for (const code of prediction.ranked)
      for (const span of code.evidence) {
        spans++;
        if (originals.get(prediction.noteId)!.slice(span.start, span.end) !== span.text) mismatched++;
      }
  // The same head behind HeadCoder with the same filter, on raw dev notes: the same codes and evidence.
  const sample = dev.slice(0, 4);
  const coder = new HeadCoder({
    encoder: corpus.encoder,
    tokenizer: corpus.tokenizer,
    head: best.head,
    windowLength: corpus.windowLength,
    thresholds: threshold,
    batchSize: 1,
    filter: (text) => keepOne(best!.setting, text, trainMatcher, corpus.tokenizer),
  });
  const viaCoder = await coder.predict(
    sample.map((note) => ({ id: note.id, text: textOf(note) })),
    { topK: 1000 },
  );
  let sameTop = 0;
  let sameEvidence = 0;
  let coderSpans = 0;
  viaCoder.forEach((prediction, index) => {
    const bench = devPredictions[index]!;
    const top = (p: NotePrediction) =>
      p.ranked
        .slice(0, 10)
        .map((code) => code.code)
        .join(' ');
    if (top(prediction) === top(bench)) sameTop++;
    const spansOf = (p: NotePrediction) =>
      JSON.stringify(
        p.ranked
          .filter((code) => code.predicted)
          .map((code) => [code.code, code.evidence.map((span) => [span.start, span.end, span.text])]),
      );
    if (spansOf(prediction) === spansOf(bench)) sameEvidence++;
    const original = textOf(sample[index]!);
    for (const code of prediction.ranked)
      for (const span of code.evidence) {
        coderSpans++;
        if (original.slice(span.start, span.end) !== span.text) mismatched++;
      }
  });
  const coderCheck = `HeadCoder with the same filter on ${sample.length} raw dev notes: the same top-10 codes on ${sameTop}, the same predicted codes and evidence offsets on ${sameEvidence} (${coderSpans} spans)`;
  best.head.dispose();
  return {
    run: {
      system: '+ Key-BERT filtering',
      chosen: `label attention (LAAT) on notes shortened by ${describeSetting(best.setting)} (${context.dictionaryName('fit')}); ${context.grid.length} settings; lr ${context.learningRate}, ${best.updates} updates, threshold ${threshold.toPrecision(3)}; validation MAP ${f3(best.map)}`,
      validation: rethreshold(best.validationRaw, threshold),
      dev: devPredictions,
      validationMap: best.map,
    },
    gridLines,
    evidence: { spans, mismatched },
    coderCheck,
  };
}
