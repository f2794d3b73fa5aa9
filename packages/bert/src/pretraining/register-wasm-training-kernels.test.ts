import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { registerGradients } from '../model/register-gradients.js';
import { formatDuration } from './progress-reporter.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  registerGradients();
  await selectBackend({ backend: 'wasm' });
}, 60_000);

afterAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('registerWasmTrainingKernels', () => {
  it('adds UnsortedSegmentSum to wasm (hand-computed), so gather has a gradient there', () => {
    const sums = tf.unsortedSegmentSum(
      tf.tensor2d([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
      tf.tensor1d([0, 2, 0], 'int32'),
      3,
    );
    expect(sums.arraySync()).toEqual([
      [4, 4],
      [0, 0],
      [2, 2],
    ]);
    const table = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      true,
      'wasm_kernel_test_table',
    );
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.gather(table, tf.tensor1d([0, 0, 2], 'int32'))) as tf.Scalar,
      [table],
    );
    // d/dtable Σ rows gathered: row 0 twice, row 2 once.
    expect(grads.wasm_kernel_test_table!.arraySync()).toEqual([
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
    tf.dispose([sums, table, ...Object.values(grads)]);
  });

  it('keeps BatchMatMul with transposed operands equal to the plain product', () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const b = tf.tensor3d([1, 0, 2, 1, 0, 3, -1, 2, 1, 0, 1, 1], [2, 3, 2]);
    // (Aᵀ B)[0] = [[1,3,5],[2,4,6]] · [[1,0],[2,1],[0,3]] = [[7, 18], [10, 22]], worked by hand.
    const aTransposedB = tf.matMul(a, b, true, false);
    expect((aTransposedB.arraySync() as number[][][])[0]).toEqual([
      [7, 18],
      [10, 22],
    ]);
    const reference = tf.matMul(a, tf.transpose(b, [0, 2, 1]));
    expect(tf.matMul(a, b, false, true).arraySync()).toEqual(reference.arraySync());
    // Xᵀ·Yᵀ with Y = Bᵀ is Aᵀ·B again.
    expect(tf.matMul(a, tf.transpose(b, [0, 2, 1]), true, true).arraySync()).toEqual(
      aTransposedB.arraySync(),
    );
    registerWasmTrainingKernels(); // idempotent: wrapping twice would still give the same products
    expect(tf.matMul(a, b, false, true).arraySync()).toEqual(reference.arraySync());
    tf.dispose([a, b, aTransposedB, reference]);
  });
});

describe('formatDuration', () => {
  it('formats seconds as s, m and h', () => {
    expect([5, 93, 7260, Number.NaN].map(formatDuration)).toEqual(['5s', '1m33s', '2h01m', '?']);
  });
});
