import type { BertForMaskedLM } from '@icd/bert';
import { selectBackend } from '@icd/bert';
import { LabelAttention, labelAttentionWeightNames } from '@icd/heads';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../runtime/onnx-classifier.js';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { labelAttentionReference, matrixOf } from '../test-support/head-reference.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

const cases = referenceCases();
const labels = ['I10', 'E11.9', 'J18.9', 'I48.91', 'N18.3'];
const inputOf = (c: { inputIds: number[][]; attentionMask: number[][]; tokenTypeIds: number[][] }) => ({
  inputIds: c.inputIds,
  attentionMask: c.attentionMask,
  tokenTypeIds: c.tokenTypeIds,
});
let mlm: BertForMaskedLM;
let head: LabelAttention;
let classifier: OnnxClassifier;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
  // initializerRange 0.5: peaked attention and logits of order 1, so 1e-4 is a tight tolerance.
  head = new LabelAttention({ labels, hiddenSize: 32, projectionSize: 12, seed: 9, initializerRange: 0.5 });
  classifier = await OnnxClassifier.load(await exportOnnx(mlm.bert, { head }));
});
afterAll(() => {
  classifier.dispose();
  head.dispose();
  mlm.dispose();
});

/** The tfjs head on the tfjs encoder's states. */
function tfjsOutputs(input: ReturnType<typeof inputOf>): { logits: Float32Array; attention: Float32Array } {
  return tf.tidy(() => {
    const { lastHiddenState } = mlm.bert.forward(input);
    const out = head.forward(lastHiddenState, tf.tensor2d(input.attentionMask, undefined, 'int32'));
    return {
      logits: out.logits.dataSync() as Float32Array,
      attention: out.labelAttention!.dataSync() as Float32Array,
    } as never;
  });
}

describe('exportOnnx(bert, { head: LabelAttention }): LAAT in the graph', () => {
  it('logits and label_attention equal the tfjs head and the hand-written eqs. 2–4 on PyTorch states (1e-4)', async () => {
    expect(classifier.labels).toEqual(labels);
    expect(classifier.outputNames).toEqual([
      'last_hidden_state',
      'pooler_output',
      'logits',
      'label_attention',
    ]);
    const weights = {
      W: await matrixOf(head.weights.get(labelAttentionWeightNames.projection)!),
      Ut: await matrixOf(head.weights.get(labelAttentionWeightNames.queries)!),
      wt: await matrixOf(head.weights.get(labelAttentionWeightNames.output)!),
      b: await head.weights.get(labelAttentionWeightNames.outputBias)!.data(),
    };
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const { logits, labelAttention } = await classifier.classify(inputOf(c));
      expect(logits.shape).toEqual([c.shape[0], labels.length]);
      expect(labelAttention!.shape).toEqual([c.shape[0], labels.length, c.shape[1]]);
      const reference = labelAttentionReference(c.lastHiddenState, c.attentionMask, 32, weights);
      expect(Math.max(...reference.logits.flat().map(Math.abs))).toBeGreaterThan(0.1);
      expect(maxAbsDifference(logits.data, reference.logits.flat())).toBeLessThan(1e-4);
      expect(maxAbsDifference(labelAttention!.data, reference.attention.flat(2))).toBeLessThan(1e-4);
      const tfjs = tfjsOutputs(inputOf(c));
      expect(maxAbsDifference(logits.data, tfjs.logits)).toBeLessThan(1e-4);
      expect(maxAbsDifference(labelAttention!.data, tfjs.attention)).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a fully padded note attends nowhere: attention 0, logits = b, no NaN (as the tfjs head)', async () => {
    const c = cases[1]!;
    const input = {
      ...inputOf(c),
      attentionMask: c.attentionMask.map((row, r) => (r === 1 ? row.map(() => 0) : row)),
    };
    const { logits, labelAttention } = await classifier.classify(input);
    const bias = Array.from(await head.weights.get(labelAttentionWeightNames.outputBias)!.data());
    const width = labels.length;
    expect(Array.from(logits.data.subarray(width, 2 * width))).toEqual(bias.map((b) => Math.fround(b)));
    const rowAttention = labelAttention!.data.subarray(width * c.shape[1], 2 * width * c.shape[1]);
    expect(rowAttention.every((a) => a === 0)).toBe(true);
    expect(Array.from(logits.data).every(Number.isFinite)).toBe(true);
    expect(maxAbsDifference(logits.data, tfjsOutputs(input).logits)).toBeLessThan(1e-4);
  });

  it('the tfjs LabelAttention on OnnxEncoder hidden states equals it on tfjs states', async () => {
    const encoder = await OnnxEncoder.load(await exportOnnx(mlm.bert));
    for (const c of cases) {
      const { lastHiddenState } = await encoder.encode(inputOf(c));
      const fromOnnx = tf.tidy(() =>
        head
          .forward(
            tf.tensor(lastHiddenState.data, [...lastHiddenState.shape]),
            tf.tensor2d(c.attentionMask, undefined, 'int32'),
          )
          .logits.dataSync(),
      );
      expect(maxAbsDifference(fromOnnx, tfjsOutputs(inputOf(c)).logits)).toBeLessThan(1e-4);
    }
    encoder.dispose();
  });
});
