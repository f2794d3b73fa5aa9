/**
 * Trainer benchmark: time to train a 30,000-token WordPiece vocabulary on the English CodiEsp corpus
 * (train + dev + background `text_files_en`), ours vs HuggingFace's Rust `tokenizers` binding
 * (`tokenizer.train(files)`, whose default trainer is exactly `WordPieceTrainer` with vocab_size 30000),
 * side by side in one run. Each contender runs in its own child process, so its peak RSS is its own.
 * Also measures the agreement of the two vocabularies (see docs/guide/tokenizer-trainer.md).
 *
 *   pnpm bench tokenizer-trainer            (writes docs/benchmarks/tokenizer-trainer.md)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCorpusLines, WordPieceTrainer } from './trainer-api.js';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, '../../..');
const sharedDirectory = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const splits = ['train', 'dev', 'background'];
const directories = splits.map((split) => join(sharedDirectory, 'data/codiesp', split, 'text_files_en'));
const vocabSize = 30000;
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

interface WorkerResult {
  seconds: number[];
  countSeconds?: number[];
  learnSeconds?: number[];
  peakRssMiB: number;
  tokens: string[];
}

function corpusFiles(): string[] {
  return directories.flatMap((directory) =>
    readdirSync(directory)
      .filter((name) => name.endsWith('.txt'))
      .sort()
      .map((name) => join(directory, name)),
  );
}

async function runWorker(kind: string): Promise<WorkerResult> {
  const seconds: number[] = [];
  const countSeconds: number[] = [];
  const learnSeconds: number[] = [];
  let tokens: string[] = [];
  for (let run = 0; run < repeats; run++) {
    if (kind === 'ours') {
      const start = performance.now();
      const trainer = new WordPieceTrainer({ vocabSize, specialTokens: [] });
      for await (const line of readCorpusLines(directories)) trainer.feed(line);
      const counted = performance.now();
      tokens = [...trainer.trainFromWordCounts(trainer.wordCounts).tokens];
      const end = performance.now();
      seconds.push((end - start) / 1000);
      countSeconds.push((counted - start) / 1000);
      learnSeconds.push((end - counted) / 1000);
    } else {
      const hf = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');
      const files = corpusFiles();
      const start = performance.now();
      const tokenizer = new hf.Tokenizer(hf.WordPiece.empty());
      tokenizer.setNormalizer(hf.bertNormalizer({ lowercase: true }));
      tokenizer.setPreTokenizer(hf.bertPreTokenizer());
      tokenizer.train(files);
      seconds.push((performance.now() - start) / 1000);
      tokens = Object.entries(tokenizer.getVocab(true))
        .sort((a, b) => a[1] - b[1])
        .map(([token]) => token);
    }
  }
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  return { seconds, countSeconds, learnSeconds, peakRssMiB, tokens };
}

function spawnWorker(kind: string, environment: Record<string, string> = {}): WorkerResult {
  const result = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), `--worker=${kind}`],
    {
      env: { ...process.env, ...environment },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      // HF's trainer draws progress bars on stdout; results come back on fd 3.
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    },
  );
  if (result.status !== 0) throw new Error(`worker ${kind} failed with status ${result.status}`);
  return JSON.parse(result.output[3] as string) as WorkerResult;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const positionAgreement = (a: readonly string[], b: readonly string[]) => {
  let same = 0;
  for (let id = 0; id < Math.min(a.length, b.length); id++) if (a[id] === b[id]) same++;
  return same / Math.max(a.length, b.length);
};
const setOverlap = (a: readonly string[], b: readonly string[]) => {
  const set = new Set(b);
  return a.filter((token) => set.has(token)).length / Math.max(a.length, b.length);
};
const percent = (value: number) => `${(100 * value).toFixed(2)} %`;

async function main(): Promise<void> {
  const workerArgument = process.argv.find((argument) => argument.startsWith('--worker='));
  if (workerArgument !== undefined) {
    const result = await runWorker(workerArgument.slice('--worker='.length));
    writeFileSync(3, JSON.stringify(result));
    return;
  }
  if (!directories.every((directory) => existsSync(directory))) {
    console.warn(`CodiEsp English text not found under ${sharedDirectory}: skipping the trainer benchmark`);
    return;
  }
  const files = corpusFiles();
  console.log(`corpus: ${files.length} notes, vocabSize ${vocabSize}, ${repeats} runs each`);
  const hfThreads = spawnWorker('hf');
  const hfSingle = spawnWorker('hf', { RAYON_NUM_THREADS: '1' });
  const ours = spawnWorker('ours');

  // Agreement: replay HF's continuation-token order (random per HF run) in our learner.
  const trainer = new WordPieceTrainer({ vocabSize, specialTokens: [] });
  for await (const line of readCorpusLines(directories)) trainer.feed(line);
  const replayed = new WordPieceTrainer({
    vocabSize,
    specialTokens: [],
    continuationOrder: hfSingle.tokens.filter((token) => /^##.$/u.test(token)),
  }).trainFromWordCounts(trainer.wordCounts).tokens;
  const words = [...trainer.wordCounts.values()].reduce((sum, count) => sum + count, 0);

  const rows = [
    ['ours (1 thread)', ours],
    ['HF tokenizers binding, RAYON_NUM_THREADS=1', hfSingle],
    [`HF tokenizers binding, default threads (${cpus().length} cores)`, hfThreads],
  ] as const;
  const oursMedian = median(ours.seconds);
  const table = [
    '| trainer | median s | runs (s) | vs ours | peak RSS MiB |',
    '| --- | ---: | --- | ---: | ---: |',
    ...rows.map(
      ([name, result]) =>
        `| ${name} | ${median(result.seconds).toFixed(2)} | ${result.seconds.map((s) => s.toFixed(2)).join(', ')} | ${(median(result.seconds) / oursMedian).toFixed(2)}× | ${result.peakRssMiB.toFixed(0)} |`,
    ),
  ];
  const phases = `Ours by phase (median): read + normalise + pre-tokenise + count ${median(ours.countSeconds!).toFixed(2)} s, learn merges ${median(ours.learnSeconds!).toFixed(2)} s.`;
  const agreement = [
    '| comparison | same token at same id | same token set |',
    '| --- | ---: | ---: |',
    `| ours with HF's \`##\` order replayed vs HF (1 thread run) | ${percent(positionAgreement(replayed, hfSingle.tokens))} | ${percent(setOverlap(replayed, hfSingle.tokens))} |`,
    `| ours (default: code-point \`##\` order) vs HF | ${percent(positionAgreement(ours.tokens, hfSingle.tokens))} | ${percent(setOverlap(ours.tokens, hfSingle.tokens))} |`,
    `| HF run vs another HF run (its own nondeterminism) | ${percent(positionAgreement(hfThreads.tokens, hfSingle.tokens))} | ${percent(setOverlap(hfThreads.tokens, hfSingle.tokens))} |`,
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const markdown = [
    '# Benchmark: WordPiece vocabulary trainer',
    '',
    `Generated by \`pnpm bench tokenizer-trainer\` (bench/src/tokenizer-trainer/main.ts) on ${new Date().toISOString()}.`,
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}. Shared machine: timings are noisy, compare the ratios of one run.`,
    '',
    `Task: train a ${vocabSize}-token uncased WordPiece vocabulary (BertNormalizer + BertPreTokenizer, min frequency 0, no special tokens: HF's \`WordPieceTrainer\` defaults) on English CodiEsp train + dev + background: ${files.length} notes, ${words.toLocaleString('en-US')} words, ${trainer.wordCounts.size.toLocaleString('en-US')} distinct. Both read the files from disk. Each contender runs ${repeats} times in its own process; peak RSS is that process's.`,
    '',
    ...table,
    '',
    phases,
    '',
    '## Agreement with HF',
    '',
    ...agreement,
    '',
    'HF numbers the continuation tokens (`##e`, …) in Rust `HashMap` order, which changes on every run, and breaks ties between equal pair counts by token id; so two HF runs on the same corpus disagree (last row). Given the same `##` order, ours is identical to HF merge for merge (first row). See docs/guide/tokenizer-trainer.md.',
    '',
  ].join('\n');
  console.log(markdown);
  writeFileSync(join(repositoryRoot, 'docs/benchmarks/tokenizer-trainer.md'), markdown);
}

await main();
