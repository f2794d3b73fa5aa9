import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM, BertModel } from '../node/node-models.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';
import { disposeOutput } from './bert-model.js';

// Reference: packages/bert/scripts/make-parity-fixture.py (HF BertModel / BertForMaskedLM equations in
// PyTorch, float64), weights in fixtures/parity/model.safetensors.
const tolerance = 1e-4;
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};

for (const backend of ['cpu', 'wasm'] as BackendName[]) {
  describe(`parity with PyTorch on ${backend}`, () => {
    let mlm: BertForMaskedLM;
    let encoder: BertModel;
    beforeAll(async () => {
      await selectBackend({ backend });
      mlm = await BertForMaskedLM.fromPretrained(parityDirectory);
      encoder = await BertModel.fromPretrained(parityDirectory);
    });
    afterAll(() => {
      mlm.dispose();
      encoder.dispose();
    });

    it('runs on the requested backend', () => {
      expect(tf.getBackend()).toBe(backend);
    });

    it('matches last hidden state, pooler output, every hidden state and attention probabilities', () => {
      const output = encoder.forward(input, { outputHiddenStates: true, outputAttentions: true });
      expect(maxAbsDifference(output.lastHiddenState, parity.lastHiddenState)).toBeLessThan(tolerance);
      expect(maxAbsDifference(output.poolerOutput as tf.Tensor, parity.poolerOutput)).toBeLessThan(tolerance);
      expect(output.hiddenStates).toHaveLength(3);
      output.hiddenStates?.forEach((hidden, index) => {
        expect(maxAbsDifference(hidden, parity.hiddenStates[index] as never)).toBeLessThan(tolerance);
      });
      expect(output.attentions).toHaveLength(2);
      output.attentions?.forEach((attention, index) => {
        expect(maxAbsDifference(attention, parity.attentions[index] as never)).toBeLessThan(tolerance);
      });
      disposeOutput(output);
    });

    it('matches the MLM logits (tied decoder) and gives padding keys zero attention', () => {
      const output = mlm.forwardMasked(input, { outputAttentions: true });
      expect(maxAbsDifference(output.logits, parity.logits)).toBeLessThan(tolerance);
      // Row 1 has 6 real tokens: probabilities on keys 6..10 are exactly 0 (exp(-10000) in float32).
      const firstLayer = output.attentions?.[0] as tf.Tensor;
      const probabilities = firstLayer.arraySync() as number[][][][];
      expect((probabilities[1]?.[0]?.[0] ?? []).slice(6)).toEqual([0, 0, 0, 0, 0]);
      disposeOutput(output);
    });

    it('encode() and predictMasked() return the same values as TensorData', async () => {
      const encoded = await encoder.encode(input);
      expect(encoded.lastHiddenState.shape).toEqual(parity.lastHiddenState.shape);
      let worst = 0;
      encoded.lastHiddenState.data.forEach((value, index) => {
        worst = Math.max(worst, Math.abs(value - (parity.lastHiddenState.data[index] as number)));
      });
      expect(worst).toBeLessThan(tolerance);
      const predicted = await mlm.predictMasked(input);
      expect(predicted.logits.shape).toEqual(parity.logits.shape);
      expect(Math.abs((predicted.logits.data[5] as number) - (parity.logits.data[5] as number))).toBeLessThan(
        tolerance,
      );
    });

    it('accepts tensors and TensorData inputs with the same result', () => {
      const ids = tf.tensor2d(parity.inputIds, undefined, 'int32');
      const mask = tf.tensor2d(parity.attentionMask, undefined, 'float32');
      const fromTensors = encoder.forward({
        inputIds: ids,
        attentionMask: mask,
        tokenTypeIds: tf.tensor2d(parity.tokenTypeIds, undefined, 'int32'),
      });
      expect(maxAbsDifference(fromTensors.lastHiddenState, parity.lastHiddenState)).toBeLessThan(tolerance);
      const shape = [parity.inputIds.length, (parity.inputIds[0] as number[]).length];
      const fromData = encoder.forward({
        inputIds: { data: Int32Array.from(parity.inputIds.flat()), shape },
        attentionMask: { data: Int32Array.from(parity.attentionMask.flat()), shape },
        tokenTypeIds: { data: Int32Array.from(parity.tokenTypeIds.flat()), shape },
      });
      expect(maxAbsDifference(fromData.lastHiddenState, parity.lastHiddenState)).toBeLessThan(tolerance);
      tf.dispose([ids, mask]);
      disposeOutput(fromTensors);
      disposeOutput(fromData);
    });
  });
}
