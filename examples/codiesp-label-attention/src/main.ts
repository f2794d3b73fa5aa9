/**
 * CodiEsp-D (English) with label attention and knowledge injection, at tiny settings (seconds):
 *
 *   CodiEsp train / dev notes (@icd/data, from ../shared) → the N most frequent train codes →
 *   a WordPiece vocabulary and a tiny BERT pretrained for a few masked-LM steps on the train notes
 *   (@icd/tokenizer, @icd/bert) → its hidden states cached once per note, all windows of a long note
 *   concatenated (`cacheHiddenStates`) → `LabelAttention` and `KnowledgeInjectedLabelAttention` (the
 *   knowledge texts: each code's ICD-10-CM FY2021 description and inclusion terms, `loadIcd10CmTable`)
 *   trained with `trainHead` on the frozen states, early stopping and a threshold on a validation split
 *   carved from train → dev micro-F1, macro-AUC and MAP over the N codes (@icd/metrics), next to the
 *   TF-IDF + logistic-regression `LexicalCoder` → the evidence spans of one dev note's top code.
 *
 * The tiny encoder is barely pretrained (a few steps, so that CI runs it in seconds): the neural rows
 * show the mechanics, not what the method reaches (bench/src/heads runs it on a pretrained CodiEsp
 * encoder over all of train and dev: docs/benchmarks/heads.md). Dev is scored once; nothing is tuned on it.
 *
 * Run: `pnpm --filter @icd/example-codiesp-label-attention start [-- --train 60 --dev 30 --codes 10]`,
 * full size: `... start --size full [--encoder checkpoints/<pretrained BERT folder>]`. Without ../shared it
 * prints why and exits 0.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BertConfig,
  BertForMaskedLM,
  BertModel,
  bertForMaskedLMPretrainable,
  MaskedLMTrainer,
  packSequences,
  selectBackend,
} from '@icd/bert/node';
import type { ClinicalNote, NotePrediction } from '@icd/core';
import { stratifiedSplit } from '@icd/data';
import { loadCodiesp, loadIcd10CmTable } from '@icd/data/node';
import {
  type CachedNote,
  cacheHiddenStates,
  encodeKnowledgeTexts,
  HeadCoder,
  KnowledgeInjectedLabelAttention,
  knowledgeTextsForCodes,
  LabelAttention,
  LexicalCoder,
  trainHead,
} from '@icd/heads';
import { f1Score, meanAveragePrecision, rocAucScore, tuneThreshold } from '@icd/metrics';
import { type Tokenizer, WordPieceTrainer } from '@icd/tokenizer';
import { loadTokenizer } from '@icd/tokenizer/node';
import * as tf from '@tensorflow/tfjs-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// ICD_SHARED_DIR points elsewhere (e.g. to check the skip path).
const shared = resolve(process.env.ICD_SHARED_DIR ?? join(root, '..', 'shared'));
const codiespDir = join(shared, 'data', 'codiesp');
const icd10cmDir = join(shared, 'data', 'icd10cm');
for (const dir of [codiespDir, icd10cmDir])
  if (!existsSync(dir)) {
    console.log(`skipped: ${dir} is absent (this example reads CodiEsp and ICD-10-CM from ../shared).`);
    process.exit(0);
  }

// `pnpm ... start -- --flag` passes the `--` through: drop it.
const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    size: { type: 'string', default: 'tiny' },
    train: { type: 'string' },
    dev: { type: 'string' },
    codes: { type: 'string' },
    encoder: { type: 'string' },
  },
});
if (args.size !== 'tiny' && args.size !== 'full') {
  console.error(`--size must be tiny or full; got ${JSON.stringify(args.size)}`);
  process.exit(2);
}
const full = args.size === 'full';
const count = (value: string | undefined, fallback: number, name: string) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer; got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
};
const settings = {
  trainNotes: count(args.train, full ? 500 : 60, 'train'),
  devNotes: count(args.dev, full ? 250 : 30, 'dev'),
  codes: count(args.codes, full ? 50 : 10, 'codes'),
  hidden: full ? 128 : 32,
  window: 128,
  maxWindows: full ? 8 : 2,
  pretrainSteps: full ? 600 : 6,
  epochs: full ? 30 : 10,
};
const seed = 13;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
// CPU seconds next to wall seconds: on a shared machine the wall clock says little.
const cpu = () => (Object.values(process.cpuUsage()).reduce((a, b) => a + b, 0) / 1e6).toFixed(1);
const log = (line: string) => console.log(`[${seconds().padStart(5)} s, cpu ${cpu().padStart(5)} s] ${line}`);
const failures: string[] = [];

await selectBackend();

// 1. Data: the first notes of train and dev (file order), the N most frequent codes of those train notes.
async function read(split: 'train' | 'dev', limit: number): Promise<ClinicalNote[]> {
  const notes: ClinicalNote[] = [];
  for await (const note of loadCodiesp(codiespDir, { split, track: 'D', language: 'en' })) {
    notes.push(note);
    if (notes.length === limit) break;
  }
  return notes;
}
const [train, dev] = [await read('train', settings.trainNotes), await read('dev', settings.devNotes)];
const frequency = new Map<string, number>();
for (const note of train)
  for (const code of new Set(note.codes)) frequency.set(code, (frequency.get(code) ?? 0) + 1);
const codes = [...frequency.entries()]
  .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
  .slice(0, settings.codes)
  .map(([code]) => code);
const inLabels = (note: ClinicalNote) => note.codes.filter((code) => codes.includes(code));
// Validation carved from train by iterative stratification (thresholds, early stopping); dev only scores.
const { parts } = stratifiedSplit(train, { seed, label: inLabels, ratios: { fit: 4, validation: 1 } });
const [fit, validation] = [parts.fit!, parts.validation!];
log(
  `CodiEsp-D en: ${fit.length} fit + ${validation.length} validation notes (train), ${dev.length} dev notes; ` +
    `top ${codes.length} codes: ${codes.join(' ')}`,
);

// 2. The encoder: a pretrained BERT folder (`--encoder DIR`, e.g. one `pnpm --filter @icd/bench
// pretrain-codiesp` wrote), or a vocabulary and a tiny BERT pretrained for a few masked-LM steps here.
async function tinyEncoder(): Promise<{ tokenizer: Tokenizer; encoder: BertModel }> {
  const texts = train.map((note) => note.text);
  const tokenizer = (
    await new WordPieceTrainer({ vocabSize: 2000, minFrequency: 2 }).train(texts)
  ).toTokenizer();
  const config = new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: settings.hidden,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: settings.hidden * 2,
    maxPositionEmbeddings: settings.window,
  });
  const mlm = new BertForMaskedLM(config, { seed, tokenizer });
  const pretraining = new MaskedLMTrainer(
    bertForMaskedLMPretrainable(mlm),
    () => packSequences(texts, tokenizer, { maxLength: full ? settings.window : 64 }),
    {
      totalSteps: settings.pretrainSteps,
      batchSize: 8,
      learningRate: 1e-3,
      warmupRatio: 0.1,
      seed,
      maskTokenId: tokenizer.tokenToId('[MASK]')!,
      padTokenId: tokenizer.tokenToId('[PAD]')!,
      progress: false,
    },
  );
  const pretrained = await pretraining.train();
  pretraining.dispose();
  const files = await mlm.toPretrainedFiles();
  mlm.dispose();
  const encoder = await BertModel.fromSafetensors(
    files['model.safetensors'] as Uint8Array,
    JSON.parse(files['config.json'] as string) as Record<string, unknown>,
  );
  log(
    `tiny BERT (hidden ${settings.hidden}, 2 layers, vocabulary ${tokenizer.vocabSize}): ` +
      `${pretrained.step} masked-LM steps, loss ${pretrained.meanLoss.toFixed(2)} ` +
      `(ln ${tokenizer.vocabSize} = ${Math.log(tokenizer.vocabSize).toFixed(2)} for a random guess` +
      `${pretrained.meanLoss > 0.9 * Math.log(tokenizer.vocabSize) ? ': still close to a random encoder' : ''})`,
  );
  return { tokenizer, encoder };
}
async function pretrainedEncoder(dir: string): Promise<{ tokenizer: Tokenizer; encoder: BertModel }> {
  const [tokenizer, encoder] = [loadTokenizer(dir), await BertModel.fromPretrained(dir)];
  const c = encoder.config;
  log(`encoder ${dir}: hidden ${c.hiddenSize}, ${c.numHiddenLayers} layers, vocabulary ${c.vocabSize}`);
  return { tokenizer, encoder };
}
// Paths are relative to where pnpm was run (INIT_CWD), not to this package.
const { tokenizer, encoder } = args.encoder
  ? await pretrainedEncoder(resolve(process.env.INIT_CWD ?? process.cwd(), args.encoder))
  : await tinyEncoder();
const hiddenSize = encoder.config.hiddenSize;
if (settings.window > encoder.config.maxPositionEmbeddings) {
  console.error(
    `the encoder reads at most ${encoder.config.maxPositionEmbeddings} tokens, fewer than ${settings.window}`,
  );
  process.exit(2);
}

// 3. Frozen encoder: every note encoded once (windows of 128 tokens, at most maxWindows of them).
const windows = { windowLength: settings.window, maxWindows: settings.maxWindows };
const cache = async (notes: readonly ClinicalNote[]) =>
  (await cacheHiddenStates(encoder, tokenizer, notes, { ...windows, batchSize: 16 })).notes;
const [fitStates, validationStates, devStates] = [
  await cache(fit),
  await cache(validation),
  await cache(dev),
];
const tokens = devStates.reduce((sum, note) => sum + note.windows.ids.length, 0);
log(`cached the states of ${fit.length + validation.length + dev.length} notes (dev: ${tokens} tokens)`);

// 4. Knowledge texts: each code's ICD-10-CM FY2021 long description and inclusion terms.
const table = await loadIcd10CmTable({ directory: icd10cmDir });
const knowledge = knowledgeTextsForCodes(table, codes, { maxPerCode: 4 });
const knowledgeEmbeddings = await encodeKnowledgeTexts(
  encoder,
  tokenizer,
  knowledge.map((entry) => entry.text),
);
log(
  `${knowledge.length} knowledge texts for ${codes.length} codes, e.g. ${codes[0]}: "${knowledge[0]?.text}"`,
);

// 5. The heads, trained on the cached states; the output bias starts at each code's log-odds in fit.
function startFromPrior(head: LabelAttention | KnowledgeInjectedLabelAttention) {
  const share = codes.map(
    (code) => (fit.filter((note) => note.codes.includes(code)).length + 0.5) / (fit.length + 1),
  );
  const bias = tf.tensor1d(share.map((p) => Math.log(p / (1 - p))));
  head.weights.get('label_attention.third_linear.bias')!.assign(bias);
  bias.dispose();
}
async function trainNeural(head: LabelAttention | KnowledgeInjectedLabelAttention): Promise<HeadCoder> {
  startFromPrior(head);
  const result = await trainHead(head, fitStates, {
    epochs: settings.epochs,
    batchSize: 8,
    learningRate: 5e-3,
    seed,
    validation: { examples: validationStates, metric: 'loss', patience: 4, tuneThreshold: 'global' },
  });
  if (!result.thresholds || !Number.isFinite(result.meanLoss))
    failures.push(`${head.constructor.name}: training failed`);
  return new HeadCoder({ encoder, tokenizer, head, ...windows, thresholds: result.thresholds ?? 0.5 });
}
const labelAttention = await trainNeural(
  new LabelAttention({ labels: codes, hiddenSize, projectionSize: hiddenSize, seed }),
);
const knowledgeInjected = await trainNeural(
  new KnowledgeInjectedLabelAttention(
    { labels: codes, hiddenSize, projectionSize: hiddenSize, seed },
    knowledgeEmbeddings,
  ),
);
log('trained LabelAttention and LabelAttention + KnowledgeInjection');

// 6. The lexical coder: TF-IDF (word uni+bigrams) + one-vs-rest logistic regression, threshold tuned on validation.
const lexicalNotes = fit.map((note) => ({ text: note.text, codes: inLabels(note) }));
let lexical = LexicalCoder.train(lexicalNotes, { c: 300, minDf: 2, minNotesPerCode: 2 });
{
  const { data, cols } = lexical.scores(validation.map((note) => note.text));
  const rows = validation.map((_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  const gold = validation.map((note) => lexical.labels.map((code) => (note.codes.includes(code) ? 1 : 0)));
  lexical = lexical.withThresholds(tuneThreshold(gold, rows, { mode: 'global' }).thresholds);
}

// 7. Dev scores over the N codes: micro-F1 at the tuned thresholds, macro-AUC, MAP (CodiEsp's, over the N codes).
const goldRows = dev.map((note) => codes.map((code) => (note.codes.includes(code) ? 1 : 0)));
function score(predictions: readonly NotePrediction[]) {
  const byCode = predictions.map((p) => new Map(p.ranked.map((entry) => [entry.code, entry])));
  const scores = byCode.map((row) => codes.map((code) => row.get(code)?.score ?? 0));
  const predicted = byCode.map((row) => codes.map((code) => (row.get(code)?.predicted ? 1 : 0)));
  const gold = Object.fromEntries(
    dev.map((note) => [note.id, inLabels(note)]).filter(([, c]) => c!.length > 0),
  );
  const ranked = Object.fromEntries(predictions.map((p) => [p.noteId, p.ranked.map((entry) => entry.code)]));
  const figures = {
    microF1: f1Score(goldRows, predicted, { average: 'micro', zeroDivision: 0 }) as number,
    macroAuc: rocAucScore(goldRows, scores, { average: 'macro', undefinedLabels: 'skip' }) as number,
    map: meanAveragePrecision(gold, ranked, { validCodes: codes }),
  };
  for (const [name, value] of Object.entries(figures))
    if (!(value >= 0 && value <= 1)) failures.push(`${name} = ${value}`);
  return figures;
}
const devInputs = dev.map((note) => ({ id: note.id, text: note.text }));
const rows: [string, () => Promise<NotePrediction[]>][] = [
  ['TF-IDF + LR (LexicalCoder)', () => lexical.predict(devInputs, { evidence: false })],
  ['LabelAttention', () => labelAttention.predictCached(devStates, { evidence: false })],
  [
    'LabelAttention + KnowledgeInjection',
    () => knowledgeInjected.predictCached(devStates, { evidence: false }),
  ],
];
const positives = dev.filter((note) => inLabels(note).length > 0).length;
console.log(
  `\nCodiEsp-D en dev (${dev.length} notes, ${positives} with a top-${codes.length} code), ${codes.length} codes:\n`,
);
console.log('| model | micro-F1 | macro-AUC | MAP |\n| --- | ---: | ---: | ---: |');
for (const [name, predict] of rows) {
  const s = score(await predict());
  console.log(`| ${name} | ${s.microF1.toFixed(3)} | ${s.macroAuc.toFixed(3)} | ${s.map.toFixed(3)} |`);
}
console.log();

// 8. Evidence: the top code of the first dev note that has one of the N codes, with its attended spans.
const note = devStates.find((cached) => inLabels(cached).length > 0) ?? devStates[0]!;
const [prediction] = await knowledgeInjected.predictCached([note as CachedNote], {
  topK: 1,
  threshold: 0, // predict the top code whatever its score, so that it gets evidence
  maxEvidence: 3,
});
const top = prediction!.ranked[0]!;
const description =
  table.get(top.code)?.longDescription ?? table.get(top.code.split('.')[0]!)?.longDescription;
log(
  `note ${note.id} (gold: ${inLabels(note).join(' ') || 'none of the N'}): top code ${top.code} ` +
    `"${description ?? '?'}" score ${top.score.toFixed(3)}, ${top.evidence.length} evidence span(s) (${prediction!.evidenceSource}):`,
);
for (const span of top.evidence) {
  console.log(`  [${span.start}, ${span.end}) score ${span.score.toFixed(3)}: "${span.text}"`);
  if (note.text.slice(span.start, span.end) !== span.text)
    failures.push(`evidence [${span.start}, ${span.end}) is not the note's text`);
}
if (top.evidence.length === 0) failures.push('no evidence span for the top code');

// A HeadCoder's dispose() frees its head and its encoder; the two share one encoder here.
labelAttention.head.dispose();
knowledgeInjected.dispose();
lexical.dispose();
if (tf.memory().numTensors !== 0) failures.push(`${tf.memory().numTensors} tensors left after dispose`);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
log('all checks passed');
