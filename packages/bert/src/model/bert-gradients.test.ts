import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM } from '../node/node-models.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';

// Gradient check. Reference 1: PyTorch autograd of the same loss in float64
// (scripts/make-parity-fixture.py). Reference 2: central finite differences of our own forward pass.
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};
const positions: [number, number, number][] = [];
parity.labels.forEach((row, b) => {
  row.forEach((label, s) => {
    if (label >= 0) positions.push([b, s, label]);
  });
});

/** HF's masked-LM loss: mean cross-entropy over positions whose label is not -100. */
function maskedLMLoss(mlm: BertForMaskedLM): tf.Scalar {
  return tf.tidy(() => {
    const logits = mlm.forwardMasked(input).logits;
    const flat = tf.reshape(logits, [-1, mlm.config.vocabSize]);
    const rows = tf.tensor1d(
      positions.map(([b, s]) => b * (parity.labels[0] as number[]).length + s),
      'int32',
    );
    const picked = tf.gather(tf.logSoftmax(flat), rows);
    const targets = tf.oneHot(
      tf.tensor1d(
        positions.map(([, , label]) => label),
        'int32',
      ),
      mlm.config.vocabSize,
    );
    return tf.neg(tf.mean(tf.sum(tf.mul(picked, targets), -1))) as tf.Scalar;
  });
}

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`gradients on ${backend}`, () => {
    let mlm: BertForMaskedLM;
    beforeAll(async () => {
      await selectBackend({ backend });
      mlm = await BertForMaskedLM.fromPretrained(parityDirectory);
    });
    afterAll(() => mlm.dispose());

    it('loss and tf.grads match PyTorch autograd (embeddings through the tied decoder included)', () => {
      const loss = maskedLMLoss(mlm);
      expect(Math.abs(loss.dataSync()[0]! - parity.loss)).toBeLessThan(1e-4);
      loss.dispose();
      const names = Object.keys(parity.gradients);
      const variables = names.map((name) => mlm.weights.get(name) as tf.Variable);
      const { grads } = tf.variableGrads(() => maskedLMLoss(mlm), variables);
      for (const name of names) {
        const expected = parity.gradients[name]!;
        let gradient = grads[(mlm.weights.get(name) as tf.Variable).name] as tf.Tensor;
        // Linear weights are stored [in, out]; PyTorch's gradient is [out, in].
        if (name.endsWith('query.weight')) gradient = tf.transpose(gradient);
        const scale = Math.max(...expected.data.map(Math.abs));
        expect(scale).toBeGreaterThan(1e-3);
        expect(maxAbsDifference(gradient, expected) / scale, name).toBeLessThan(1e-4);
        if (name.endsWith('query.weight')) gradient.dispose();
      }
      tf.dispose(Object.values(grads));
    });

    it('tf.grads match central finite differences on single weights', () => {
      const checks: [string, number][] = [
        ['bert.encoder.layer.1.attention.self.value.weight', 37],
        ['bert.encoder.layer.0.output.dense.bias', 5],
        ['bert.embeddings.token_type_embeddings.weight', 40],
        ['cls.predictions.transform.dense.weight', 101],
      ];
      const variables = checks.map(([name]) => mlm.weights.get(name) as tf.Variable);
      const { grads } = tf.variableGrads(() => maskedLMLoss(mlm), variables);
      const epsilon = 1e-2;
      for (const [name, index] of checks) {
        const variable = mlm.weights.get(name) as tf.Variable;
        const analytic = (grads[variable.name] as tf.Tensor).dataSync()[index] as number;
        const original = variable.dataSync().slice();
        const lossAt = (delta: number): number => {
          const shifted = original.slice();
          shifted[index] = (shifted[index] as number) + delta;
          variable.assign(tf.tensor(shifted, variable.shape));
          const loss = maskedLMLoss(mlm);
          const value = loss.dataSync()[0] as number;
          loss.dispose();
          return value;
        };
        const numeric = (lossAt(epsilon) - lossAt(-epsilon)) / (2 * epsilon);
        variable.assign(tf.tensor(original, variable.shape));
        expect(Math.abs(analytic), name).toBeGreaterThan(1e-3);
        expect(Math.abs(numeric - analytic) / Math.abs(analytic), name).toBeLessThan(2e-2);
      }
      tf.dispose(Object.values(grads));
    });
  });
}
