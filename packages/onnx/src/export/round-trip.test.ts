import { selectBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

describe('train in tfjs → export → ONNX', () => {
  it('predicts what the trained tfjs model predicts (and no longer what the untrained one did)', async () => {
    await selectBackend({ backend: 'cpu' });
    const mlm = loadTinyMaskedLM();
    const [, c] = referenceCases();
    const input = { inputIds: c!.inputIds, attentionMask: c!.attentionMask, tokenTypeIds: c!.tokenTypeIds };
    // Target: predict each sequence's own tokens (a denoising objective without masking), 3 SGD steps.
    const labels = tf.oneHot(tf.tensor2d(c!.inputIds, undefined, 'int32'), 61);
    const weights = tf.tensor2d(c!.attentionMask, undefined, 'float32');
    const optimizer = tf.train.sgd(0.5);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const loss = optimizer.minimize(
        () => {
          const { logits, lastHiddenState, poolerOutput } = mlm.forwardMasked(input);
          tf.dispose([lastHiddenState, poolerOutput].filter((t) => t !== undefined));
          return tf.losses.softmaxCrossEntropy(labels, logits, weights) as tf.Scalar;
        },
        true,
        [...mlm.weights.values()],
      ) as tf.Scalar;
      losses.push((await loss.data())[0] as number);
      loss.dispose();
    }
    tf.dispose([labels, weights]);
    optimizer.dispose();
    expect(losses[2]).toBeLessThan(losses[0] as number);

    const before = tf.memory().numTensors;
    const onnx = await OnnxMaskedLM.load(await exportOnnx(mlm));
    expect(tf.memory().numTensors).toBe(before);
    const fromOnnx = await onnx.predictMasked(input);
    const fromTfjs = await mlm.predictMasked(input);
    expect(maxAbsDifference(fromOnnx.logits.data, fromTfjs.logits.data)).toBeLessThan(1e-4);
    expect(maxAbsDifference(fromOnnx.lastHiddenState!.data, fromTfjs.lastHiddenState!.data)).toBeLessThan(
      1e-4,
    );
    // The export carries the trained weights: the untrained reference no longer matches.
    expect(maxAbsDifference(fromOnnx.logits.data, c!.logits)).toBeGreaterThan(1e-2);
    onnx.dispose();
    mlm.dispose();
  });
});
