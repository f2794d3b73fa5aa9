import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertConfig } from '../config/bert-config.js';
import { parity } from '../test-support/parity-fixture.js';
import { applyActivation } from './activations.js';
import { BertForMaskedLM } from './bert-for-masked-lm.js';
import { BertModel, disposeOutput } from './bert-model.js';
import { encoderParameterCount } from './parameter-specs.js';

const config = new BertConfig({
  vocabSize: 50,
  hiddenSize: 16,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 24,
  maxPositionEmbeddings: 12,
  hiddenDropoutProb: 0.2,
  attentionProbsDropoutProb: 0.2,
});
const batch = {
  inputIds: [
    [2, 7, 9, 3, 0, 0],
    [2, 11, 12, 13, 14, 3],
  ],
  attentionMask: [
    [1, 1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 1],
  ],
};

describe('BertModel / BertForMaskedLM', () => {
  let model: BertModel;
  let mlm: BertForMaskedLM;
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    model = new BertModel(config, { seed: 3 });
    mlm = new BertForMaskedLM(config, { seed: 3 });
  });
  afterAll(() => {
    model.dispose();
    mlm.dispose();
  });

  it('exposes HF-named variables and info', () => {
    expect(model.weights.size).toBe(5 + 16 * 2 + 2);
    expect(model.weights.get('encoder.layer.1.intermediate.dense.weight')?.shape).toEqual([16, 24]);
    expect(mlm.weights.get('bert.embeddings.word_embeddings.weight')).toBe(
      mlm.bert.weights.get('embeddings.word_embeddings.weight'),
    );
    expect([...mlm.weights.keys()].filter((name) => name.startsWith('cls.'))).toEqual([
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.bias',
    ]);
    expect(mlm.bert.hasPooler).toBe(false);
    expect(model.info).toEqual({
      modelType: 'bert',
      hiddenSize: 16,
      numHiddenLayers: 2,
      numAttentionHeads: 4,
      maxPositionEmbeddings: 12,
      vocabSize: 50,
    });
    // HF _init_weights: the padding row of the word embeddings starts at zero, LayerNorm γ = 1.
    const words = model.weights.get('embeddings.word_embeddings.weight')!.arraySync() as number[][];
    expect(words[0]!.every((value) => value === 0)).toBe(true);
    expect(words[1]!.some((value) => value !== 0)).toBe(true);
  });

  it('is seeded: the same seed gives the same weights', () => {
    const again = new BertModel(config, { seed: 3 });
    const name = 'encoder.layer.0.attention.self.key.weight';
    expect(again.weights.get(name)!.dataSync()).toEqual(model.weights.get(name)!.dataSync());
    again.dispose();
  });

  it('dropout is off by default, on with training, reproducible with a dropout seed', () => {
    const values = (options: object) => {
      const output = model.forward(batch, options);
      const data = Array.from(output.lastHiddenState.dataSync());
      disposeOutput(output);
      return data;
    };
    expect(values({})).toEqual(values({ training: false }));
    expect(values({ training: true })).not.toEqual(values({}));
    expect(values({ training: true, dropoutSeed: 5 })).toEqual(values({ training: true, dropoutSeed: 5 }));
    expect(values({ training: true, dropoutSeed: 5 })).not.toEqual(
      values({ training: true, dropoutSeed: 6 }),
    );
  });

  it('padding does not change the outputs of real tokens', () => {
    const padded = model.forward(batch);
    const alone = model.forward({ inputIds: [[2, 7, 9, 3]] });
    const paddedRow = tf.slice(padded.lastHiddenState, [0, 0, 0], [1, 4, 16]);
    expect(tf.max(tf.abs(tf.sub(paddedRow, alone.lastHiddenState))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose(paddedRow);
    disposeOutput(padded);
    disposeOutput(alone);
  });

  it('does not leak tensors across 100 forward calls (with hidden states and attentions)', () => {
    const warm = mlm.forward(batch, { outputHiddenStates: true, outputAttentions: true, training: true });
    disposeOutput(warm);
    const before = tf.memory().numTensors;
    for (let call = 0; call < 100; call++) {
      const output =
        call % 2 === 0
          ? mlm.forward(batch, { outputHiddenStates: true, outputAttentions: true, training: call % 4 === 0 })
          : model.forward(batch);
      disposeOutput(output);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not leak in encode, predictMasked or on invalid input', async () => {
    const before = tf.memory().numTensors;
    await model.encode(batch, { outputHiddenStates: true });
    await mlm.predictMasked(batch);
    expect(() =>
      model.forward({
        inputIds: batch.inputIds,
        tokenTypeIds: [
          [0, 0, 0, 0, 0, 5],
          [0, 0, 0, 0, 0, 0],
        ],
      }),
    ).toThrow(InvalidArgumentError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates input with clear messages', () => {
    expect(() => model.forward({ inputIds: [[1, 2], [3]] })).toThrow(
      "Argument 'inputIds' passed to 'BertModel.forward' must be a rectangular [batch, sequence] batch (row 0 has 2 tokens), got an array of length 1",
    );
    expect(() => model.forward({ inputIds: [[1, 50]] })).toThrow('must be ids in [0, 49], got 50');
    expect(() => model.forward({ inputIds: [[1, 2.5]] })).toThrow(
      "Argument 'inputIds[0][1]' passed to 'BertModel.forward' must be an int32 integer, got 2.5",
    );
    expect(() => model.forward({ inputIds: [Array(13).fill(1)] })).toThrow(
      'rows of at most 12 tokens, got 13',
    );
    expect(() => model.forward({ inputIds: [[1, 2]], attentionMask: [[1, 1, 1]] })).toThrow(
      'shape [1, 2] like the input',
    );
    expect(() => model.forward({ inputIds: [] })).toThrow('a non-empty batch');
    expect(() => model.forward({ inputIds: { data: new Int32Array(3), shape: [2, 2] } })).toThrow(
      '4 values for shape [2, 2]',
    );
    // TensorData values that an int32 cast would silently change (2.5 → 2, NaN → 0) are refused
    // (plain JavaScript callers can pass any array).
    const floats = new Float32Array([1, 2.5]) as unknown as Int32Array;
    expect(() => model.forward({ inputIds: { data: floats, shape: [1, 2] } })).toThrow(
      "Argument 'inputIds.data[1]' passed to 'BertModel.forward' must be an int32 integer, got 2.5",
    );
    expect(() =>
      model.forward({
        inputIds: [[1, 2]],
        attentionMask: { data: [1, Number.NaN] as unknown as Int32Array, shape: [1, 2] },
      }),
    ).toThrow("Argument 'attentionMask.data[1]' passed to 'BertModel.forward' must be an int32 integer");
    const ids = tf.tensor1d([1, 2], 'int32');
    expect(() => model.forward({ inputIds: ids })).toThrow('a rank-2 [batch, sequence] tensor');
    ids.dispose();
    const disposed = new BertModel(config);
    disposed.dispose();
    disposed.dispose();
    expect(() => disposed.forward(batch)).toThrow('a model that has not been disposed');
    const disposedMaskedLM = new BertForMaskedLM(config);
    disposedMaskedLM.dispose();
    const before = tf.memory().numTensors;
    expect(() => disposedMaskedLM.forward(batch)).toThrow(
      "Argument 'this' passed to 'BertForMaskedLM.forward' must be a model that has not been disposed",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('MLM applyHead on a subset of positions equals the full logits there', () => {
    const output = mlm.forwardMasked(batch);
    const picked = tf.gather(tf.reshape(output.lastHiddenState, [-1, 16]), tf.tensor1d([1, 8], 'int32'));
    const head = mlm.applyHead(picked);
    const full = tf.gather(tf.reshape(output.logits, [-1, 50]), tf.tensor1d([1, 8], 'int32'));
    expect(tf.max(tf.abs(tf.sub(head, full))).dataSync()[0]).toBeLessThan(1e-5);
    disposeOutput(output);
    tf.dispose([picked, head, full]);
  });
});

describe('model size guard', () => {
  it('counts parameters without building them (bert-base: 109,482,240 as HF reports) and refuses absurd configs', () => {
    expect(encoderParameterCount(new BertConfig(), true)).toBe(109_482_240);
    const small = new BertConfig({
      vocabSize: 50,
      hiddenSize: 16,
      numAttentionHeads: 4,
      intermediateSize: 24,
    });
    const specs = new BertModel(small, { seed: 1 });
    const values = [...specs.weights.values()].reduce((sum, variable) => sum + variable.size, 0);
    expect(encoderParameterCount(small, true)).toBe(values);
    specs.dispose();
    const before = tf.memory().numTensors;
    for (const options of [
      { numHiddenLayers: 1e7 },
      { vocabSize: 5e7 },
      { hiddenSize: 1e9, numAttentionHeads: 4 },
    ]) {
      expect(() => new BertModel(new BertConfig(options))).toThrow(
        /must be a model of at most 2147483648 parameters/,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('applyActivation against PyTorch', () => {
  beforeAll(() => selectBackend({ backend: 'cpu' }));
  for (const name of ['gelu', 'gelu_new', 'relu', 'silu'] as const) {
    it(name, () => {
      const output = applyActivation(tf.tensor1d(parity.activations.x), name);
      const values = output.dataSync();
      parity.activations[name].forEach((expected, index) => {
        expect(Math.abs((values[index] as number) - expected)).toBeLessThan(2e-6);
      });
      output.dispose();
    });
  }
});
