import { registerGradients, selectBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from './classification-losses.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  registerGradients(); // as the Trainer does: tfjs-core alone lacks some of these gradients
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('sigmoidBinaryCrossEntropy', () => {
  it('equals mean(log(1 + e^x) − x·y) and its gradient is (σ(x) − y) / n, also at x = 0 and for large |x|', () => {
    const x = [0, 0, 2, -3, 100, -100];
    const y = [1, 0, 1, 0, 0, 1];
    const before = tf.memory().numTensors;
    const initial = tf.tensor2d(x, [2, 3]);
    const logits = tf.variable(initial, true, 'bce-logits');
    initial.dispose();
    const { value, grads } = tf.variableGrads(
      () => sigmoidBinaryCrossEntropy(logits as unknown as tf.Tensor2D, Float32Array.from(y)),
      [logits],
    );
    const cells = x.map((xi, i) => Math.max(xi, 0) + Math.log1p(Math.exp(-Math.abs(xi))) - xi * y[i]!);
    expect(value.dataSync()[0]).toBeCloseTo(cells.reduce((a, b) => a + b, 0) / x.length, 4);
    const gradient = Array.from(Object.values(grads)[0]!.dataSync());
    for (const [i, g] of gradient.entries()) expect(g).toBeCloseTo((sigmoid(x[i]!) - y[i]!) / x.length, 6);
    tf.dispose([value, logits, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('softmaxCrossEntropy', () => {
  it('equals −mean log softmax at the target (hand-computed)', () => {
    const loss = softmaxCrossEntropy(
      tf.tensor2d([
        [2, 0],
        [0, 2],
      ]),
      Int32Array.of(0, 1),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 6);
    loss.dispose();
  });
});
