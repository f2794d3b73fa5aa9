import { selectBackend } from '@icd/bert';
import { ClsHead } from '@icd/heads';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OnnxClassifier } from '../runtime/onnx-classifier.js';
import { loadTinyMaskedLM, maxAbsDifference, referenceCases } from '../test-support/tiny-fixture.js';
import { exportOnnx } from './export-onnx.js';

describe('train encoder + head in tfjs → export → ONNX', () => {
  it('the ONNX classifier predicts what the trained tfjs encoder + ClsHead predicts', async () => {
    await selectBackend({ backend: 'cpu' });
    const mlm = loadTinyMaskedLM();
    const bert = mlm.bert;
    const [, c] = referenceCases(); // 3 padded notes of 9 tokens
    const input = { inputIds: c!.inputIds, attentionMask: c!.attentionMask, tokenTypeIds: c!.tokenTypeIds };
    const head = new ClsHead({ labels: ['A', 'B', 'C', 'D'], hiddenSize: 32, pooling: 'mean', seed: 4 });
    const targets = tf.tensor2d([
      [1, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 1],
    ]);
    const mask = tf.tensor2d(c!.attentionMask, undefined, 'int32');
    const forward = () => {
      const { lastHiddenState, poolerOutput } = bert.forward(input);
      poolerOutput?.dispose();
      return head.forward(lastHiddenState, mask).logits;
    };
    const untrained = tf.tidy(() => forward().dataSync() as Float32Array);
    // Squared error to ±1 targets, 4 SGD steps over the encoder's and the head's variables (tuned encoder).
    const optimizer = tf.train.sgd(0.05);
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const loss = optimizer.minimize(
        () => tf.mean(tf.square(tf.sub(forward(), tf.sub(tf.mul(targets, 2), 1)))) as tf.Scalar,
        true,
        [...bert.weights.values(), ...head.weights.values()],
      ) as tf.Scalar;
      losses.push((await loss.data())[0] as number);
      loss.dispose();
    }
    optimizer.dispose();
    expect(losses[3]).toBeLessThan(losses[0] as number);

    const trained = tf.tidy(() => forward().dataSync() as Float32Array);
    const before = tf.memory().numTensors;
    const classifier = await OnnxClassifier.load(await exportOnnx(bert, { head }));
    const { logits } = await classifier.classify(input);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDifference(logits.data, trained)).toBeLessThan(1e-4);
    // The file carries the trained weights, not the initial ones.
    expect(maxAbsDifference(logits.data, untrained)).toBeGreaterThan(1e-2);
    classifier.dispose();
    tf.dispose([targets, mask]);
    head.dispose();
    mlm.dispose();
  });
});
