import type { BertForMaskedLM } from '@icd/bert';
import { selectBackend } from '@icd/bert';
import { InvalidArgumentError } from '@icd/core';
import { ClsHead } from '@icd/heads';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../runtime/onnx-classifier.js';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { clsHeadReference, matrixOf } from '../test-support/head-reference.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

const cases = referenceCases();
const labels = ['I10', 'E11.9', 'J18.9'];
const inputOf = (c: (typeof cases)[number]) => ({
  inputIds: c.inputIds,
  attentionMask: c.attentionMask,
  tokenTypeIds: c.tokenTypeIds,
});
let mlm: BertForMaskedLM;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = loadTinyMaskedLM();
});
afterAll(() => mlm.dispose());

// initializerRange 0.5: logits of order 1, so 1e-4 is a tight tolerance.
const variants = [
  { name: 'linear on [CLS]', config: { pooling: 'cls' as const } },
  {
    name: 'MLP (GELU) on the masked mean',
    config: {
      pooling: 'mean' as const,
      classifier: 'mlp' as const,
      intermediateSize: 16,
      activation: 'gelu' as const,
    },
  },
  {
    name: 'MLP (tanh) on [CLS]',
    config: { pooling: 'cls' as const, classifier: 'mlp' as const, activation: 'tanh' as const },
  },
];

/** The tfjs head on the tfjs encoder's states: what a user trains and evaluates. */
function tfjsLogits(head: ClsHead, input: ReturnType<typeof inputOf>): Float32Array {
  return tf.tidy(() => {
    const { lastHiddenState } = mlm.bert.forward(input);
    return head
      .forward(lastHiddenState, tf.tensor2d(input.attentionMask, undefined, 'int32'))
      .logits.dataSync() as Float32Array;
  });
}

describe('exportOnnx(bert, { head: ClsHead }): encoder + head in one file', () => {
  for (const variant of variants) {
    it(`${variant.name}: ONNX logits equal the tfjs head and the hand-written reference on PyTorch states (1e-4)`, async () => {
      const head = new ClsHead({ labels, hiddenSize: 32, seed: 3, initializerRange: 0.5, ...variant.config });
      const classifier = await OnnxClassifier.load(await exportOnnx(mlm.bert, { head }));
      expect(classifier.labels).toEqual(labels);
      expect(classifier.head.headType).toBe('cls');
      expect(classifier.outputNames).toEqual(['last_hidden_state', 'pooler_output', 'logits']);
      const pre = head.weights.has('pre_classifier.weight')
        ? {
            weight: await matrixOf(head.weights.get('pre_classifier.weight')!),
            bias: await head.weights.get('pre_classifier.bias')!.data(),
          }
        : undefined;
      const classifierWeights = {
        weight: await matrixOf(head.weights.get('classifier.weight')!),
        bias: await head.weights.get('classifier.bias')!.data(),
      };
      const before = tf.memory().numTensors;
      for (const c of cases) {
        const { logits, labelAttention } = await classifier.classify(inputOf(c));
        expect(labelAttention).toBeUndefined();
        expect(logits.shape).toEqual([c.shape[0], labels.length]);
        const reference = clsHeadReference(c.lastHiddenState, c.attentionMask, 32, {
          pooling: variant.config.pooling,
          ...(variant.config.activation ? { activation: variant.config.activation } : {}),
          ...(pre ? { pre } : {}),
          classifier: classifierWeights,
        }).flat();
        expect(Math.max(...reference.map(Math.abs))).toBeGreaterThan(0.1);
        expect(maxAbsDifference(logits.data, reference)).toBeLessThan(1e-4);
        expect(maxAbsDifference(logits.data, tfjsLogits(head, inputOf(c)))).toBeLessThan(1e-4);
      }
      expect(tf.memory().numTensors).toBe(before);
      classifier.dispose();
      head.dispose();
    });
  }

  it('the tfjs head on OnnxEncoder hidden states equals the same head on tfjs states', async () => {
    const head = new ClsHead({ labels, hiddenSize: 32, seed: 5, initializerRange: 0.5, pooling: 'mean' });
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
      expect(maxAbsDifference(fromOnnx, tfjsLogits(head, inputOf(c)))).toBeLessThan(1e-4);
    }
    encoder.dispose();
    head.dispose();
  });

  it('with fused layers (1e-4) and with an int8 encoder (the head stays float32: close, not equal)', async () => {
    const head = new ClsHead({ labels, hiddenSize: 32, seed: 6, initializerRange: 0.5, pooling: 'mean' });
    const fused = await OnnxClassifier.load(await exportOnnx(mlm.bert, { head, fusedOperators: true }));
    const int8 = await OnnxClassifier.load(await exportOnnx(mlm.bert, { head, quantization: 'int8' }));
    for (const c of cases) {
      const reference = tfjsLogits(head, inputOf(c));
      expect(maxAbsDifference((await fused.classify(inputOf(c))).logits.data, reference)).toBeLessThan(1e-4);
      const quantized = (await int8.classify(inputOf(c))).logits.data;
      // Within 5% of the largest logit (σ = 0.5 head weights amplify the encoder's int8 error).
      expect(maxAbsDifference(quantized, reference)).toBeLessThan(
        0.05 * Math.max(...Array.from(reference, Math.abs)),
      );
    }
    fused.dispose();
    int8.dispose();
    head.dispose();
  });

  it('rejects a head of another width, a masked-LM task with a head, and non-heads, with typed errors', async () => {
    const wide = new ClsHead({ labels, hiddenSize: 16 });
    await expect(exportOnnx(mlm.bert, { head: wide })).rejects.toBeInstanceOf(InvalidArgumentError);
    wide.dispose();
    const head = new ClsHead({ labels, hiddenSize: 32 });
    await expect(exportOnnx(mlm, { head, task: 'maskedLM' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(exportOnnx(mlm.bert, { head: {} as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    // A plain encoder file is not a classifier.
    await expect(OnnxClassifier.load(await exportOnnx(mlm.bert))).rejects.toThrow(/label head/);
    head.dispose();
  });
});
