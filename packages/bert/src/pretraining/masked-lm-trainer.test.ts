import { mkdtemp, readdir, readFile, rm as removePath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, DataFormatError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { RandomGenerator } from '@icd/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateMaskedLM } from './evaluate-masked-lm.js';
import { MaskedLMTrainer } from './masked-lm-trainer.js';
import { createTinyMaskedLM } from './tiny-masked-lm.test-helper.js';
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

const vocabSize = 40;
const [pad, cls, sep, mask] = [0, 1, 2, 3];

/** A learnable toy corpus: copies of 4 fixed random "sentences"; a masked token follows from its context and position. */
function corpus(count: number, seed: number): TokenSequence[] {
  const templates = Array.from({ length: 4 }, (_, t) => {
    const random = new RandomGenerator(1000 + t);
    return Array.from({ length: 8 }, () => 5 + random.nextInt(vocabSize - 5));
  });
  const random = new RandomGenerator(seed);
  return Array.from({ length: count }, () => {
    const words = templates[random.nextInt(templates.length)]!;
    const inputIds = Int32Array.from([cls, ...words, sep]);
    const specialTokensMask = new Uint8Array(inputIds.length);
    specialTokensMask[0] = specialTokensMask[inputIds.length - 1] = 1;
    return { inputIds, specialTokensMask };
  });
}

const train = corpus(64, 1);
const heldOut = corpus(32, 2);
/** Epoch-dependent order, as a real source would shuffle files by epoch. */
const source = (epoch: number) => new RandomGenerator(100 + epoch).shuffle([...train]);

const base: MaskedLMTrainerOptions = {
  totalSteps: 8,
  batchSize: 8,
  maskTokenId: mask,
  padTokenId: pad,
  learningRate: 0.02,
  warmupSteps: 2,
  gradientAccumulationSteps: 2,
  maxGradNorm: 0.5,
  seed: 5,
  progress: false,
};

function values(model: { weights: ReadonlyMap<string, tf.Variable> }): Map<string, Float32Array> {
  return new Map([...model.weights].map(([name, variable]) => [name, variable.dataSync() as Float32Array]));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MaskedLMTrainer', () => {
  it('lowers held-out masked-LM loss and raises accuracy on a learnable corpus', async () => {
    const model = createTinyMaskedLM(vocabSize, 16, 16, 1);
    const evaluation = { maskTokenId: mask, padTokenId: pad, mlmProbability: 0.3, seed: 9 };
    const before = await evaluateMaskedLM(model, heldOut, evaluation);
    const trainer = new MaskedLMTrainer(model, source, {
      ...base,
      totalSteps: 120,
      gradientAccumulationSteps: 1,
      learningRate: 0.05,
      warmupSteps: 10,
      maxGradNorm: 1,
    });
    const result = await trainer.train();
    const after = await evaluateMaskedLM(model, heldOut, evaluation);
    expect(result.step).toBe(120);
    expect(result.tokens).toBeGreaterThan(120 * 8 * 8);
    expect(before.maskedTokens).toBe(after.maskedTokens);
    expect(before.loss).toBeGreaterThan(Math.log(vocabSize) - 1);
    expect(after.loss).toBeLessThan(before.loss - 1);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.3);
    trainer.dispose();
    model.dispose();
  });

  it('resumes from a checkpoint with bit-identical continuation (N straight = N/2 + save + load + N/2)', async () => {
    const straightModel = createTinyMaskedLM(vocabSize, 16, 16, 3);
    const straight = new MaskedLMTrainer(straightModel, source, base);
    await straight.train();
    const expected = values(straightModel);
    straight.dispose();
    straightModel.dispose();

    const directory = await makeTempDirectory(join(tmpdir(), 'icd-mlm-resume-'));
    const firstModel = createTinyMaskedLM(vocabSize, 16, 16, 3);
    const first = new MaskedLMTrainer(firstModel, source, base);
    await first.train({ maxSteps: 4 });
    await first.saveCheckpoint(join(directory, 'half'));
    first.dispose();
    firstModel.dispose();

    // A different initialisation: everything must come from the checkpoint.
    const resumedModel = createTinyMaskedLM(vocabSize, 16, 16, 77);
    const resumed = new MaskedLMTrainer(resumedModel, source, base);
    const state = await resumed.resume(join(directory, 'half'));
    expect(state.step).toBe(4);
    expect(resumed.step).toBe(4);
    await resumed.train();
    expect(resumed.step).toBe(8);
    for (const [name, value] of values(resumedModel)) {
      expect(Array.from(value), name).toEqual(Array.from(expected.get(name)!));
    }
    resumed.dispose();
    resumedModel.dispose();
  });

  it('has no tensor leaks: tf.memory().numTensors is unchanged across 50 training steps', async () => {
    const model = createTinyMaskedLM(vocabSize, 16, 16, 4);
    const before = tf.memory().numTensors;
    const trainer = new MaskedLMTrainer(model, source, { ...base, totalSteps: 50 });
    await trainer.train({ maxSteps: 1 });
    // After the first update only the AdamW moments (2 per parameter) are new.
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst - before).toBe(2 * model.weights.size);
    await trainer.train();
    expect(trainer.step).toBe(50);
    expect(tf.memory().numTensors).toBe(afterFirst);
    await evaluateMaskedLM(model, heldOut, { maskTokenId: mask, padTokenId: pad });
    expect(tf.memory().numTensors).toBe(afterFirst);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('writes periodic checkpoints, keeps the last ones, and records the run', async () => {
    const directory = await makeTempDirectory(join(tmpdir(), 'icd-mlm-ckpt-'));
    const model = createTinyMaskedLM(vocabSize, 8, 16, 5);
    const lines: string[] = [];
    const trainer = new MaskedLMTrainer(model, source, {
      ...base,
      totalSteps: 6,
      checkpointDirectory: directory,
      checkpointEvery: 2,
      keepCheckpoints: 2,
      logEvery: 3,
      progress: { write: (text: string) => lines.push(text), isTTY: false },
    });
    await trainer.train();
    expect((await readdir(directory)).sort()).toEqual(['checkpoint-4', 'checkpoint-6']);
    expect((await readdir(join(directory, 'checkpoint-6'))).sort()).toEqual([
      'trainer-state.json',
      'trainer-tensors.safetensors',
    ]);
    const state = JSON.parse(await readFile(join(directory, 'checkpoint-6', 'trainer-state.json'), 'utf8'));
    // 6 updates × 2 micro-batches × 8 sequences = 96 of 64 sequences: epoch 1, 4 batches into it.
    expect(state).toMatchObject({
      step: 6,
      epoch: 1,
      batchesInEpoch: 4,
      microBatches: 12,
      options: { seed: 5, totalSteps: 6, accumulationSteps: 2, fingerprint: { batchSize: 8 } },
    });
    expect(state.history.map((entry: { step: number }) => entry.step)).toEqual([3, 6]);
    // Not a TTY: one plain line per logEvery steps, with loss, lr, tokens/s and ETA.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^step 3\/6 \| loss \d+\.\d{4} \| lr \S+ \| \d+ tok\/s \| ETA \S+\n$/);
    trainer.dispose();
    model.dispose();
  });

  it('draws a progress bar in place on a TTY', async () => {
    const model = createTinyMaskedLM(vocabSize, 8, 16, 6);
    const writes: string[] = [];
    const trainer = new MaskedLMTrainer(model, source, {
      ...base,
      totalSteps: 2,
      progress: { write: (text: string) => writes.push(text), isTTY: true },
    });
    await trainer.train();
    expect(writes).toHaveLength(3);
    expect(writes[1]).toMatch(/^\r\[#{24}\] step 2\/2 \| loss/);
    expect(writes[2]).toBe('\n');
    trainer.dispose();
    model.dispose();
  });

  it('refuses mismatched or broken checkpoints and bad options', async () => {
    const directory = await makeTempDirectory(join(tmpdir(), 'icd-mlm-bad-'));
    const model = createTinyMaskedLM(vocabSize, 8, 16, 7);
    const trainer = new MaskedLMTrainer(model, source, { ...base, totalSteps: 2 });
    await trainer.train({ maxSteps: 1 });
    await trainer.saveCheckpoint(join(directory, 'ok'));
    const other = new MaskedLMTrainer(model, source, { ...base, totalSteps: 2, batchSize: 4 });
    // A refused resume leaves weights and optimizer exactly as they were.
    await trainer.train({ maxSteps: 1 });
    const weightsBefore = values(model);
    const momentsBefore = [...trainer.trainer.options.groups[0]!.optimizer.getState().tensors].map(
      ([key, tensor]) => [key, Array.from(tensor.dataSync())] as const,
    );
    await expect(other.resume(join(directory, 'ok'))).rejects.toThrow(/batchSize = 8 but this trainer has 4/);
    const reseeded = new MaskedLMTrainer(model, source, { ...base, totalSteps: 2, seed: 6 });
    await expect(reseeded.resume(join(directory, 'ok'))).rejects.toThrow(/seed = 5 but this trainer has 6/);
    for (const [name, value] of values(model))
      expect(Array.from(value), name).toEqual(Array.from(weightsBefore.get(name)!));
    const momentsAfter = trainer.trainer.options.groups[0]!.optimizer.getState().tensors;
    for (const [key, value] of momentsBefore)
      expect(Array.from(momentsAfter.get(key)!.dataSync()), key).toEqual(value);
    expect(other.step).toBe(0);
    await expect(trainer.resume(join(directory, 'missing'))).rejects.toThrow(CheckpointError);
    await writeFile(join(directory, 'ok', 'trainer-tensors.safetensors'), new Uint8Array(4));
    await expect(trainer.resume(join(directory, 'ok'))).rejects.toThrow(
      /trainer-tensors.safetensors: truncated/,
    );
    expect(() => new MaskedLMTrainer(model, source, { ...base, totalSteps: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new MaskedLMTrainer(model, source, { ...base, maskTokenId: vocabSize })).toThrow(
      `Argument 'maskTokenId' passed to 'MaskedLMTrainer' must be an integer in [0, ${vocabSize - 1}], got ${vocabSize}`,
    );
    // The guide's old example passed the model itself: a clear error now, not one about 'vocabSize'.
    await expect(
      evaluateMaskedLM({} as never, heldOut, { maskTokenId: mask, padTokenId: pad }),
    ).rejects.toThrow(/bertForMaskedLMPretrainable/);
    const empty = new MaskedLMTrainer(model, () => [], { ...base, totalSteps: 1, warmupSteps: 0 });
    await expect(empty.train()).rejects.toThrow(DataFormatError);

    for (const t of [trainer, other, reseeded, empty]) t.dispose();
    model.dispose();
  });
});
