/**
 * Masked-LM training throughput of @icd/bert (mini BERT: 4 layers, 256 hidden, 4 heads, 128 tokens,
 * batch 8, bert-base-uncased's 30,522-word vocabulary) on tfjs-wasm and tfjs-cpu, next to PyTorch on
 * the same configuration in the same run (torch_train_bench.py, /usr/bin/python3), and the projected
 * time of continued pretraining over the English CodiEsp corpus. Writes docs/benchmarks/bert-pretraining.md
 * (including the figures of the CodiEsp pretraining run in ./checkpoints/, when there is one).
 *
 *   pnpm bench bert-pretraining          (BENCH_STEPS=6 by default; BENCH_CPU_STEPS=1)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { BertConfig, BertForMaskedLM, selectBackend } from '@icd/bert';
import { loadTokenizer } from '@icd/tokenizer/node';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  bertForMaskedLMPretrainable,
  clipGradientNorm,
  listCorpusFiles,
  MaskedLMTrainer,
  packSequences,
  RandomGenerator,
  readCorpusDocuments,
  type TokenSequence,
} from './pretraining-api.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const shared = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const steps = Number(process.env.BENCH_STEPS ?? 6);
const cpuSteps = Number(process.env.BENCH_CPU_STEPS ?? 1);
const python = process.env.ICD_PYTHON ?? '/usr/bin/python3';
const mini = { layers: 4, hidden: 256, heads: 4, length: 128, batch: 8, vocab: 30522 };

interface Row {
  engine: string;
  head: string;
  stepSeconds: number;
  tokensPerSecond: number;
  note: string;
}

function syntheticSequences(count: number): TokenSequence[] {
  const random = new RandomGenerator(7);
  return Array.from({ length: count }, () => {
    const inputIds = new Int32Array(mini.length);
    const specialTokensMask = new Uint8Array(mini.length);
    for (let i = 1; i < mini.length - 1; i++) inputIds[i] = 1000 + random.nextInt(mini.vocab - 1000);
    inputIds[0] = 101;
    inputIds[mini.length - 1] = 102;
    specialTokensMask[0] = specialTokensMask[mini.length - 1] = 1;
    return { inputIds, specialTokensMask };
  });
}

async function measureTfjs(backend: 'wasm' | 'cpu', measuredSteps: number): Promise<Row> {
  const report = await selectBackend({ backend });
  const config = new BertConfig({
    vocabSize: mini.vocab,
    hiddenSize: mini.hidden,
    numHiddenLayers: mini.layers,
    numAttentionHeads: mini.heads,
    intermediateSize: mini.hidden * 4,
  });
  const model = new BertForMaskedLM(config, { seed: 1 });
  const data = syntheticSequences(mini.batch * (measuredSteps + 1));
  const trainer = new MaskedLMTrainer(bertForMaskedLMPretrainable(model), () => data, {
    totalSteps: measuredSteps + 1,
    batchSize: mini.batch,
    maskTokenId: 103,
    padTokenId: 0,
    learningRate: 1e-4,
    progress: false,
  });
  // wasm: one warm-up update first (kernel set-up, first allocations); cpu has none to amortise and a
  // mini step there takes minutes on a shared 2-core machine.
  if (backend === 'wasm') await trainer.train({ maxSteps: 1 });
  const result = await trainer.train({ maxSteps: measuredSteps });
  const memory = tf.memory();
  trainer.dispose();
  // The optimizer's share of a step: clipping + AdamW over every parameter, timed alone on random gradients.
  const pretrainable = bertForMaskedLMPretrainable(model);
  const optimizer = new AdamW(pretrainable.weights);
  const gradients = new Map(
    [...pretrainable.weights].map(([name, variable]) => [name, tf.randomNormal(variable.shape)]),
  );
  let optimizerSeconds = Number.POSITIVE_INFINITY;
  for (let repeat = 0; repeat < 3; repeat++) {
    const start = performance.now();
    const clipped = clipGradientNorm(gradients, 1);
    optimizer.applyGradients(clipped.gradients, 1e-4);
    await [...pretrainable.weights.values()].at(-1)!.data();
    optimizerSeconds = Math.min(optimizerSeconds, (performance.now() - start) / 1000);
    tf.dispose([...clipped.gradients.values()]);
  }
  tf.dispose([...gradients.values()]);
  optimizer.dispose();
  model.dispose();
  const stepSeconds = result.seconds / measuredSteps;
  const note = `${backend === 'wasm' ? `SIMD ${report.simd}, threads ${report.multiThreaded ? 'on' : 'off'}; ` : ''}${measuredSteps} steps; clip + AdamW ${(optimizerSeconds * 1000).toFixed(0)} ms (${((100 * optimizerSeconds) / stepSeconds).toFixed(0)}% of a step); tf.memory ${memory.numTensors} tensors, ${(memory.numBytes / 2 ** 20).toFixed(0)} MiB`;
  return {
    engine: `tfjs-${backend}`,
    head: 'masked positions',
    stepSeconds,
    tokensPerSecond: result.tokensPerSecond,
    note,
  };
}

function measureTorch(head: 'masked' | 'full', threads: number): Row | undefined {
  const script = join(import.meta.dirname, 'torch_train_bench.py');
  const run = spawnSync(
    python,
    [
      script,
      '--head',
      head,
      '--steps',
      String(steps),
      '--threads',
      String(threads),
      '--layers',
      String(mini.layers),
      '--hidden',
      String(mini.hidden),
      '--length',
      String(mini.length),
      '--batch',
      String(mini.batch),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) {
    console.warn(`PyTorch reference skipped (${python}): ${run.stderr.slice(-300)}`);
    return undefined;
  }
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    medianStepSeconds: number;
    tokensPerSecond: number;
    torch: string;
    threads: number;
  };
  return {
    engine: `PyTorch ${result.torch} (${result.threads} thread${result.threads === 1 ? '' : 's'})`,
    head: head === 'masked' ? 'masked positions' : 'all positions (HF BertForMaskedLM)',
    stepSeconds: result.medianStepSeconds,
    tokensPerSecond: result.tokensPerSecond,
    note: `median of ${steps} steps`,
  };
}

async function corpusSize(): Promise<{ files: number; sequences: number; tokens: number } | undefined> {
  const directories = ['background', 'train'].map((split) =>
    join(shared, 'data/codiesp', split, 'text_files_en'),
  );
  if (!directories.every((directory) => existsSync(directory))) return undefined;
  const tokenizer = loadTokenizer(join(shared, 'models/bert-base-uncased'));
  const files = await listCorpusFiles(directories);
  let sequences = 0;
  let tokens = 0;
  for await (const sequence of packSequences(readCorpusDocuments(files), tokenizer, {
    maxLength: mini.length,
  })) {
    sequences++;
    tokens += sequence.inputIds.length;
  }
  return { files: files.length, sequences, tokens };
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function demonstrationSection(): string {
  const directory = join(repositoryRoot, 'checkpoints');
  const manifests = existsSync(directory)
    ? readdirSync(directory)
        .map((name) => join(directory, name, 'manifest.json'))
        .filter((file) => existsSync(file))
    : [];
  if (manifests.length === 0) {
    return '\n_No CodiEsp pretraining run found in ./checkpoints/: run `bench/src/bert-pretraining/pretrain-codiesp.ts` (see docs/guide/bert-pretraining.md)._\n';
  }
  const lines = ['', '### CodiEsp pretraining runs (from ./checkpoints/*/manifest.json)', ''];
  lines.push(
    '| run | model | tokenizer | steps × batch | time | tokens/s | dev loss before → after | dev masked-token accuracy before → after |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const file of manifests) {
    const m = JSON.parse(readFileSync(file, 'utf8'));
    const c = m.config;
    lines.push(
      `| ${file.split('/').at(-2)} | ${c.num_hidden_layers} × ${c.hidden_size}, vocab ${c.vocab_size} | ${m.tokenizer} | ${m.result.steps} × ${m.training.batchSize} (${m.training.epochsSeen.toFixed(2)} epochs) | ${formatDuration(m.result.seconds)} | ${Math.round(m.result.tokensPerSecond)} | ${m.devBefore.loss.toFixed(3)} → **${m.devAfter.loss.toFixed(3)}** | ${(m.devBefore.accuracy * 100).toFixed(2)}% → **${(m.devAfter.accuracy * 100).toFixed(2)}%** |`,
    );
    lines.push(
      '',
      `Command: \`${m.command}\`; seed ${m.seed}; ${m.started} → ${m.finished}; git ${m.gitCommit}; dev: ${m.devAfter.maskedTokens} masked tokens of ${m.devAfter.sequences} held-out sequences, same masks before and after.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

const rows: Row[] = [];
rows.push(await measureTfjs('wasm', steps));
console.log(rows.at(-1));
rows.push(await measureTfjs('cpu', cpuSteps));
console.log(rows.at(-1));
for (const [head, threads] of [
  ['masked', 1],
  ['masked', 2],
  ['full', 2],
] as const) {
  const row = measureTorch(head, threads);
  if (row) rows.push(row);
  console.log(row);
}
const corpus = await corpusSize();
const wasm = rows[0]!;
const torchBest = rows
  .filter((row) => row.engine.startsWith('PyTorch') && row.head === 'masked positions')
  .sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];

const date = new Date().toISOString();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
const table = [
  '| engine | MLM head on | s / step | tokens/s | vs tfjs-wasm | notes |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (row) =>
      `| ${row.engine} | ${row.head} | ${row.stepSeconds.toFixed(2)} | ${Math.round(row.tokensPerSecond)} | ${(row.tokensPerSecond / wasm.tokensPerSecond).toFixed(2)}× | ${row.note} |`,
  ),
].join('\n');
let projection = '\n_CodiEsp not found under ../shared: no projection._\n';
if (corpus) {
  const epoch = (tokensPerSecond: number) => corpus.tokens / tokensPerSecond;
  projection = [
    '',
    `Corpus: CodiEsp background + train \`text_files_en\`, ${corpus.files} notes → ${corpus.sequences} packed sequences of ${mini.length} bert-base-uncased tokens (${corpus.tokens.toLocaleString('en-US')} tokens).`,
    '',
    "| engine | one epoch | 15 epochs (MDR-BERT's schedule) |",
    '| --- | --- | --- |',
    `| tfjs-wasm (this run) | ${formatDuration(epoch(wasm.tokensPerSecond))} | ${formatDuration(15 * epoch(wasm.tokensPerSecond))} |`,
    ...(torchBest
      ? [
          `| ${torchBest.engine} | ${formatDuration(epoch(torchBest.tokensPerSecond))} | ${formatDuration(15 * epoch(torchBest.tokensPerSecond))} |`,
        ]
      : []),
    '',
    'MDR-BERT used 512-token windows, batch 32, lr 2e-5, 15 epochs on 575,632 notes with two V100 GPUs; at 512 tokens attention costs more per token, so these 128-token figures are a lower bound.',
  ].join('\n');
}
const markdown = `# @icd/bert: masked-LM pretraining benchmarks

Written by \`pnpm bench bert-pretraining\` (bench/src/bert-pretraining/main.ts) on ${date}.
Machine: ${machine}; Node ${process.version}. Shared and noisy: compare the rows of one run, not runs.

## Training throughput: mini BERT (4 layers, 256 hidden, 4 heads), 128 tokens, batch 8

One optimizer update = forward + backward of BertForMaskedLM with 15% masking + global-norm clipping +
AdamW, on random ids over bert-base-uncased's 30,522-word vocabulary, dropout 0.1. tfjs: mean over
${steps} updates after one warm-up update (wasm) and ${cpuSteps} without (cpu); PyTorch: median of ${steps} after 2
(bench/src/bert-pretraining/torch_train_bench.py, the same architecture written out with HF's equations).

${table}

## Projected continued pretraining over CodiEsp
${projection}
${demonstrationSection()}`;
writeFileSync(join(repositoryRoot, 'docs/benchmarks/bert-pretraining.md'), markdown);
console.log(markdown);
