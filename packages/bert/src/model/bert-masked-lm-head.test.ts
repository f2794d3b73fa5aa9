import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM } from '../node/node-models.js';
import {
  type ExpectedTensor,
  maxAbsDifference,
  parity,
  parityDirectory,
} from '../test-support/parity-fixture.js';
import { disposeOutput } from './bert-model.js';

// References: make-parity-fixture.py (tied decoder) and make-untied-decoder-fixture.py (a decoder weight of
// its own, `tie_word_embeddings: false`), PyTorch float64.
const untied: { logits: ExpectedTensor; positions: number[]; transformedAtPositions: ExpectedTensor } =
  JSON.parse(readFileSync(join(parityDirectory, 'expected-untied.json'), 'utf8'));
const tolerance = 1e-4;
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};
const vocab = 99;

/** Rows `positions` of a `[batch, sequence, vocab]` expected tensor, as `[n, vocab]`. */
function rowsOf(expected: ExpectedTensor, positions: number[]): ExpectedTensor {
  const width = expected.shape.at(-1) as number;
  return {
    shape: [positions.length, width],
    data: positions.flatMap((p) => expected.data.slice(p * width, (p + 1) * width)),
  };
}

describe('masked-LM head: positions, transform and decoder (PyTorch reference)', () => {
  let mlm: BertForMaskedLM;
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    mlm = await BertForMaskedLM.fromPretrained(parityDirectory);
  });
  afterAll(() => mlm.dispose());

  it('logits at chosen positions only are [n, vocab] and equal the full logits there', async () => {
    const positions = [4, 11 + 3, 2 * 11 + 5];
    for (const given of [positions, tf.tensor1d(positions, 'int32')]) {
      const output = mlm.forwardMasked(input, { positions: given });
      expect(output.logits.shape).toEqual([3, vocab]);
      expect(maxAbsDifference(output.logits, rowsOf(parity.logits, positions))).toBeLessThan(tolerance);
      expect(output.lastHiddenState.shape).toEqual([3, 11, 32]);
      disposeOutput(output);
      if (given instanceof tf.Tensor) given.dispose();
    }
    const predicted = await mlm.predictMasked(input, { positions });
    expect(predicted.logits.shape).toEqual([3, vocab]);
    expect(
      Math.abs(
        (predicted.logits.data[vocab + 7] as number) -
          (rowsOf(parity.logits, positions).data[vocab + 7] as number),
      ),
    ).toBeLessThan(tolerance);
  });

  it('transform then decoder (tied: the word-embedding variable) recompose the logits', () => {
    const decoder = mlm.getMaskedLMDecoder();
    expect(decoder.weight).toBe(mlm.getInputEmbeddings());
    expect(decoder.bias).toBe(mlm.weights.get('cls.predictions.bias'));
    expect(mlm.loadReport?.tiedDecoder).toBe(true);
    const logits = tf.tidy(() => {
      const { lastHiddenState } = mlm.forward(input);
      const transformed = mlm.transformMaskedLM(lastHiddenState);
      expect(transformed.shape).toEqual([3, 11, 32]);
      return tf.add(tf.matMul(tf.reshape(transformed, [-1, 32]), decoder.weight, false, true), decoder.bias);
    });
    expect(maxAbsDifference(tf.reshape(logits, [3, 11, vocab]), parity.logits)).toBeLessThan(tolerance);
    logits.dispose();
  });

  it('refuses bad positions with typed errors and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    for (const positions of [[33], [-1], [1.5]]) {
      expect(() => mlm.forwardMasked(input, { positions })).toThrow(InvalidArgumentError);
    }
    expect(() => mlm.forwardMasked(input, { positions: [33] })).toThrow(
      "Argument 'positions' passed to 'BertForMaskedLM.forwardMasked' must be flat indices row · sequence + column in [0, 32], got 33",
    );
    const floats = tf.tensor1d([1, 2], 'float32');
    const outOfRange = tf.tensor1d([1, 40], 'int32');
    expect(() => mlm.forwardMasked(input, { positions: floats })).toThrow('a rank-1 int32 tensor');
    expect(() => mlm.forwardMasked(input, { positions: outOfRange })).toThrow('got 40');
    tf.dispose([floats, outOfRange]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('untied decoder (tie_word_embeddings: false)', () => {
  it('is loaded as cls.predictions.decoder.weight and gives the PyTorch logits; save round-trips it', async () => {
    await selectBackend({ backend: 'cpu' });
    const { mkdtempSync, copyFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const directory = mkdtempSync(join(tmpdir(), 'icd-bert-untied-'));
    try {
      copyFileSync(join(parityDirectory, 'config-untied.json'), join(directory, 'config.json'));
      copyFileSync(join(parityDirectory, 'model-untied.safetensors'), join(directory, 'model.safetensors'));
      const mlm = await BertForMaskedLM.fromPretrained(directory);
      expect(mlm.loadReport).toMatchObject({ tiedDecoder: false, missingWeights: [], randomHead: false });
      const { weight } = mlm.getMaskedLMDecoder();
      expect(weight).toBe(mlm.weights.get('cls.predictions.decoder.weight'));
      expect(weight).not.toBe(mlm.getInputEmbeddings());
      const output = mlm.forwardMasked(input);
      expect(maxAbsDifference(output.logits, untied.logits)).toBeLessThan(tolerance);
      disposeOutput(output);
      const rows = tf.tidy(() => {
        const { lastHiddenState } = mlm.forward(input);
        return mlm.transformMaskedLM(tf.gather(tf.reshape(lastHiddenState, [-1, 32]), untied.positions));
      });
      expect(maxAbsDifference(rows, untied.transformedAtPositions)).toBeLessThan(tolerance);
      rows.dispose();
      await mlm.save(join(directory, 'again'));
      mlm.dispose();
      const reloaded = await BertForMaskedLM.fromPretrained(join(directory, 'again'));
      const again = reloaded.forwardMasked(input);
      expect(maxAbsDifference(again.logits, untied.logits)).toBeLessThan(tolerance);
      disposeOutput(again);
      reloaded.dispose();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
