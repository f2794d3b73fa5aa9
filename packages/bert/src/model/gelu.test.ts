import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { parity } from '../test-support/parity-fixture.js';
import { gelu, rationalErf } from './gelu.js';
import { registerGradients } from './register-gradients.js';

// References: Python's math.erf on a dense grid (values below) and PyTorch's F.gelu (fixture).
const erfTable: [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [3, 0.9999779095030014],
  [3.9, 0.9999999652077514],
  [6, 1],
];

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`gelu on ${backend}`, () => {
    it('rationalErf is within 4e-7 of math.erf, odd, and saturates', async () => {
      await selectBackend({ backend });
      const xs = erfTable.flatMap(([x]) => [x, -x]);
      const values = rationalErf(tf.tensor1d(xs)).dataSync();
      erfTable.forEach(([, expected], index) => {
        expect(Math.abs((values[2 * index] as number) - expected)).toBeLessThan(4e-7);
        expect(Math.abs((values[2 * index + 1] as number) + expected)).toBeLessThan(4e-7);
      });
    });

    it('gelu matches PyTorch F.gelu and has the analytic gradient Φ(x) + x·φ(x)', async () => {
      await selectBackend({ backend });
      registerGradients();
      const x = tf.tensor1d(parity.activations.x);
      const values = gelu(x).dataSync();
      parity.activations.gelu.forEach((expected, index) => {
        expect(Math.abs((values[index] as number) - expected)).toBeLessThan(2e-6);
      });
      const [gradient] = tf.grads((input: tf.Tensor) => gelu(input))([tf.tensor1d([-1, 0, 2])]);
      // Φ(−1) − φ(−1) = 0.158655 − 0.241971; Φ(0) = 0.5; Φ(2) + 2φ(2) = 0.977250 + 0.107982
      const expected = [0.158655254 - 0.241970725, 0.5, 0.977249868 + 2 * 0.053990967];
      Array.from(gradient!.dataSync()).forEach((value, index) => {
        expect(Math.abs(value - (expected[index] as number))).toBeLessThan(2e-6);
      });
      tf.dispose([x, gradient!]);
    });
  });
}
