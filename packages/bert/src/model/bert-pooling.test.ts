import { MockTokenizer, windowEncoding } from '@icd/core/test';
import { encodeLongText, poolWindows } from '@icd/pooling';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertConfig } from '../config/bert-config.js';
import { BertModel } from './bert-model.js';

const note = windowEncoding([5, 6, 7], 5, [windowEncoding([7, 8, 9], 5), windowEncoding([9, 10], 5)]);

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, d) => {
    expect(value).toBeCloseTo(expected[d] as number, 6);
  });
}

describe('poolWindows with BertModel', () => {
  /** A one-layer BERT small enough to run in milliseconds; seeded, so both tests see the same weights. */
  const tinyModel = () =>
    new BertModel(
      new BertConfig({
        vocabSize: 20,
        hiddenSize: 8,
        numHiddenLayers: 1,
        numAttentionHeads: 2,
        intermediateSize: 8,
        maxPositionEmbeddings: 8,
      }),
      { seed: 4 },
    );

  it('first-token pooling of one window is the [CLS] vector of the forward pass', async () => {
    await selectBackend({ backend: 'wasm' });
    const model = tinyModel();
    const single = windowEncoding([5, 6, 7], 6);
    const pooled = await poolWindows(model, single, { pooling: 'first' });
    const { lastHiddenState } = await model.encode({
      inputIds: [single.ids as number[]],
      attentionMask: [single.attentionMask as number[]],
    });
    expectClose(pooled.vector, Array.from(lastHiddenState.data.subarray(0, 8)));
    model.dispose();
  });

  it('poolWindows and encodeLongText leave no tensor behind (tf.memory)', async () => {
    await selectBackend({ backend: 'wasm' });
    const model = tinyModel();
    const tokenizer = new MockTokenizer(['chest', 'pain', 'fever', 'cough']);
    const before = tf.memory().numTensors;
    for (const pooling of ['mean', 'max', 'first'] as const) {
      await poolWindows(model, note, { pooling, batchSize: 2 });
      await encodeLongText(model, tokenizer, 'chest pain fever cough chest pain', {
        pooling,
        maxLength: 6,
        stride: 1,
      });
    }
    await expect(poolWindows(model, windowEncoding([5, 25], 4))).rejects.toThrow(/ids in \[0, 19\]/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
