import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { BertConfig } from '../config/bert-config.js';
import { BertForMaskedLM, BertModel } from '../node/node-models.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';
import { attentionMaskValue } from './bert-encoder-forward.js';
import { disposeOutput } from './bert-model.js';

const tolerance = 1e-4;
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`inputsEmbeds on ${backend} (PyTorch reference)`, () => {
    let encoder: BertModel;
    beforeAll(async () => {
      await selectBackend({ backend });
      encoder = await BertModel.fromPretrained(parityDirectory);
    });
    afterAll(() => encoder.dispose());

    it('word vectors in (HF inputs_embeds) give the PyTorch hidden states of the ids', () => {
      const words = encoder.embedTokens(parity.inputIds);
      expect(words.shape).toEqual([3, 11, 32]);
      const output = encoder.forward({
        inputsEmbeds: words,
        attentionMask: input.attentionMask,
        tokenTypeIds: input.tokenTypeIds,
      });
      expect(maxAbsDifference(output.lastHiddenState, parity.lastHiddenState)).toBeLessThan(tolerance);
      expect(maxAbsDifference(output.poolerOutput as tf.Tensor, parity.poolerOutput)).toBeLessThan(tolerance);
      // The same vectors gathered by hand from the exposed table (HF get_input_embeddings).
      const table = encoder.getInputEmbeddings();
      expect(table).toBe(encoder.weights.get('embeddings.word_embeddings.weight'));
      const gathered = tf.gather(table, tf.tensor2d(parity.inputIds, undefined, 'int32'));
      expect(tf.max(tf.abs(tf.sub(gathered, words))).dataSync()[0]).toBe(0);
      tf.dispose([words, gathered]);
      disposeOutput(output);
    });

    it('soft-prompt gradients reach inputsEmbeds; no tensor is left behind', () => {
      const before = tf.memory().numTensors;
      const initial = tf.randomNormal([1, 2, 32], 0, 0.1, 'float32', 5);
      const prompt = tf.variable(initial);
      initial.dispose();
      const grads = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const words = encoder.embedTokens([[2, 15, 27, 3]]);
          const embeds = tf.concat(
            [tf.slice(words, [0, 0, 0], [1, 1, 32]), prompt, tf.slice(words, [0, 1, 0], [1, 3, 32])],
            1,
          );
          const { lastHiddenState, poolerOutput } = encoder.forward(
            { inputsEmbeds: embeds },
            { training: true, dropoutSeed: 9 },
          );
          tf.dispose(poolerOutput);
          return tf.sum(tf.square(lastHiddenState)) as tf.Scalar;
        }, [prompt]);
        value.dispose();
        return grads;
      });
      const gradient = grads[prompt.name] as tf.Tensor;
      expect(gradient.shape).toEqual([1, 2, 32]);
      const total = tf.tidy(() => tf.sum(tf.abs(gradient)));
      expect(total.dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([gradient, prompt, total]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('input checks (typed errors, no tensor left behind)', () => {
  const config = new BertConfig({
    vocabSize: 50,
    hiddenSize: 16,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
    maxPositionEmbeddings: 12,
  });
  let model: BertModel;
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
    model = new BertModel(config, { seed: 1 });
  });
  afterAll(() => model.dispose());

  const throwsTyped = (run: () => unknown, message: string | RegExp) => {
    const before = tf.memory().numTensors;
    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  };

  it('exactly one of inputIds and inputsEmbeds', () => {
    const embeds = tf.zeros([1, 2, 16]);
    throwsTyped(
      () => model.forward({ inputIds: [[1, 2]], inputsEmbeds: embeds } as never),
      'must be exactly one of inputIds and inputsEmbeds, got "both"',
    );
    throwsTyped(() => model.forward({} as never), 'exactly one of inputIds and inputsEmbeds, got "neither"');
    const wrongWidth = tf.zeros([1, 2, 8]);
    throwsTyped(() => model.forward({ inputsEmbeds: wrongWidth }), 'a [batch, sequence, 16] tensor');
    const integers = tf.zeros([1, 2, 16], 'int32');
    throwsTyped(() => model.forward({ inputsEmbeds: integers }), 'a float32 tensor');
    throwsTyped(
      () => model.forward({ inputsEmbeds: embeds, attentionMask: [[1, 1, 1]] }),
      'shape [1, 2] like the input',
    );
    tf.dispose([embeds, wrongWidth, integers]);
  });

  it('ids at or past 2**32 do not wrap to [PAD]; float ids are not truncated', () => {
    throwsTyped(
      () => model.forward({ inputIds: [[1, 2 ** 32]] }),
      "'inputIds[0][1]' passed to 'BertModel.forward' must be an int32 integer, got 4294967296",
    );
    throwsTyped(() => model.forward({ inputIds: [[1, 2 ** 32 + 3]] }), 'an int32 integer');
    const floats = tf.tensor2d([[1, 2.5]], undefined, 'float32');
    throwsTyped(
      () => model.forward({ inputIds: floats }),
      "'inputIds[1]' passed to 'BertModel.forward' must be an int32 integer, got 2.5",
    );
    floats.dispose();
  });

  it('tensor inputs are range-checked like arrays: ids, mask values, token types', () => {
    const tensors = {
      outOfVocabulary: tf.tensor2d([[1, 50]], undefined, 'int32'),
      negative: tf.tensor2d([[-1, 3]], undefined, 'int32'),
      floatOutOfVocabulary: tf.tensor2d([[1, 77]], undefined, 'float32'),
      ids: tf.tensor2d([[1, 2]], undefined, 'int32'),
      maskTwo: tf.tensor2d([[1, 2]], undefined, 'int32'),
      maskHalf: tf.tensor2d([[1, 0.5]], undefined, 'float32'),
      types: tf.tensor2d([[0, 2]], undefined, 'int32'),
    };
    throwsTyped(
      () => model.forward({ inputIds: tensors.outOfVocabulary }),
      "'inputIds' passed to 'BertModel.forward' must be ids in [0, 49], got 50",
    );
    throwsTyped(() => model.forward({ inputIds: tensors.negative }), 'ids in [0, 49], got -1');
    throwsTyped(() => model.forward({ inputIds: tensors.floatOutOfVocabulary }), 'ids in [0, 49], got 77');
    throwsTyped(
      () => model.forward({ inputIds: tensors.ids, attentionMask: tensors.maskTwo }),
      "'attentionMask' passed to 'BertModel.forward' must be values 0 (padding) or 1 (token), got 2",
    );
    throwsTyped(
      () => model.forward({ inputIds: tensors.ids, attentionMask: tensors.maskHalf }),
      'an int32 integer, got 0.5',
    );
    throwsTyped(
      () => model.forward({ inputIds: [[1, 2]], attentionMask: [[1, 3]] }),
      'values 0 (padding) or 1 (token), got 3',
    );
    throwsTyped(
      () => model.forward({ inputIds: tensors.ids, tokenTypeIds: tensors.types }),
      "'tokenTypeIds' passed to 'BertModel.forward' must be segment ids in [0, 1] (typeVocabSize 2), got 2",
    );
    throwsTyped(() => model.forward({ inputIds: [[1, 2]], tokenTypeIds: [[0, 2]] }), 'segment ids in [0, 1]');
    tf.dispose(Object.values(tensors));
  });

  it('a fully padded row is finite (mask constant finite in float16), other rows unchanged', () => {
    // float16's largest finite value is 65504: the mask plus any plausible score must stay inside it.
    expect(Math.abs(attentionMaskValue) + 1000).toBeLessThan(65504);
    const output = model.forward({
      inputIds: [
        [2, 7, 3],
        [0, 0, 0],
      ],
      attentionMask: [
        [1, 1, 1],
        [0, 0, 0],
      ],
    });
    const values = output.lastHiddenState.dataSync();
    expect(values.every(Number.isFinite)).toBe(true);
    const alone = model.forward({ inputIds: [[2, 7, 3]] });
    expect(
      maxAbsDifference(tf.slice(output.lastHiddenState, [0, 0, 0], [1, 3, 16]), {
        shape: [1, 3, 16],
        data: Array.from(alone.lastHiddenState.dataSync()),
      }),
    ).toBeLessThan(1e-6);
    disposeOutput(output);
    disposeOutput(alone);
  });

  it('BertForMaskedLM.forward is the encoder (no logits) and shares its input embeddings', () => {
    const mlm = new BertForMaskedLM(config, { seed: 2 });
    const output = mlm.forward({ inputIds: [[2, 5, 3]] });
    expect(output).not.toHaveProperty('logits');
    expect(output.lastHiddenState.shape).toEqual([1, 3, 16]);
    expect(mlm.getInputEmbeddings()).toBe(mlm.weights.get('bert.embeddings.word_embeddings.weight'));
    disposeOutput(output);
    mlm.dispose();
  });
});
