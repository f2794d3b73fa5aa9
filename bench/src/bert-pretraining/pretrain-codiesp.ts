/**
 * Pretrains a small BERT from scratch on CodiEsp background + train text (English translation by
 * default, `--language es` for the Spanish originals; never dev or test text), with a WordPiece
 * vocabulary trained on that text, in BERT's two phases: most updates at 128 tokens, then the rest at 512
 * so that every position embedding is trained (Devlin et al. 2019, §A.2), under one linear warm-up/decay
 * schedule and one AdamW. Reports held-out dev masked-token loss and accuracy before and after, and the
 * wall time; writes an HF folder (config.json, model.safetensors, tokenizer files) and a manifest under
 * ./checkpoints/ (git-ignored), which later benchmarks and examples reuse. An existing finished run is
 * reused, not retrained (`--force` retrains).
 *
 *   pnpm --filter @icd/bench pretrain-codiesp -- --language en --size mini --minutes 75
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  allSequences,
  codiespCorpus,
  codiespTokenizer,
  type Language,
  trainingSequences,
} from './codiesp-corpus.js';
import {
  BertConfig,
  BertForMaskedLM,
  bertForMaskedLMPretrainable,
  evaluateMaskedLM,
  selectBackend,
} from './pretraining-api.js';
import { runPhases } from './pretraining-phases.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const shared = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const codiesp = join(shared, 'data/codiesp');
const sizes = {
  tiny: { layers: 2, hidden: 128, heads: 2 },
  mini: { layers: 4, hidden: 256, heads: 4 },
  small: { layers: 4, hidden: 512, heads: 8 },
} as const;

// pnpm passes the `--` separator through; drop it.
const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const { values: args } = parseArgs({
  args: argv,
  options: {
    language: { type: 'string', default: 'en' },
    size: { type: 'string', default: 'mini' },
    minutes: { type: 'string', default: '20' },
    steps: { type: 'string' },
    'long-share': { type: 'string', default: '0.1' },
    'batch-size': { type: 'string', default: '8' },
    'long-batch-size': { type: 'string', default: '2' },
    'learning-rate': { type: 'string', default: '5e-4' },
    'warmup-ratio': { type: 'string', default: '0.06' },
    vocab: { type: 'string', default: '8000' },
    seed: { type: 'string', default: '42' },
    backend: { type: 'string', default: 'wasm' },
    'eval-batches': { type: 'string', default: '40' },
    output: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});

const language = args.language as Language;
if (language !== 'en' && language !== 'es')
  throw new Error(`--language must be en or es, got ${args.language}`);
const size = sizes[args.size as keyof typeof sizes];
if (!size) throw new Error(`--size must be one of ${Object.keys(sizes).join(', ')}, got ${args.size}`);
const seed = Number(args.seed);
const vocabSize = Number(args.vocab);
const started = new Date();
const log = (message: string) =>
  console.log(`[${new Date().toISOString().slice(11, 19)} load ${loadavg()[0]!.toFixed(1)}] ${message}`);

if (!existsSync(codiesp)) {
  console.warn(`CodiEsp not found at ${codiesp} (set ICD_SHARED_DIR): nothing to pretrain on.`);
  process.exit(0);
}
const runName = args.output ?? `codiesp-${language}-${args.size}-v${vocabSize}-s${seed}`;
const outputDirectory = resolve(repositoryRoot, 'checkpoints', runName);
if (
  !args.force &&
  existsSync(join(outputDirectory, 'manifest.json')) &&
  existsSync(join(outputDirectory, 'model'))
) {
  const manifest = JSON.parse(readFileSync(join(outputDirectory, 'manifest.json'), 'utf8'));
  log(`cached: ${outputDirectory} (dev accuracy ${manifest.devAfter?.accuracy}); --force retrains`);
  process.exit(0);
}
const backend = await selectBackend({ backend: args.backend as 'wasm' | 'cpu' });
log(`backend ${JSON.stringify(backend)}`);

const corpus = await codiespCorpus(codiesp, language);
const { tokenizer, source: tokenizerSource } = await codiespTokenizer(
  corpus,
  vocabSize,
  resolve(repositoryRoot, 'checkpoints', `codiesp-${language}-vocab-${vocabSize}`),
  true,
);
log(`tokenizer: ${tokenizerSource}, vocab ${tokenizer.vocabSize}`);
const maskTokenId = tokenizer.tokenToId(tokenizer.specialTokens.mask)!;
const padTokenId = tokenizer.tokenToId(tokenizer.specialTokens.pad)!;
const trainSequences = await allSequences(corpus.trainFiles, tokenizer, 128);
const trainTokens = trainSequences.reduce((sum, sequence) => sum + sequence.inputIds.length, 0);
const devShort = await allSequences(corpus.devFiles, tokenizer, 128);
const devLong = await allSequences(corpus.devFiles, tokenizer, 512);
log(
  `corpus: ${corpus.trainFiles.length} files, ${trainSequences.length} sequences of 128 (${trainTokens} tokens); dev: ${corpus.devFiles.length} files, ${devShort.length} sequences of 128, ${devLong.length} of 512`,
);

const config = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize: size.hidden,
  numHiddenLayers: size.layers,
  numAttentionHeads: size.heads,
  intermediateSize: size.hidden * 4,
  maxPositionEmbeddings: 512,
  padTokenId,
});
const evalBatches = Number(args['eval-batches']);
const evaluation = (batchSize: number) => ({
  maskTokenId,
  padTokenId,
  seed: 1,
  batchSize,
  maxBatches: evalBatches,
});
const model = new BertForMaskedLM(config, { seed, tokenizer });
const pretrainable = bertForMaskedLMPretrainable(model);
const evaluate = async (label: string) => {
  const evaluateStarted = performance.now();
  const short = await evaluateMaskedLM(pretrainable, devShort, evaluation(8));
  const long = await evaluateMaskedLM(pretrainable, devLong, evaluation(2));
  log(
    `dev ${label}: 128 tokens loss ${short.loss.toFixed(4)} accuracy ${(short.accuracy * 100).toFixed(2)}% (${short.maskedTokens} masked); 512 tokens loss ${long.loss.toFixed(4)} accuracy ${(long.accuracy * 100).toFixed(2)}% (${((performance.now() - evaluateStarted) / 1000).toFixed(0)} s)`,
  );
  return { tokens128: short, tokens512: long };
};
const devBefore = await evaluate('before');

await mkdir(outputDirectory, { recursive: true });
const training = await runPhases({
  pretrainable,
  phases: [
    {
      maxLength: 128,
      batchSize: Number(args['batch-size']),
      sequences: trainingSequences(corpus, tokenizer, 128, seed),
    },
    {
      maxLength: 512,
      batchSize: Number(args['long-batch-size']),
      sequences: trainingSequences(corpus, tokenizer, 512, seed + 1000),
    },
  ],
  longShare: Number(args['long-share']),
  minutes: Number(args.minutes),
  ...(args.steps === undefined ? {} : { totalSteps: Number(args.steps) }),
  learningRate: Number(args['learning-rate']),
  warmupRatio: Number(args['warmup-ratio']),
  maskTokenId,
  padTokenId,
  seed,
  log,
  // Keep a usable model on disk while the run goes (a stopped session still leaves one).
  onProgress: async (step) => {
    await model.save(join(outputDirectory, 'model-partial'));
    log(`saved model-partial at update ${step} of its phase`);
  },
});
const devAfter = await evaluate('after');
await model.save(join(outputDirectory, 'model'));

let commit = process.env.ICD_GIT_COMMIT ?? 'unknown';
try {
  commit = execSync('git rev-parse HEAD', { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
} catch {}
const manifest = {
  command: `pnpm --filter @icd/bench pretrain-codiesp -- ${argv.join(' ')}`.trim(),
  language,
  size: args.size,
  seed,
  started: started.toISOString(),
  finished: new Date().toISOString(),
  wallSeconds: (Date.now() - started.getTime()) / 1000,
  gitCommit: commit,
  node: process.version,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  loadAverageAtEnd: loadavg(),
  backend,
  tokenizer: tokenizerSource,
  config: config.toJson(),
  corpus: {
    text: `CodiEsp background + train ${language === 'en' ? 'text_files_en' : 'text_files'}`,
    trainFiles: corpus.trainFiles.length,
    trainSequences128: trainSequences.length,
    trainTokens,
    heldOut: `dev ${corpus.devFiles.length} files (never trained on)`,
  },
  training,
  devBefore,
  devAfter,
};
await writeFile(join(outputDirectory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
log(`saved ${outputDirectory} (model/, manifest.json) in ${(manifest.wallSeconds / 60).toFixed(1)} min`);
model.dispose();
