/**
 * A few-shot learning curve on the synthetic cardiology corpus (the MDR-BERT study's 13 codes, one per
 * note), at tiny settings so that it runs in seconds:
 *
 *   synthetic notes (@icd/data), split train / test → a WordPiece vocabulary and a tiny BERT masked LM
 *   pretrained for a few steps on the train notes (@icd/bert, @icd/tokenizer) → for n = 1, 2, 4 notes
 *   per code (nested samples, `fewShotSample`) and the full train split:
 *     - prompt learning: mixed template + soft verbalizer, PLM tuned (`trainPromptModel`, @icd/prompt)
 *     - [CLS] fine-tuning: the same encoder + `ClsHead` (`trainHead`, @icd/heads)
 *     - naive Bayes (`naiveBayesPosteriors`, @icd/pipeline) and TF-IDF + logistic regression (`LexicalCoder`, @icd/heads)
 *   → test accuracy and macro-AUC (@icd/metrics) as a markdown table and an SVG plot.
 *
 * Every system uses a recipe fixed in advance (no tuning) and the test split is scored once per point.
 * The encoder is tiny and barely pretrained, so the neural rows show the mechanics, not the study's
 * figures (bench/src/prompt runs the full-size comparison on a pretrained CodiEsp encoder).
 *
 * Run: `pnpm --filter @icd/example-few-shot-curve start [--out DIR] [--keep] [--size full] [--encoder DIR]`.
 * Without `--out` the files go to a fresh temp folder that is removed at exit unless `--keep`.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BertConfig,
  BertForMaskedLM,
  BertModel,
  bertForMaskedLMPretrainable,
  MaskedLMTrainer,
  packSequences,
  registerWasmTrainingKernels,
  selectBackend,
} from '@icd/bert/node';
import type { ClinicalNote } from '@icd/core';
import { fewShotSample, generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { ClsHead, HeadCoder, LexicalCoder, trainHead } from '@icd/heads';
import { rocAucScore } from '@icd/metrics';
import { naiveBayesPosteriors } from '@icd/pipeline';
import { MixedTemplate, PromptForClassification, SoftVerbalizer, trainPromptModel } from '@icd/prompt';
import { type Tokenizer, WordPieceTrainer } from '@icd/tokenizer';
import { loadTokenizer } from '@icd/tokenizer/node';
import * as tf from '@tensorflow/tfjs-core';
import { lineChartSvg } from './svg-line-chart.js';

// `pnpm ... start -- --flag` passes the `--` through: drop it.
const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    size: { type: 'string', default: 'tiny' },
    encoder: { type: 'string' },
  },
});
if (args.size !== 'tiny' && args.size !== 'full') {
  console.error(`--size must be tiny or full; got ${JSON.stringify(args.size)}`);
  process.exit(2);
}
const full = args.size === 'full';
const settings = {
  notes: full ? 900 : 220,
  words: full ? ([20, 60] as const) : ([20, 35] as const),
  hidden: full ? 128 : 32,
  layers: 2,
  window: full ? 96 : 48,
  pretrainSteps: full ? 400 : 6,
  shots: full ? [1, 2, 4, 8, 16] : [1, 2, 4],
  /** Training examples seen per run (epochs = budget / train size, within [1, 12]). */
  budget: full ? 600 : 80,
};
const seed = 21;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
// CPU seconds next to wall seconds: on a shared machine the wall clock says little.
const cpu = () => (Object.values(process.cpuUsage()).reduce((a, b) => a + b, 0) / 1e6).toFixed(1);
const log = (line: string) => console.log(`[${seconds().padStart(5)} s, cpu ${cpu().padStart(5)} s] ${line}`);

await selectBackend();
registerWasmTrainingKernels(); // faster backward passes on wasm (the PLM and encoder are tuned)

// 1. Data: one code per note, long-tailed; a stratified test split scored once per point.
const classes = MDR_BERT_CODES.map((code) => code.code);
const corpus = generateCardiologyCorpus({ size: settings.notes, seed, words: settings.words });
const codeOf = (note: ClinicalNote) => note.codes[0]!;
const { parts } = stratifiedSplit(corpus, { seed, label: codeOf, ratios: { train: 2, test: 1 } });
const [train, test] = [parts.train!, parts.test!];
const truth = test.map((note) => classes.map((code) => (codeOf(note) === code ? 1 : 0)));
// The floor a model reaches by always answering the most frequent train code.
const trainCounts = classes.map((code) => train.filter((note) => codeOf(note) === code).length);
const majority = classes[trainCounts.indexOf(Math.max(...trainCounts))]!;
const majorityShare = test.filter((note) => codeOf(note) === majority).length / test.length;
log(
  `${train.length} train and ${test.length} test notes, ${classes.length} codes ` +
    `(always answering the most frequent, ${majority}: test accuracy ${majorityShare.toFixed(3)})`,
);

// 2. The PLM: a pretrained BERT masked-LM folder (`--encoder DIR`), or a vocabulary and a tiny BERT
// pretrained for a few masked-LM steps on the train notes here. Every run starts from these bytes.
interface Plm {
  readonly tokenizer: Tokenizer;
  readonly weightBytes: Uint8Array;
  readonly configJson: Record<string, unknown>;
  readonly description: string;
}
async function tinyPlm(): Promise<Plm> {
  const texts = train.map((note) => note.text);
  const tokenizer = (
    await new WordPieceTrainer({ vocabSize: 1000, minFrequency: 2 }).train(texts)
  ).toTokenizer();
  const config = new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: settings.hidden,
    numHiddenLayers: settings.layers,
    numAttentionHeads: 2,
    intermediateSize: settings.hidden * 2,
    maxPositionEmbeddings: 128,
  });
  const pretrained = new BertForMaskedLM(config, { seed, tokenizer });
  const pretraining = new MaskedLMTrainer(
    bertForMaskedLMPretrainable(pretrained),
    () => packSequences(texts, tokenizer, { maxLength: 64 }),
    {
      totalSteps: settings.pretrainSteps,
      batchSize: full ? 16 : 8,
      learningRate: 1e-3,
      warmupRatio: 0.1,
      seed,
      maskTokenId: tokenizer.tokenToId('[MASK]')!,
      padTokenId: tokenizer.tokenToId('[PAD]')!,
      progress: false,
    },
  );
  const result = await pretraining.train();
  pretraining.dispose();
  const files = await pretrained.toPretrainedFiles();
  pretrained.dispose();
  const random = Math.log(tokenizer.vocabSize);
  log(
    `tiny BERT (hidden ${settings.hidden}, ${settings.layers} layers, vocabulary ${tokenizer.vocabSize}): ` +
      `${result.step} masked-LM steps, loss ${result.meanLoss.toFixed(2)} ` +
      `(ln ${tokenizer.vocabSize} = ${random.toFixed(2)} for a random guess` +
      `${result.meanLoss > 0.9 * random ? ': still close to a random encoder' : ''})`,
  );
  return {
    tokenizer,
    weightBytes: files['model.safetensors'] as Uint8Array,
    configJson: JSON.parse(files['config.json'] as string) as Record<string, unknown>,
    description: `tiny BERT (hidden ${settings.hidden}, ${settings.layers} layers) pretrained for ${result.step} masked-LM steps here`,
  };
}
async function folderPlm(dir: string): Promise<Plm> {
  const configJson = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const plm: Plm = {
    tokenizer: loadTokenizer(dir),
    weightBytes: await readFile(join(dir, 'model.safetensors')),
    configJson,
    description: `${dir} (hidden ${configJson.hidden_size}, ${configJson.num_hidden_layers} layers)`,
  };
  log(`PLM ${plm.description}`);
  return plm;
}
// Paths are relative to where pnpm was run (INIT_CWD), not to this package.
const { tokenizer, weightBytes, configJson, description } = args.encoder
  ? await folderPlm(resolve(process.env.INIT_CWD ?? process.cwd(), args.encoder))
  : await tinyPlm();
const hiddenSize = Number(configJson.hidden_size);

// 3. The systems. Each returns test probabilities, notes × classes, in `classes` order.
type Probabilities = readonly ArrayLike<number>[];
const epochsFor = (size: number) => Math.min(12, Math.max(1, Math.ceil(settings.budget / size)));

async function promptLearning(sample: readonly ClinicalNote[]): Promise<Probabilities> {
  const plm = await BertForMaskedLM.fromSafetensors(weightBytes, configJson);
  plm.tokenizer = tokenizer;
  const template = new MixedTemplate({
    tokenizer,
    model: plm,
    text: '{"placeholder": "text_a"} patient {"soft": "can be diagnosed as "} {"mask"}.',
    maxLength: settings.window,
    seed,
  });
  const verbalizer = new SoftVerbalizer({
    tokenizer,
    model: plm,
    classes,
    labelWords: Object.fromEntries(MDR_BERT_CODES.map((code) => [code.code, [code.name.toLowerCase()]])),
  });
  const model = new PromptForClassification({ template, plm, verbalizer });
  try {
    await trainPromptModel(
      model,
      sample.map((note) => ({ input: note.text, labels: codeOf(note) })),
      {
        epochs: epochsFor(sample.length),
        batchSize: 8,
        learningRates: { plm: 2e-3, verbalizer: 7e-3 },
        seed,
      },
    );
    return await model.predictProbabilities(test.map((note) => note.text));
  } finally {
    model.dispose();
  }
}

async function clsFineTuning(sample: readonly ClinicalNote[]): Promise<Probabilities> {
  const encoder = await BertModel.fromSafetensors(weightBytes, configJson);
  const head = new ClsHead({
    labels: classes,
    hiddenSize,
    problemType: 'single_label',
    seed,
  });
  const windows = { windowLength: settings.window, maxWindows: 1 };
  try {
    await trainHead(
      head,
      sample.map((note) => ({ text: note.text, codes: codeOf(note) })),
      {
        encoder,
        tokenizer,
        ...windows,
        epochs: epochsFor(sample.length),
        batchSize: 8,
        learningRate: 7e-3,
        encoderLearningRate: 2e-3,
        seed,
      },
    );
    const coder = new HeadCoder({ encoder, tokenizer, head, ...windows });
    const predictions = await coder.predict(test, { evidence: false });
    return predictions.map((prediction) => {
      const score = new Map(prediction.ranked.map((entry) => [entry.code, entry.score]));
      return classes.map((code) => score.get(code) ?? 0);
    });
  } finally {
    head.dispose();
    encoder.dispose();
  }
}

function naiveBayes(sample: readonly ClinicalNote[]): Probabilities {
  return naiveBayesPosteriors(
    sample.map((note) => ({ text: note.text, label: codeOf(note) })),
    classes,
    test.map((note) => note.text),
  );
}

function tfidfLogistic(sample: readonly ClinicalNote[]): Probabilities {
  const coder = LexicalCoder.train(
    sample.map((note) => ({ text: note.text, codes: [codeOf(note)] })),
    { minDf: 1, minNotesPerCode: 1 },
  );
  const { data, cols } = coder.scores(test.map((note) => note.text));
  const column = new Map(coder.labels.map((code, j) => [code, j]));
  return test.map((_, i) =>
    classes.map((code) => (column.has(code) ? data[i * cols + column.get(code)!]! : 0)),
  );
}

const systems = [
  { name: 'prompt (mixed + soft)', color: '#d95f02', run: promptLearning },
  { name: '[CLS] fine-tuning', color: '#7570b3', run: clsFineTuning },
  { name: 'naive Bayes', color: '#1b9e77', dashed: true, run: naiveBayes },
  { name: 'TF-IDF + LR', color: '#666666', dashed: true, run: tfidfLogistic },
] as const;

// 4. Scores: top-1 accuracy (= micro-F1 for one code per note) and macro-AUC over the codes present.
const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
};
function score(probabilities: Probabilities) {
  const rows = probabilities.map((row) => Array.from(row));
  const problems: string[] = [];
  if (rows.length !== test.length) problems.push(`${rows.length} rows for ${test.length} notes`);
  if (rows.some((row) => row.length !== classes.length || row.some((p) => !(p >= 0 && p <= 1))))
    problems.push('a probability outside [0, 1] or a row of the wrong length');
  const accuracy = rows.filter((row, i) => truth[i]![argmax(row)] === 1).length / test.length;
  const macroAuc = rocAucScore(truth, rows, { average: 'macro', undefinedLabels: 'skip' }) as number;
  return { accuracy, macroAuc, problems };
}

const points = [...settings.shots, 'full' as const];
const results = new Map<string, { accuracy: number; macroAuc: number }[]>();
const failures: string[] = [];
const tensorsBefore = tf.memory().numTensors;
for (const n of points) {
  const sample =
    n === 'full' ? train : fewShotSample(train, { n, seed, label: codeOf, perClass: true }).items;
  const line: string[] = [];
  for (const system of systems) {
    const scores = score(await system.run(sample));
    for (const problem of scores.problems) failures.push(`${system.name} at n = ${n}: ${problem}`);
    results.set(system.name, [...(results.get(system.name) ?? []), scores]);
    line.push(`${system.name} ${scores.accuracy.toFixed(3)}`);
  }
  log(`n = ${String(n).padEnd(4)} (${String(sample.length).padStart(3)} notes): ${line.join(', ')}`);
}
if (tf.memory().numTensors !== tensorsBefore)
  failures.push(`tensors leaked: ${tf.memory().numTensors - tensorsBefore}`);

// 5. Table and plot.
const header = points.map((n) => (n === 'full' ? `full (${train.length})` : `${n}/code`));
const table = [
  `| system | ${header.join(' | ')} |`,
  `| --- | ${header.map(() => '---:').join(' | ')} |`,
  ...systems.map(
    (system) =>
      `| ${system.name} | ${results
        .get(system.name)!
        .map((s) => `${s.accuracy.toFixed(3)} / ${s.macroAuc.toFixed(3)}`)
        .join(' | ')} |`,
  ),
].join('\n');
const markdown = [
  '# Few-shot learning curve (synthetic cardiology, 13 codes)',
  '',
  `Test accuracy / macro-AUC on ${test.length} held-out notes; n notes per code for training (nested samples, seed ${seed}).`,
  `PLM / encoder: ${description} (\`--size ${args.size}\`).`,
  `Always answering the most frequent train code (${majority}) scores ${majorityShare.toFixed(3)} accuracy.`,
  '',
  table,
  '',
  '![few-shot curve](few-shot-curve.svg)',
  '',
].join('\n');
const svg = lineChartSvg({
  title: 'Few-shot learning curve, synthetic cardiology (13 codes)',
  xLabel: 'training notes per code',
  yLabel: 'test accuracy',
  categories: points.map((n) => (n === 'full' ? 'full' : String(n))),
  series: systems.map((system) => ({
    name: system.name,
    color: system.color,
    ...('dashed' in system ? { dashed: system.dashed } : {}),
    values: results.get(system.name)!.map((s) => s.accuracy),
  })),
});

// Relative to where pnpm was run (INIT_CWD), not to this package.
const outDir = args.out
  ? resolve(process.env.INIT_CWD ?? process.cwd(), args.out)
  : await mkdtemp(join(tmpdir(), 'icd-few-shot-curve-'));
const temporary = args.out === undefined && !args.keep;
try {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'few-shot-curve.md'), markdown);
  await writeFile(join(outDir, 'few-shot-curve.svg'), svg);
  console.log(`\n${table}\n`);
  log(
    `wrote few-shot-curve.md and few-shot-curve.svg to ${outDir}` +
      (temporary ? ' (a temp folder, removed now: pass --out DIR or --keep to keep them)' : ''),
  );

  // 6. Checks (CI): every score valid; the bag-of-words baselines learn the corpus from the full split.
  const chance = 1 / classes.length;
  for (const name of ['naive Bayes', 'TF-IDF + LR']) {
    const fullScore = results.get(name)!.at(-1)!;
    if (!(fullScore.accuracy > 3 * chance))
      failures.push(`${name} on the full split: accuracy ${fullScore.accuracy.toFixed(3)} ≤ 3 × chance`);
  }
  const paths = svg.match(/<path /g)?.length ?? 0;
  if (!svg.startsWith('<svg') || !svg.trimEnd().endsWith('</svg>') || paths !== systems.length)
    failures.push(`the SVG is not a chart of ${systems.length} lines`);
} finally {
  if (temporary) await rm(outDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
log('all checks passed');
