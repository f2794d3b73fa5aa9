import { registerGradients, selectBackend } from '@icd/bert';
import { MockTokenizer } from '@icd/core/test';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MixedTemplate } from './mixed-template.js';
import { SoftTemplate } from './soft-template.js';

// ids: [PAD] 0 [UNK] 1 [CLS] 2 [SEP] 3 [MASK] 4, the 5, it 6, was 7, a 8, b 9.
const tokenizer = new MockTokenizer(['the', 'it', 'was', 'a', 'b']);
const hidden = 3;
let table: tf.Variable;
const model = { getInputEmbeddings: () => table as tf.Tensor };
const row = (id: number) => [id + 0.1, id + 0.2, id + 0.3];

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  registerGradients();
  table = tf.variable(tf.tensor2d(Array.from({ length: 10 }, (_, id) => row(id))));
});
afterAll(() => table.dispose());

const docstring =
  '{"soft": None} {"soft": "the", "soft_id": 1} {"soft": None} {"soft": "it", "soft_id": 3} {"soft_id": 1} {"soft": "was"} {"mask"}';

describe('MixedTemplate', () => {
  it('numbers soft tokens as OpenPrompt and starts word-initialised ones from their embeddings', () => {
    const template = new MixedTemplate({ tokenizer, model, text: docstring, seed: 3 });
    expect(template.softTokenIds).toEqual([1, 2, 3, 4, 2, 5, 0]);
    expect(template.numSoftTokens).toBe(5);
    const soft = template.weights.get('soft_embedding.weight')!.arraySync() as number[][];
    expect(soft).toHaveLength(6);
    expect(soft[2]).toEqual(row(5).map((v) => Math.fround(v)));
    expect(soft[4]).toEqual(row(6).map((v) => Math.fround(v)));
    expect(soft[5]).toEqual(row(7).map((v) => Math.fround(v)));
    // Rows without initial words are N(0, 1) draws, not copies of the table.
    expect(soft[1]).not.toEqual(soft[3]);
    template.dispose();
  });

  it('puts soft rows at soft positions and word embeddings elsewhere (inputsEmbeds)', () => {
    const template = new MixedTemplate({
      tokenizer,
      model,
      text: '{"placeholder":"text_a"} {"soft": "the"} {"soft"} {"mask"}',
    });
    const batch = template.wrapBatch(['a b', 'a']);
    expect(Array.from(batch.softTokenIds.data)).toEqual([0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0]);
    const before = tf.memory().numTensors;
    const inputs = template.forward(batch, table as unknown as tf.Tensor2D);
    const embeds = inputs.inputsEmbeds!.arraySync();
    const soft = template.weights.get('soft_embedding.weight')!.arraySync() as number[][];
    const f = (values: number[]) => values.map((v) => Math.fround(v));
    expect(embeds[0]).toEqual([f(row(2)), f(row(8)), f(row(9)), soft[1], soft[2], f(row(4)), f(row(3))]);
    expect(embeds[1]!.slice(0, 6)).toEqual([f(row(2)), f(row(8)), soft[1], soft[2], f(row(4)), f(row(3))]);
    expect(inputs.maskPositions.arraySync()).toEqual([[5], [4]]);
    expect(inputs.attentionMask.arraySync()).toEqual([
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0],
    ]);
    tf.dispose(Object.values(inputs));
    expect(tf.memory().numTensors).toBe(before);
    template.dispose();
  });

  it('sends gradients to the soft rows used, and to word rows only at hard positions', () => {
    const template = new MixedTemplate({
      tokenizer,
      model,
      text: '{"placeholder":"text_a"} {"soft": "the"} {"mask"}',
    });
    const batch = template.wrapBatch(['a']);
    const soft = template.weights.get('soft_embedding.weight')!;
    const { grads } = tf.variableGrads(() => {
      const inputs = template.forward(batch, table as unknown as tf.Tensor2D);
      return tf.sum(inputs.inputsEmbeds!) as tf.Scalar;
    }, [soft, table]);
    expect(grads[soft.name]!.arraySync()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    // [CLS] a [soft] [MASK] [SEP]: rows 2, 8, 4, 3 get gradient, row 0 (the id under the soft token) none.
    const tableGradient = grads[table.name]!.arraySync() as number[][];
    expect(tableGradient.map((r) => r[0])).toEqual([0, 0, 1, 1, 1, 0, 0, 0, 1, 0]);
    tf.dispose(Object.values(grads));
    template.dispose();
  });

  it('reloads saved soft embeddings and checks their shape', () => {
    const saved = tf.tensor2d([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    const template = new MixedTemplate({ tokenizer, text: '{"soft"} {"mask"}', softEmbedding: saved });
    expect(template.weights.get('soft_embedding.weight')!.arraySync()).toEqual(saved.arraySync());
    expect(
      () => new MixedTemplate({ tokenizer, text: '{"soft"} {"soft"} {"mask"}', softEmbedding: saved }),
    ).toThrow(/\[3, hidden\]/);
    expect(() => new MixedTemplate({ tokenizer, text: '{"soft"} {"mask"}' })).toThrow(/getInputEmbeddings/);
    saved.dispose();
    template.dispose();
  });
});

describe('SoftTemplate', () => {
  it('prepends numTokens vectors before [CLS], extends the mask and shifts the mask positions', () => {
    const template = new SoftTemplate({
      tokenizer,
      model,
      text: '{"placeholder":"text_a"} {"mask"}',
      numTokens: 2,
      maxLength: 8,
    });
    // Initialised from the first two vocabulary rows, as OpenPrompt's initialize_from_vocab.
    const f = (values: number[]) => values.map((v) => Math.fround(v));
    expect(template.weights.get('soft_embeds')!.arraySync()).toEqual([f(row(0)), f(row(1))]);
    const batch = template.wrapBatch(['a b c d e']);
    // 8 positions: 2 soft + [CLS] + 3 note tokens + [MASK] + [SEP].
    expect(batch.inputIds.shape).toEqual([1, 6]);
    const inputs = template.forward(batch, table as unknown as tf.Tensor2D);
    expect(inputs.inputsEmbeds!.shape).toEqual([1, 8, hidden]);
    expect(inputs.attentionMask.arraySync()).toEqual([[1, 1, 1, 1, 1, 1, 1, 1]]);
    expect(inputs.maskPositions.arraySync()).toEqual([[6]]);
    tf.dispose(Object.values(inputs));
    expect(template.toJSON()).toEqual({
      type: 'soft',
      text: '{"placeholder":"text_a"} {"mask"}',
      maxLength: 8,
      truncation: 'tail',
      numTokens: 2,
    });
    template.dispose();
    expect(() => new SoftTemplate({ tokenizer, model, text: '{"soft"} {"mask"}' })).toThrow(
      /use MixedTemplate/,
    );
  });
});
