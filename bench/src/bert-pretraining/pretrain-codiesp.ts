/**
 * Pretrains a small BERT from scratch on the English CodiEsp corpus (background + train
 * `text_files_en`), with a WordPiece vocabulary trained on that corpus by @icd/tokenizer (BERT-XML's
 * recipe) or bert-base-uncased's vocabulary, and reports masked-token loss and accuracy on the held-out
 * dev notes before and after. Saves the model (HF folder), trainer checkpoints and a manifest under
 * ./checkpoints/ (git-ignored).
 *
 *   node --conditions=@icd/source --import tsx bench/src/bert-pretraining/pretrain-codiesp.ts \
 *     --minutes 25 --layers 4 --hidden 256 --vocab trained:8000 --seed 42 [--resume DIR]
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BackendName, BertConfig, BertForMaskedLM, selectBackend } from '@icd/bert';
import type { TokenizerLike } from '@icd/core';
import { Tokenizer } from '@icd/tokenizer';
import { loadTokenizer } from '@icd/tokenizer/node';
import {
  bertForMaskedLMPretrainable,
  evaluateMaskedLM,
  listCorpusFiles,
  MaskedLMTrainer,
  packSequences,
  RandomGenerator,
  readCorpusDocuments,
  readCorpusLines,
  shuffleBuffer,
  type TokenSequence,
  WordPieceTrainer,
} from './pretraining-api.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const shared = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const codiesp = join(shared, 'data/codiesp');

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '25' },
    steps: { type: 'string' },
    layers: { type: 'string', default: '4' },
    hidden: { type: 'string', default: '256' },
    heads: { type: 'string', default: '4' },
    'max-length': { type: 'string', default: '128' },
    'batch-size': { type: 'string', default: '8' },
    'learning-rate': { type: 'string', default: '5e-4' },
    'warmup-ratio': { type: 'string', default: '0.06' },
    vocab: { type: 'string', default: 'trained:8000' },
    seed: { type: 'string', default: '42' },
    backend: { type: 'string', default: 'wasm' },
    'eval-batches': { type: 'string', default: '40' },
    output: { type: 'string' },
  },
});

const seed = Number(args.seed);
const maxLength = Number(args['max-length']);
const batchSize = Number(args['batch-size']);
const started = new Date();
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

if (!existsSync(codiesp)) {
  console.warn(`CodiEsp not found at ${codiesp} (set ICD_SHARED_DIR): nothing to pretrain on.`);
  process.exit(0);
}
const backend = await selectBackend({ backend: args.backend as BackendName });
log(`backend ${JSON.stringify(backend)}`);

const corpusDirectories = ['background', 'train'].map((split) => join(codiesp, split, 'text_files_en'));
const trainFiles = await listCorpusFiles(corpusDirectories);
const devFiles = await listCorpusFiles([join(codiesp, 'dev', 'text_files_en')]);

async function makeTokenizer(): Promise<{ tokenizer: TokenizerLike & Tokenizer; source: string }> {
  if (args.vocab === 'base') {
    return {
      tokenizer: loadTokenizer(join(shared, 'models/bert-base-uncased')),
      source: 'bert-base-uncased vocab.txt',
    };
  }
  const size = Number(args.vocab!.replace(/^trained:/, ''));
  const startedAt = performance.now();
  // The vocabulary is learnt on the training corpus only (never on dev), as BERT-XML trains its own.
  const vocabulary = await new WordPieceTrainer({ vocabSize: size, minFrequency: 2 }).train(
    readCorpusLines(corpusDirectories),
  );
  const tokenizer = Tokenizer.fromJSON(JSON.stringify(vocabulary.toTokenizerJson()));
  return {
    tokenizer,
    source: `WordPiece ${size} trained by @icd/tokenizer on background+train text_files_en in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
  };
}

const { tokenizer, source: tokenizerSource } = await makeTokenizer();
log(`tokenizer: ${tokenizerSource}, vocab ${tokenizer.vocabSize}`);
const maskTokenId = tokenizer.tokenToId(tokenizer.specialTokens.mask)!;
const padTokenId = tokenizer.tokenToId(tokenizer.specialTokens.pad)!;

/** Epoch e: files in a seeded order, packed, through a 2,048-sequence shuffle buffer. */
const trainingData = (epoch: number): AsyncIterable<TokenSequence> => {
  const files = new RandomGenerator(seed + epoch).shuffle([...trainFiles]);
  return shuffleBuffer(
    packSequences(readCorpusDocuments(files), tokenizer, { maxLength }),
    2048,
    new RandomGenerator(seed * 31 + epoch),
  );
};
const devSequences: TokenSequence[] = [];
for await (const sequence of packSequences(readCorpusDocuments(devFiles), tokenizer, { maxLength }))
  devSequences.push(sequence);
let trainSequenceCount = 0;
let trainTokenCount = 0;
for await (const sequence of packSequences(readCorpusDocuments(trainFiles), tokenizer, { maxLength })) {
  trainSequenceCount++;
  trainTokenCount += sequence.inputIds.length;
}
log(
  `corpus: ${trainFiles.length} files, ${trainSequenceCount} sequences of ${maxLength} (${trainTokenCount} tokens); dev: ${devFiles.length} files, ${devSequences.length} sequences`,
);

const hidden = Number(args.hidden);
const config = new BertConfig({
  vocabSize: tokenizer.vocabSize,
  hiddenSize: hidden,
  numHiddenLayers: Number(args.layers),
  numAttentionHeads: Number(args.heads),
  intermediateSize: hidden * 4,
  maxPositionEmbeddings: Math.max(512, maxLength),
  padTokenId,
});
const evaluation = {
  maskTokenId,
  padTokenId,
  seed: 1,
  batchSize: 8,
  maxBatches: Number(args['eval-batches']),
};
const trainerBase = { batchSize, maskTokenId, padTokenId, seed, learningRate: Number(args['learning-rate']) };

// Calibrate: time a few updates on a throwaway model to turn the time budget into a step count.
let totalSteps = args.steps === undefined ? 0 : Number(args.steps);
if (totalSteps === 0) {
  const probe = new BertForMaskedLM(config, { seed });
  const trainer = new MaskedLMTrainer(bertForMaskedLMPretrainable(probe), trainingData, {
    ...trainerBase,
    totalSteps: 1000,
    progress: false,
  });
  await trainer.train({ maxSteps: 1 });
  const result = await trainer.train({ maxSteps: 4 });
  trainer.dispose();
  probe.dispose();
  const secondsPerStep = result.seconds / 4;
  totalSteps = Math.max(10, Math.floor((Number(args.minutes) * 60 * 0.92) / secondsPerStep));
  log(
    `calibration: ${secondsPerStep.toFixed(2)} s/step (${Math.round(result.tokensPerSecond)} tokens/s) → ${totalSteps} steps`,
  );
}

const model = new BertForMaskedLM(config, { seed, tokenizer });
const pretrainable = bertForMaskedLMPretrainable(model);
const evaluateStarted = performance.now();
const before = await evaluateMaskedLM(pretrainable, devSequences, evaluation);
log(
  `dev before: loss ${before.loss.toFixed(4)} accuracy ${(before.accuracy * 100).toFixed(2)}% (${before.maskedTokens} masked tokens, ${((performance.now() - evaluateStarted) / 1000).toFixed(1)} s)`,
);

const runName = args.output ?? `codiesp-l${args.layers}-h${hidden}-v${tokenizer.vocabSize}-s${seed}`;
const outputDirectory = resolve(repositoryRoot, 'checkpoints', runName);
await mkdir(outputDirectory, { recursive: true });
const trainer = new MaskedLMTrainer(pretrainable, trainingData, {
  ...trainerBase,
  totalSteps,
  warmupRatio: Number(args['warmup-ratio']),
  checkpointDirectory: join(outputDirectory, 'trainer'),
  checkpointEvery: Math.max(50, Math.round(totalSteps / 5)),
  keepCheckpoints: 1,
  saveModelInCheckpoints: false,
  logEvery: 25,
});
const result = await trainer.train();
const after = await evaluateMaskedLM(pretrainable, devSequences, evaluation);
log(`dev after: loss ${after.loss.toFixed(4)} accuracy ${(after.accuracy * 100).toFixed(2)}%`);
await model.save(join(outputDirectory, 'model'));

let commit = 'unknown';
try {
  commit = execSync('git rev-parse HEAD', { cwd: repositoryRoot }).toString().trim();
  if (execSync('git status --porcelain', { cwd: repositoryRoot }).toString().trim() !== '')
    commit += ' (working tree modified)';
} catch {}
const manifest = {
  command:
    `node --conditions=@icd/source --import tsx bench/src/bert-pretraining/pretrain-codiesp.ts ${process.argv.slice(2).join(' ')}`.trim(),
  seed,
  started: started.toISOString(),
  finished: new Date().toISOString(),
  gitCommit: commit,
  node: process.version,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  backend,
  tokenizer: tokenizerSource,
  config: config.toJson(),
  corpus: {
    trainFiles: trainFiles.length,
    trainSequences: trainSequenceCount,
    trainTokens: trainTokenCount,
    heldOut: `dev ${devFiles.length} files`,
  },
  training: { ...trainer.options.record, epochsSeen: (result.step * batchSize) / trainSequenceCount },
  result: {
    steps: result.step,
    seconds: result.seconds,
    tokensPerSecond: result.tokensPerSecond,
    finalMeanLoss: trainer.lossHistory.at(-1)?.loss,
  },
  devBefore: before,
  devAfter: after,
  lossHistory: trainer.lossHistory,
};
await writeFile(join(outputDirectory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
log(`saved ${outputDirectory} (model/, trainer/, manifest.json)`);
trainer.dispose();
model.dispose();
