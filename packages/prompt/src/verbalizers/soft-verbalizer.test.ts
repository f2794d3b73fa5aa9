import { registerGradients, selectBackend } from '@icd/bert';
import { UnsupportedError } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskOutputsFromHidden } from './mask-outputs.js';
import { SoftVerbalizer } from './soft-verbalizer.js';

// ids: a 5, b 6, c 7.
const tokenizer = new MockTokenizer(['a', 'b', 'c']);
const decoderRows = [
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
  [0, 0],
  [1, 2],
  [3, 6],
  [-1, 1],
];

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  registerGradients();
});

describe('SoftVerbalizer', () => {
  it("starts Θ from the mean decoder row of each class's first label word pieces", () => {
    const weight = tf.tensor2d(decoderRows);
    const verbalizer = new SoftVerbalizer({
      tokenizer,
      model: { getMaskedLMDecoder: () => ({ weight }) },
      labelWords: { X: ['a b', 'c'], Y: ['c'] },
    });
    // X: mean of rows 5 and 6 (the second word "c" is not used, as in OpenPrompt); Y: row 7.
    expect(verbalizer.weights.get('head_last_layer.weight')!.arraySync()).toEqual([
      [2, 4],
      [-1, 1],
    ]);
    expect(verbalizer.labelWords).toEqual([' a b', ' c']);
    expect(verbalizer.postLogSoftmax).toBe(false);
    weight.dispose();
    verbalizer.dispose();
  });

  it('scores transform(h)·Θᵀ and never computes vocabulary logits', () => {
    const classWeight = tf.tensor2d([
      [1, 0],
      [0.5, -1],
      [2, 2],
    ]);
    const verbalizer = new SoftVerbalizer({ classes: ['X', 'Y', 'Z'], classWeight });
    const hidden = tf.tensor2d([
      [1, 2],
      [-1, 0.5],
    ]);
    let transforms = 0;
    const outputs = maskOutputsFromHidden(hidden as tf.Tensor2D, {
      transform: (h) => {
        transforms += 1;
        return tf.mul(h, 2) as tf.Tensor2D;
      },
      decode: () => {
        throw new Error('the vocabulary projection must not run');
      },
    });
    const before = tf.memory().numTensors;
    const scores = verbalizer.processOutputs(outputs);
    // t = 2h: [2, 4] and [-2, 1]; scores = t·Θᵀ.
    expect(scores.arraySync()).toEqual([
      [2, -3, 12],
      [-2, -2, -2],
    ]);
    expect(transforms).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(() => verbalizer.processLogits(tf.zeros([1, 8]) as tf.Tensor2D)).toThrow(UnsupportedError);
    tf.dispose([scores, hidden, classWeight]);
    verbalizer.dispose();
  });

  it('trains Θ only, and starts at random with a given hidden size', () => {
    const verbalizer = new SoftVerbalizer({ classes: ['X', 'Y'], hiddenSize: 4, seed: 1 });
    const theta = verbalizer.weights.get('head_last_layer.weight')!;
    const values = theta.dataSync();
    expect(values.every((v) => Math.abs(v) <= 0.5)).toBe(true);
    const hidden = tf.variable(tf.ones([1, 4]));
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          verbalizer.processOutputs(
            maskOutputsFromHidden(hidden as unknown as tf.Tensor2D, {
              transform: (h) => h,
              decode: (t) => t,
            }),
          ),
        ) as tf.Scalar,
      [theta],
    );
    expect(grads[theta.name]!.arraySync()).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(() => new SoftVerbalizer({ classes: ['X'] })).toThrow(/hiddenSize/);
    expect(() => new SoftVerbalizer({ labelWords: { X: ['a'] }, tokenizer })).toThrow(/getMaskedLMDecoder/);
    tf.dispose([hidden, ...Object.values(grads)]);
    verbalizer.dispose();
  });
});
