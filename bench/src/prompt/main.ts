/**
 * Benchmark of @icd/prompt on the MDR-BERT study's task: 13 cardiovascular ICD-10 codes, single-label,
 * on the synthetic cardiology corpus of @icd/data. A small BERT is pretrained (masked LM) on notes that
 * are not in the test split (cached under checkpoints/prompt-bench/), then every combination of
 * manual / soft / mixed template × manual / soft verbalizer is trained with a tunable PLM, early
 * stopping on a validation split carved from train, and scored once on test (accuracy, micro-F1,
 * macro-AUC with bootstrap 95% intervals), beside the naive-Bayes baseline of @icd/data on the same
 * split. Then speed: prediction notes/s at 256 and 512 tokens against the plain encoder forward, and
 * training examples/s. Writes docs/benchmarks/prompt.md.
 *
 * Run: pnpm bench prompt   (ICD_PROMPT_BENCH_QUICK=1 for a smoke run that writes nothing to docs/)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '@icd/bert';
import { BertForMaskedLM } from '@icd/bert/node';
import type { ClinicalNote } from '@icd/core';
import { generateCardiologyCorpus, MDR_BERT_CODES, stratifiedSplit } from '@icd/data';
import { bootstrapConfidenceInterval, f1Score, rocAucScore } from '@icd/metrics';
import {
  ManualTemplate,
  ManualVerbalizer,
  MixedTemplate,
  type PromptBatch,
  PromptForClassification,
  SoftTemplate,
  SoftVerbalizer,
  type Template,
  trainPromptModel,
  type Verbalizer,
} from '@icd/prompt';
import { Tokenizer, WordPieceTrainer } from '@icd/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
// The same baseline the data package's tests and bench use (test support, not published).
import { naiveBayesAccuracy } from '../../../packages/data/test/naive-bayes.js';
import { pretrainedBert } from './pretrain-mlm.js';

const quick = process.env.ICD_PROMPT_BENCH_QUICK === '1';
const seed = 21;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cache = join(root, 'checkpoints', 'prompt-bench', quick ? 'quick' : 'full');
const lines: string[] = [];
const out = (line = '') => {
  console.log(line);
  lines.push(line);
};
const load = () => loadavg()[0]!.toFixed(1);
const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const backend = await selectBackend();
out(`## @icd/prompt benchmark (${new Date().toISOString().slice(0, 10)})`);
out();
out(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, tfjs backend \`${backend.backend}\`. ` +
    `Load average at start: ${load()} (a shared machine: timings are noisy, compare within one run).`,
);
out(`Command: \`pnpm bench prompt\` (bench/src/prompt/main.ts)${quick ? ', QUICK smoke settings' : ''}.`);
out();

// 1. Data: test split first; validation carved from train (never test); pretraining text excludes test.
// Sized for a shared 2-core machine under heavy load (a few CPU-minutes): short notes, a 64-token window.
const sizes = quick
  ? {
      corpus: 260,
      unlabelled: 200,
      steps: 30,
      epochs: 1,
      words: [20, 50] as [number, number],
      window: 64,
      hidden: 64,
    }
  : {
      corpus: 330,
      unlabelled: 600,
      steps: 100,
      epochs: 12,
      words: [20, 50] as [number, number],
      window: 96,
      hidden: 64,
    };
const label = (note: ClinicalNote) => note.codes[0]!;
const corpus = generateCardiologyCorpus({ size: sizes.corpus, seed, words: sizes.words });
const outer = stratifiedSplit(corpus, { seed, label, ratios: { train: 2, test: 1 } });
const inner = stratifiedSplit(outer.parts.train!, {
  seed: seed + 1,
  label,
  ratios: { train: 4, validation: 1 },
});
const [train, validation, test] = [inner.parts.train!, inner.parts.validation!, outer.parts.test!];
const unlabelled = generateCardiologyCorpus({ size: sizes.unlabelled, seed: seed + 100, words: sizes.words });
const pretrainingTexts = [...unlabelled, ...train, ...validation].map((note) => note.text);
out('### Task and protocol');
out();
out(
  `Synthetic cardiology notes (\`generateCardiologyCorpus\`, seed ${seed}, ${sizes.words[0]}–${sizes.words[1]} words, a ${sizes.window}-token window): ${train.length} train, ${validation.length} validation ` +
    `(carved from train by \`stratifiedSplit\`), ${test.length} test; 13 codes (the study's Table 1), one per note. ` +
    'Hyperparameters, early stopping and the best epoch are chosen on validation only; test is scored once per configuration.',
);
out();

// 2. Vocabulary and PLM (cached).
mkdirSync(cache, { recursive: true });
let tokenizer: Tokenizer;
try {
  tokenizer = Tokenizer.fromJSON(
    (await import('node:fs')).readFileSync(join(cache, 'plm', 'tokenizer.json'), 'utf8'),
  );
} catch {
  tokenizer = (
    await new WordPieceTrainer({ vocabSize: 3000, minFrequency: 2 }).train(pretrainingTexts)
  ).toTokenizer();
}
const { plm: pretrained, report } = await pretrainedBert(join(cache, 'plm'), tokenizer, pretrainingTexts, {
  steps: sizes.steps,
  batchSize: 16,
  length: sizes.window,
  seed,
  hiddenSize: sizes.hidden,
});
const plmConfig = pretrained.config;
pretrained.dispose();
out('### The PLM');
out();
out(
  `BERT with hidden ${plmConfig.hiddenSize}, ${plmConfig.numHiddenLayers} layers, ${plmConfig.numAttentionHeads} heads, intermediate ${plmConfig.intermediateSize}, ` +
    `${plmConfig.maxPositionEmbeddings} positions, a ${tokenizer.vocabSize}-token WordPiece vocabulary trained on the pretraining text ` +
    `(${pretrainingTexts.length} notes: ${unlabelled.length} extra synthetic notes + train + validation, never test). ` +
    (report.cached
      ? `Loaded from the cache \`${join('checkpoints', 'prompt-bench', quick ? 'quick' : 'full', 'plm')}\` (delete it to retrain).`
      : `Masked-LM pretraining: ${report.steps} steps of 16 × ${sizes.window} tokens in ${fixed(report.seconds, 0)} s; loss ${fixed(report.firstLoss, 2)} → ${fixed(report.lastLoss, 2)}; ` +
        `masked-token accuracy on a fresh masking of 64 training notes ${fixed(report.maskedAccuracy)}.`),
);
out();
console.log(`[${elapsed()}] PLM ready (load ${load()})`);

// 3. The grid.
const classes = MDR_BERT_CODES.map((code) => code.code);
const labelWords = Object.fromEntries(MDR_BERT_CODES.map((code) => [code.code, [code.name.toLowerCase()]]));
const templates = {
  manual: '{"placeholder":"text_a"} the patient can be diagnosed as {"mask"} .',
  soft: '{"placeholder":"text_a"} {"mask"} .',
  // The study's mixed template (Results, "Mixed template").
  mixed: '{"placeholder": "text_a"} patient {"soft": "can be diagnosed as "} {"mask"}.',
} as const;
const loadPlm = () => BertForMaskedLM.fromPretrained(join(cache, 'plm'), { tokenizer });

function buildTemplate(kind: keyof typeof templates, plm: BertForMaskedLM, maxLength: number): Template {
  const options = { tokenizer, text: templates[kind], maxLength };
  if (kind === 'manual') return new ManualTemplate(options);
  if (kind === 'soft') return new SoftTemplate({ ...options, model: plm, numTokens: 8 });
  return new MixedTemplate({ ...options, model: plm, seed });
}

function buildVerbalizer(kind: 'manual' | 'soft', plm: BertForMaskedLM): Verbalizer {
  return kind === 'manual'
    ? new ManualVerbalizer({ tokenizer, classes, labelWords, multiTokenHandler: 'mean' })
    : new SoftVerbalizer({ tokenizer, classes, labelWords, model: plm });
}

const toExamples = (notes: readonly ClinicalNote[]) =>
  notes.map((note) => ({ input: note.text, labels: note.codes[0]! }));
const truthIndex = test.map((note) => classes.indexOf(note.codes[0]!));
const oneHot = (index: number) => classes.map((_, j) => (j === index ? 1 : 0));

interface Scores {
  accuracy: ReturnType<typeof bootstrapConfidenceInterval>;
  microF1: ReturnType<typeof bootstrapConfidenceInterval>;
  macroAuc: ReturnType<typeof bootstrapConfidenceInterval>;
}

function score(probabilities: Float32Array[]): Scores {
  const predicted = probabilities.map((row) => row.indexOf(Math.max(...row)));
  const pick = <T>(values: readonly T[], indices: Uint32Array) => Array.from(indices, (i) => values[i]!);
  const options = { resamples: quick ? 50 : 500, seed };
  return {
    accuracy: bootstrapConfidenceInterval(
      test.length,
      (idx) => pick(predicted, idx).filter((p, k) => p === truthIndex[idx[k]!]).length / idx.length,
      options,
    ),
    microF1: bootstrapConfidenceInterval(
      test.length,
      (idx) =>
        f1Score(pick(truthIndex, idx).map(oneHot), pick(predicted, idx).map(oneHot), { average: 'micro' }),
      options,
    ),
    macroAuc: bootstrapConfidenceInterval(
      test.length,
      (idx) =>
        rocAucScore(
          pick(truthIndex, idx).map(oneHot),
          pick(probabilities, idx).map((row) => Array.from(row)),
          { average: 'macro', undefinedLabels: 'skip' },
        ),
      options,
    ),
  };
}

const interval = (value: ReturnType<typeof bootstrapConfidenceInterval>) =>
  `${fixed(value.estimate)} [${fixed(value.lower)}, ${fixed(value.upper)}]`;
const rows: string[] = [];
let best: { name: string; accuracy: number } | undefined;
for (const templateKind of ['manual', 'soft', 'mixed'] as const) {
  for (const verbalizerKind of ['manual', 'soft'] as const) {
    const plm = await loadPlm();
    const template = buildTemplate(templateKind, plm, sizes.window);
    const verbalizer = buildVerbalizer(verbalizerKind, plm);
    const model = new PromptForClassification({ template, plm, verbalizer });
    const trainable = [...template.weights.values(), ...verbalizer.weights.values()].reduce(
      (n, v) => n + v.size,
      0,
    );
    const result = await trainPromptModel(model, toExamples(train), {
      epochs: sizes.epochs,
      batchSize: 16,
      learningRates: { plm: 2e-3 },
      validation: { examples: toExamples(validation), patience: 2 },
      seed,
    });
    const probabilities = await model.predictProbabilities(test.map((note) => note.text));
    const scores = score(probabilities);
    const name = `${templateKind} template + ${verbalizerKind} verbalizer`;
    if (!best || scores.accuracy.estimate > best.accuracy)
      best = { name, accuracy: scores.accuracy.estimate };
    rows.push(
      `| ${templateKind} | ${verbalizerKind} | ${trainable.toLocaleString('en')} | ${fixed(result.validation?.accuracy ?? Number.NaN)} (step ${result.best?.step ?? '—'}) | ` +
        `${interval(scores.accuracy)} | ${interval(scores.microF1)} | ${interval(scores.macroAuc)} | ${fixed(result.tokensPerSecond, 1)} | ${(result.truncationRate * 100).toFixed(0)}% |`,
    );
    console.log(`[${elapsed()}] ${name}: test accuracy ${fixed(scores.accuracy.estimate)} (load ${load()})`);
    if (!quick)
      writeFileSync(
        join(root, 'docs', 'benchmarks', 'prompt.md'),
        `${[...lines, '(partial run: grid rows so far)', '', ...rows].join('\n')}\n`,
      );
    model.dispose();
  }
}
const naiveBayes = naiveBayesAccuracy(train, test);
const majority = (() => {
  const counts = new Map<string, number>();
  for (const note of train) counts.set(note.codes[0]!, (counts.get(note.codes[0]!) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  return test.filter((note) => note.codes[0] === top).length / test.length;
})();
out('### Manual, soft and mixed templates × manual and soft verbalizers (tunable PLM)');
out();
out(
  `Each run starts from the same pretrained PLM; ${sizes.epochs} epochs of batch 16 at ${sizes.window} tokens, learning rates PLM 2e-3 (AdamW), ` +
    "soft tokens 0.3 (Adafactor, no relative step), verbalizer 7e-3 (AdamW) — the study's Table 2 optimum for the last two —, " +
    "linear warm-up 10% then decay; the weights of the best validation accuracy are restored (patience 2). Label words: each code's name " +
    '(`MDR_BERT_CODES`, mean over its word pieces); the soft verbalizer starts Θ from them. Test figures with bootstrap 95% intervals ' +
    `(${quick ? 50 : 500} resamples); micro-F1 of one code per note equals accuracy.`,
);
out();
out(
  '| template | verbalizer | prompt parameters | validation accuracy (best step) | test accuracy [95% CI] | test micro-F1 [95% CI] | test macro-AUC [95% CI] | training examples/s | notes shortened |',
);
out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) out(row);
out(
  `| naive Bayes (@icd/data, words) | — | — | — | ${fixed(naiveBayes)} | ${fixed(naiveBayes)} | — | — | — |`,
);
out(`| majority class | — | — | — | ${fixed(majority)} | — | 0.500 | — | — |`);
out();
out(
  `Best on test: ${best?.name}. The study found mixed template + soft verbalizer best on real notes (micro-F1 0.838 with MDR-BERT).`,
);
out();

// 4. Speed: prediction at 256 and 512 tokens vs the plain encoder forward; training at 256 tokens.
out('### Speed');
out();
const longNotes = generateCardiologyCorpus({ size: 16, seed: seed + 7, words: [700, 900] }).map(
  (note) => note.text,
);
out(
  '| tokens | prompt forward (mixed + soft) notes/s | plain encoder forward notes/s | prompt / encoder | predict end to end (tokenize, wrap, forward) notes/s | prompt training examples/s |',
);
out('| --- | --- | --- | --- | --- | --- |');
for (const length of [256, 512]) {
  const plm = await loadPlm();
  const template = buildTemplate('mixed', plm, length);
  const model = new PromptForClassification({
    template,
    plm,
    verbalizer: buildVerbalizer('soft', plm),
    batchSize: 8,
  });
  await model.predictProbabilities(longNotes.slice(0, 8)); // warm-up
  let begin = performance.now();
  await model.predictProbabilities(longNotes);
  const predictRate = longNotes.length / ((performance.now() - begin) / 1000);
  // Same pre-wrapped batches for both: the prompt forward (template embeddings + encoder + mask gather +
  // head transform + Θ) against the encoder alone, so tokenization is not in either figure.
  const wrapped: PromptBatch[] = [];
  for (let i = 0; i < longNotes.length; i += 8) wrapped.push(template.wrapBatch(longNotes.slice(i, i + 8)));
  const ids = wrapped.map((batch) =>
    tf.tensor2d(batch.inputIds.data, batch.inputIds.shape as [number, number], 'int32'),
  );
  const encoder = async (input: tf.Tensor2D) => {
    const { lastHiddenState } = plm.forward({ inputIds: input });
    await lastHiddenState.data();
    lastHiddenState.dispose();
  };
  const prompt = async (batch: (typeof wrapped)[number]) => {
    const scores = model.forward(batch);
    await scores.data();
    scores.dispose();
  };
  await encoder(ids[0]!);
  await prompt(wrapped[0]!);
  let promptSeconds = 0;
  let encoderSeconds = 0;
  // Interleaved, so both see the same machine load.
  for (const [i, batch] of wrapped.entries()) {
    begin = performance.now();
    await prompt(batch);
    promptSeconds += (performance.now() - begin) / 1000;
    begin = performance.now();
    await encoder(ids[i]!);
    encoderSeconds += (performance.now() - begin) / 1000;
  }
  const promptRate = longNotes.length / promptSeconds;
  const encoderRate = longNotes.length / encoderSeconds;
  tf.dispose(ids);
  const training = await trainPromptModel(
    model,
    longNotes.slice(0, 16).map((text, i) => ({ input: text, labels: classes[i % classes.length]! })),
    { epochs: 1, batchSize: 8, seed },
  );
  out(
    `| ${length} | ${fixed(promptRate, 1)} | ${fixed(encoderRate, 1)} | ${fixed(promptRate / encoderRate, 2)} | ${fixed(predictRate, 1)} | ${fixed(training.tokensPerSecond, 2)} |`,
  );
  console.log(`[${elapsed()}] speed at ${length} tokens (load ${load()})`);
  model.dispose();
}
out();
out(
  `Prediction: ${longNotes.length} notes of 700–900 words, batches of 8, wrapped in the mixed template and cut to the window; the encoder column runs ` +
    '`plm.forward` on the same ids (no template, no verbalizer), interleaved batch by batch with the prompt forward; the end-to-end column adds tokenization and wrapping. Training: 16 notes, batch 8, one epoch, ' +
    `PLM tunable. Load average at the end: ${load()}; tfjs tensors alive: ${tf.memory().numTensors}; total ${elapsed()}.`,
);
out();

if (!quick) {
  const file = join(root, 'docs', 'benchmarks', 'prompt.md');
  writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`wrote ${file}`);
}
