import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { embeddingLookup } from './embedding-lookup.js';
import { registerGradients } from './register-gradients.js';

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`embeddingLookup on ${backend}`, () => {
    it('returns the rows and sums the gradient of repeated ids', async () => {
      await selectBackend({ backend });
      registerGradients();
      const table = tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const ids = tf.tensor1d([2, 0, 2], 'int32');
      expect(embeddingLookup(table, ids).arraySync()).toEqual([
        [5, 6],
        [1, 2],
        [5, 6],
      ]);
      const weights = tf.tensor2d([
        [1, 10],
        [100, 1000],
        [2, 3],
      ]);
      const [gradient] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids), weights)))([
        table,
      ]);
      // d/d table[2] = weights[0] + weights[2]; table[1] unused.
      expect(gradient!.arraySync()).toEqual([
        [100, 1000],
        [0, 0],
        [3, 13],
      ]);
      tf.dispose([table, ids, weights, gradient!]);
    });
  });
}
