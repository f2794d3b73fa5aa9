import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { registerGradients } from './register-gradients.js';

// Each registered gradient against central finite differences of the op itself (float32, ε = 1e-2,
// smooth inputs away from kinks), and a few hand-derived values.
const cases: [string, (x: tf.Tensor) => tf.Tensor][] = [
  [
    'add/sub/mul/div with broadcasting',
    (x) => {
      const m = tf.reshape(x, [2, 3]);
      return tf.div(
        tf.mul(tf.sub(tf.add(m, tf.tensor1d([1, 2, 3])), 0.5), m),
        tf.add(tf.square(m), tf.tensor2d([[1], [2]])),
      );
    },
  ],
  [
    'squaredDifference, maximum, minimum',
    (x) => {
      const m = tf.reshape(x, [2, 3]);
      return tf.add(
        tf.squaredDifference(m, tf.tensor1d([0.1, -0.2, 0.3])),
        tf.minimum(tf.maximum(m, 0.05), 0.9),
      );
    },
  ],
  [
    'exp, log, sqrt, rsqrt, abs, neg',
    (x) =>
      tf.neg(
        tf.add(
          tf.add(tf.exp(x), tf.log(tf.add(tf.abs(x), 1))),
          tf.add(tf.sqrt(tf.add(x, 3)), tf.rsqrt(tf.add(x, 3))),
        ),
      ),
  ],
  [
    'tanh, sigmoid, relu, erf',
    (x) => tf.add(tf.add(tf.tanh(x), tf.sigmoid(x)), tf.add(tf.relu(x), tf.erf(x))),
  ],
  [
    'reshape, transpose, slice, pad',
    (x) =>
      tf.pad(tf.slice(tf.transpose(tf.reshape(x, [2, 3]), [1, 0]), [1, 0], [2, 2]), [
        [1, 0],
        [0, 2],
      ]),
  ],
  [
    'sum, mean, max, softmax',
    (x) =>
      tf.add(
        tf.mul(tf.softmax(tf.reshape(x, [2, 3])), tf.mean(x)),
        tf.add(tf.sum(tf.reshape(x, [2, 3]), 1, true), tf.max(tf.reshape(x, [2, 3]), 1, true)),
      ),
  ],
  [
    'batched matMul with every transpose',
    (x) => {
      const a = tf.reshape(x, [1, 2, 3]);
      const b = tf.reshape(tf.add(tf.reverse(x), 0.3), [1, 3, 2]);
      return tf.add(
        tf.add(tf.matMul(a, b), tf.matMul(b, a, true, true)),
        tf.sum(tf.add(tf.matMul(a, a, false, true), tf.matMul(b, b, true, false))),
      );
    },
  ],
  [
    'gather (axis 0), concat, stack, unstack, split, where, clip',
    (x) => {
      const rows = tf.reshape(x, [3, 2]);
      const gathered = tf.gather(rows, tf.tensor1d([2, 0, 2], 'int32'));
      const joined = tf.concat([gathered, rows], 0);
      const [first, second] = tf.split(joined, [2, 4], 0);
      const stacked = tf.stack(tf.unstack(second as tf.Tensor, 0), 1);
      const chosen = tf.where(tf.greater(x, 0), tf.clipByValue(x, -0.5, 0.45), tf.mul(x, 3));
      return tf.add(tf.sum(first as tf.Tensor), tf.add(tf.sum(tf.square(stacked)), tf.sum(chosen)));
    },
  ],
];

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`registered gradients on ${backend}`, () => {
    beforeAll(async () => {
      await selectBackend({ backend });
      registerGradients();
    });

    for (const [name, op] of cases) {
      it(name, () => {
        const point = [0.31, -0.73, 0.12, 0.58, -0.26, 0.87];
        const loss = (values: number[]) =>
          tf.tidy(() => tf.sum(tf.mul(op(tf.tensor1d(values)), 1.3)).dataSync()[0] as number);
        const [gradient] = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(op(x), 1.3)))([tf.tensor1d(point)]);
        const analytic = gradient!.dataSync();
        point.forEach((value, index) => {
          const epsilon = 1e-2;
          const plus = point.slice();
          const minus = point.slice();
          plus[index] = value + epsilon;
          minus[index] = value - epsilon;
          const numeric = (loss(plus) - loss(minus)) / (2 * epsilon);
          expect(Math.abs(numeric - (analytic[index] as number)), `${name} @${index}`).toBeLessThan(
            5e-3 * Math.max(1, Math.abs(numeric)),
          );
        });
        gradient!.dispose();
      });
    }

    it('hand values: d erf(0) = 2/√π, d softmax sums to zero', () => {
      const [erf] = tf.grads((x: tf.Tensor) => tf.erf(x))([tf.scalar(0)]);
      expect(erf!.dataSync()[0]).toBeCloseTo(2 / Math.sqrt(Math.PI), 6);
      const [soft] = tf.grads((x: tf.Tensor) => tf.mul(tf.softmax(x), tf.tensor1d([1, 2, 3])))([
        tf.tensor1d([0.1, 0.2, 0.3]),
      ]);
      expect(Math.abs(tf.sum(soft!).dataSync()[0] as number)).toBeLessThan(1e-6);
      tf.dispose([erf!, soft!]);
    });
  });
}
