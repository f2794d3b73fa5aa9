import { mkdtemp, readdir, rm as removePath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertConfig } from '../config/bert-config.js';
import { BertForMaskedLM } from '../node/node-models.js';
import { bertForMaskedLMPretrainable } from './bert-for-masked-lm-pretrainable.js';
import { evaluateMaskedLM } from './evaluate-masked-lm.js';
import { MaskedLMTrainer } from './masked-lm-trainer.js';
import { packSequences } from './pack-sequences.js';
import type { TokenSequence } from './token-sequence.js';
import type { MaskedLMTrainerOptions } from './trainer-options.js';

// Every temp folder a test makes is removed once the file's tests are done.
const createdDirectories: string[] = [];
async function makeTempDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(prefix);
  createdDirectories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(
    createdDirectories.map((directory) => removePath(directory, { recursive: true, force: true })),
  );
});

// Ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, words from 5.
const words =
  'patient chest pain fever cough dyspnea hypertension diabetes treated with aspirin insulin and presented'.split(
    ' ',
  );
const tokenizer = new MockTokenizer(words);
const notes = [
  'patient presented with chest pain and dyspnea',
  'patient with diabetes treated with insulin',
  'patient with hypertension treated with aspirin',
  'patient presented with fever and cough',
];

async function sequences(): Promise<TokenSequence[]> {
  const out: TokenSequence[] = [];
  const documents = Array.from({ length: 12 }, (_, i) => notes[i % notes.length]!);
  for await (const sequence of packSequences(documents, tokenizer, { maxLength: 12 })) out.push(sequence);
  return out;
}

function config(): BertConfig {
  return new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 16,
  });
}

const options: MaskedLMTrainerOptions = {
  totalSteps: 6,
  batchSize: 4,
  maskTokenId: 4,
  padTokenId: 0,
  learningRate: 1e-2,
  warmupSteps: 2,
  gradientAccumulationSteps: 2,
  seed: 3,
  progress: false,
};

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('masked-LM pretraining of BertForMaskedLM', () => {
  it('resumes bit-identically with dropout on, and does not leak tensors over 50 steps', async () => {
    const data = await sequences();
    const source = () => data;
    const straightModel = new BertForMaskedLM(config(), { seed: 1 });
    const straight = new MaskedLMTrainer(bertForMaskedLMPretrainable(straightModel), source, options);
    await straight.train();
    const expected = new Map([...straightModel.weights].map(([name, v]) => [name, Array.from(v.dataSync())]));
    straight.dispose();
    straightModel.dispose();

    const directory = await makeTempDirectory(join(tmpdir(), 'icd-bert-resume-'));
    const firstModel = new BertForMaskedLM(config(), { seed: 1 });
    const first = new MaskedLMTrainer(bertForMaskedLMPretrainable(firstModel), source, options);
    await first.train({ maxSteps: 3 });
    await first.saveCheckpoint(join(directory, 'half'));
    expect((await readdir(join(directory, 'half', 'model'))).sort()).toEqual([
      'config.json',
      'model.safetensors',
    ]);
    first.dispose();
    firstModel.dispose();

    const resumedModel = new BertForMaskedLM(config(), { seed: 2 });
    const resumed = new MaskedLMTrainer(bertForMaskedLMPretrainable(resumedModel), source, options);
    await resumed.resume(join(directory, 'half'));
    await resumed.train();
    for (const [name, variable] of resumedModel.weights) {
      expect(Array.from(variable.dataSync()), name).toEqual(expected.get(name));
    }
    resumed.dispose();

    // Moments are allocated on the first update: count from before the trainer, after its disposal.
    const before = tf.memory().numTensors;
    const leakTrainer = new MaskedLMTrainer(bertForMaskedLMPretrainable(resumedModel), source, {
      ...options,
      totalSteps: 50,
      gradientAccumulationSteps: 1,
    });
    await leakTrainer.train();
    leakTrainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    resumedModel.dispose();
  });

  it('continues pretraining from a saved HF folder and lowers the held-out loss', async () => {
    const data = await sequences();
    const directory = await makeTempDirectory(join(tmpdir(), 'icd-bert-continued-'));
    const scratch = new BertForMaskedLM(config(), { seed: 4 });
    await scratch.save(directory);
    scratch.dispose();
    const model = await BertForMaskedLM.fromPretrained(directory);
    await selectBackend({ backend: 'cpu' });
    const pretrainable = bertForMaskedLMPretrainable(model);
    const evaluation = { maskTokenId: 4, padTokenId: 0, seed: 1, mlmProbability: 0.3 };
    const before = await evaluateMaskedLM(pretrainable, data, evaluation);
    const trainer = new MaskedLMTrainer(pretrainable, () => data, {
      ...options,
      totalSteps: 120,
      gradientAccumulationSteps: 1,
      learningRate: 2e-2,
      warmupSteps: 5,
    });
    await trainer.train();
    const after = await evaluateMaskedLM(pretrainable, data, evaluation);
    expect(after.maskedTokens).toBe(before.maskedTokens);
    // From ~ln(19) (uniform over the vocabulary) towards the corpus statistics.
    expect(before.loss).toBeGreaterThan(Math.log(tokenizer.vocabSize) - 0.3);
    expect(after.loss).toBeLessThan(before.loss - 0.3);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.1);
    trainer.dispose();
    model.dispose();
    expect(() => bertForMaskedLMPretrainable({} as never)).toThrow(InvalidArgumentError);
  });
});
