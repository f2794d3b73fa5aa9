/**
 * Tokenizer benchmark: @icd/tokenizer vs HuggingFace's Rust `tokenizers` binding vs
 * `@huggingface/transformers` (transformers.js) on the same bert-base-uncased files and the whole English
 * CodiEsp corpus (train, dev, test, background: tokenization only, nothing is tuned). Each implementation
 * and mode runs in its own child process so its peak RSS is its own. Writes docs/benchmarks/tokenizer.md.
 *
 * Run: pnpm bench tokenizer   (ICD_SHARED_DIR overrides ../shared; BENCH_REPEATS, default 3)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../..');
const sharedDir = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const modelDir = join(sharedDir, 'models/bert-base-uncased');
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const batchSize = 32;

type Implementation = 'icd' | 'rust' | 'transformers';
type Mode = 'single' | 'batch';
interface Measurement {
  implementation: Implementation;
  mode: Mode;
  seconds: number;
  cpuSeconds: number;
  tokens: number;
  peakRssMb: number;
}

function readCorpus(): string[] {
  const notes: string[] = [];
  for (const split of ['train', 'dev', 'test', 'background']) {
    const dir = join(sharedDir, 'data/codiesp', split, 'text_files_en');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) notes.push(readFileSync(join(dir, file), 'utf8'));
  }
  return notes;
}

async function loadImplementation(implementation: Implementation) {
  if (implementation === 'icd') {
    const { loadTokenizer } = await import('@icd/tokenizer/node');
    const tokenizer = loadTokenizer(modelDir);
    return {
      single: async (text: string) => tokenizer.encode(text).length,
      batch: async (texts: string[]) =>
        tokenizer.encodeBatch(texts, { padding: true }).reduce((sum, e) => sum + e.length, 0),
      ids: async (text: string) => Array.from(tokenizer.encode(text).idsArray),
    };
  }
  if (implementation === 'rust') {
    const { Tokenizer } = await import('tokenizers');
    const tokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
    const padded = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
    padded.setPadding({ padToken: '[PAD]', padId: 0 });
    return {
      single: async (text: string) => (await tokenizer.encode(text)).getLength(),
      batch: async (texts: string[]) =>
        (await padded.encodeBatch(texts)).reduce((sum, e) => sum + e.getLength(), 0),
      ids: async (text: string) => (await tokenizer.encode(text)).getIds(),
    };
  }
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${join(sharedDir, 'models')}/`;
  const tokenizer = await AutoTokenizer.from_pretrained('bert-base-uncased');
  return {
    single: async (text: string) => tokenizer.encode(text).length,
    batch: async (texts: string[]) => {
      const out = tokenizer(texts, { padding: true, return_tensor: false }) as { input_ids: number[][] };
      return out.input_ids.reduce((sum, ids) => sum + ids.length, 0);
    },
    ids: async (text: string) => tokenizer.encode(text),
  };
}

// Child process: time one implementation in one mode, print JSON.
async function worker(implementation: Implementation, mode: Mode): Promise<void> {
  const notes = readCorpus();
  const run = await loadImplementation(implementation);
  // Warm-up on a slice, so JIT and lazy tables are not in the figures.
  for (const text of notes.slice(0, 200)) await run.single(text);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let tokens = 0;
  for (let r = 0; r < repeats; r++) {
    tokens = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    if (mode === 'single') for (const text of notes) tokens += await run.single(text);
    else
      for (let i = 0; i < notes.length; i += batchSize)
        tokens += await run.batch(notes.slice(i, i + batchSize));
    times.push((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1e6);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const result: Measurement = {
    implementation,
    mode,
    seconds: median(times),
    cpuSeconds: median(cpuTimes),
    tokens,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
}

async function agreement(notes: string[]) {
  const icd = await loadImplementation('icd');
  const rust = await loadImplementation('rust');
  const transformers = await loadImplementation('transformers');
  let withRust = 0;
  let withTransformers = 0;
  let tokens = 0;
  for (const text of notes) {
    const ours = await icd.ids(text);
    tokens += ours.length;
    const same = (other: number[]) => other.length === ours.length && other.every((id, i) => id === ours[i]);
    if (same(await rust.ids(text))) withRust++;
    if (same(await transformers.ids(text))) withTransformers++;
  }
  return { withRust, withTransformers, tokens };
}

async function main(): Promise<void> {
  const [, , workerImplementation, workerMode] = process.argv;
  if (workerImplementation !== undefined)
    return worker(workerImplementation as Implementation, workerMode as Mode);
  if (!existsSync(join(modelDir, 'tokenizer.json'))) {
    console.warn(`tokenizer bench: ${modelDir} not found (set ICD_SHARED_DIR); skipped`);
    return;
  }
  const notes = readCorpus();
  const megabytes = notes.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0) / 1e6;
  const agreed = await agreement(notes);
  console.log(
    `agreement: ${agreed.withRust}/${notes.length} notes identical to Rust, ${agreed.withTransformers}/${notes.length} to transformers.js`,
  );
  const results: Measurement[] = [];
  for (const mode of ['single', 'batch'] as const) {
    for (const implementation of ['icd', 'rust', 'transformers'] as const) {
      const output = execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), implementation, mode],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      const measurement = JSON.parse(output.trim().split('\n').at(-1)!) as Measurement;
      results.push(measurement);
      console.log(`${mode} ${implementation}: ${measurement.seconds.toFixed(2)} s`);
    }
  }
  // Tokens/s counts the tokens of the unpadded encodings (the same number for every implementation).
  const row = (m: Measurement) => {
    const ratio = (other: Implementation, key: 'seconds' | 'cpuSeconds') =>
      (results.find((r) => r.mode === m.mode && r.implementation === other)![key] / m[key]).toFixed(2);
    const name = { icd: '@icd/tokenizer', rust: 'tokenizers (Rust, N-API)', transformers: 'transformers.js' };
    const ratios =
      m.implementation === 'icd'
        ? `${ratio('rust', 'seconds')}× / ${ratio('transformers', 'seconds')}× | ${ratio('rust', 'cpuSeconds')}× / ${ratio('transformers', 'cpuSeconds')}×`
        : ' | ';
    return `| ${m.mode} | ${name[m.implementation]} | ${(notes.length / m.seconds).toFixed(0)} | ${(megabytes / m.seconds).toFixed(2)} | ${(agreed.tokens / m.seconds / 1e6).toFixed(2)} | ${m.cpuSeconds.toFixed(2)} | ${m.peakRssMb.toFixed(0)} | ${ratios} |`;
  };
  const cpus = os.cpus();
  const section = `# Tokenizer benchmark

Generated by \`pnpm bench tokenizer\` (bench/src/tokenizer/main.ts) on ${new Date().toISOString().slice(0, 16)} UTC.
Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.
Shared machine: absolute figures are noisy, the ratios (same run, same input) are what to read; the CPU-time
ratio is the steadier one when other processes compete for the cores (for the Rust batch it sums its threads).

Input: the whole English CodiEsp corpus (train, dev, test, background: ${notes.length} notes, ${megabytes.toFixed(1)} MB UTF-8,
${(agreed.tokens / 1e6).toFixed(2)} M tokens with [CLS]/[SEP]), bert-base-uncased \`tokenizer.json\` (Rust, ours) and the same folder
for transformers.js 4.3.1. Median of ${repeats} passes after a warm-up; each implementation and mode in its own process
(peak RSS is that process's, corpus included). Single: one \`encode\` per note (the Rust binding's is async).
Batched: batches of ${batchSize} notes padded to the longest (Rust \`encodeBatch\` runs on its own thread pool, on all
${cpus.length} cores; ours and transformers.js use one thread).

| mode | implementation | docs/s | MB/s | M tokens/s | CPU s | peak RSS (MB) | speed-up (wall) vs Rust / transformers.js | speed-up (CPU time) |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${results.map(row).join('\n')}

Agreement of token ids, note by note: ${((100 * agreed.withRust) / notes.length).toFixed(2)}% with the Rust binding
(${agreed.withRust}/${notes.length}), ${((100 * agreed.withTransformers) / notes.length).toFixed(2)}% with transformers.js
(${agreed.withTransformers}/${notes.length}). Token strings, offsets and word ids are checked against the Rust binding on
every train/dev/background note, English and Spanish, by the test suite (\`src/tokenizer.corpus.test.ts\`).
`;
  const target = join(repositoryRoot, 'docs/benchmarks/tokenizer.md');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, section);
  console.log(section);
}

await main();
