import { selectBackend } from '@icd/bert';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MaskOutputs } from './mask-outputs.js';
import { maskOutputsFromHidden } from './mask-outputs.js';
import { Verbalizer } from './verbalizer.js';

// A subclass as a downstream package writes one: one vocabulary id per class.
class OneWordVerbalizer extends Verbalizer {
  constructor(
    classes: string[],
    private readonly ids: number[],
    postLogSoftmax = true,
  ) {
    super(classes, { postLogSoftmax });
  }
  protected project(outputs: MaskOutputs): tf.Tensor3D {
    const picked = tf.transpose(tf.gather(tf.transpose(outputs.logits()), this.ids));
    return tf.reshape(picked, [-1, this.ids.length, 1]) as tf.Tensor3D;
  }
}

class WrongShapeVerbalizer extends Verbalizer {
  constructor() {
    super(['A', 'B']);
  }
  protected project(outputs: MaskOutputs): tf.Tensor3D {
    return tf.reshape(outputs.logits(), [1, -1, 1]) as tf.Tensor3D;
  }
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('Verbalizer (the extension point)', () => {
  it('runs project → softmax over all label words → log → mean, by hand', () => {
    const logits = tf.tensor2d([[0, Math.log(2), Math.log(3), 5]]) as tf.Tensor2D;
    const verbalizer = new OneWordVerbalizer(['A', 'B'], [1, 2]);
    const scores = verbalizer.processLogits(logits).arraySync()[0]!;
    // softmax([ln 2, ln 3]) = [0.4, 0.6]
    expect(scores[0]).toBeCloseTo(Math.log(0.4), 6);
    expect(scores[1]).toBeCloseTo(Math.log(0.6), 6);
    const raw = new OneWordVerbalizer(['A', 'B'], [1, 2], false).processLogits(logits).arraySync()[0]!;
    expect(raw[0]).toBeCloseTo(Math.log(2), 6);
    expect(raw[1]).toBeCloseTo(Math.log(3), 6);
    logits.dispose();
  });

  it('calibrates by the support probabilities (p / p_support, renormalised)', () => {
    const logits = tf.tensor2d([[0, Math.log(2), Math.log(3)]]) as tf.Tensor2D;
    const verbalizer = new OneWordVerbalizer(['A', 'B'], [1, 2]);
    // Support probabilities [0.5, 0.5] change nothing; [0.8, 0.2] give [0.4/0.8, 0.6/0.2] ∝ [1/7, 6/7].
    verbalizer.registerCalibration([0, 1, 1]);
    expect(verbalizer.processLogits(logits).arraySync()[0]![0]).toBeCloseTo(Math.log(0.4), 5);
    verbalizer.registerCalibration([0, Math.log(4), 0]);
    const calibrated = verbalizer.processLogits(logits).arraySync()[0]!;
    expect(calibrated[0]).toBeCloseTo(Math.log(1 / 7), 5);
    expect(calibrated[1]).toBeCloseTo(Math.log(6 / 7), 5);
    expect(Array.from(verbalizer.calibration!)).toEqual([0, Math.fround(Math.log(4)), 0]);
    verbalizer.dispose();
    expect(verbalizer.calibration).toBeUndefined();
    expect(() => verbalizer.registerCalibration([Number.NaN])).toThrow(/finite/);
    logits.dispose();
  });

  it('computes the vocabulary logits only when project asks, and checks what project returns', () => {
    let decoded = 0;
    const hidden = tf.tensor2d([[1, 2, 3]]) as tf.Tensor2D;
    const outputs = maskOutputsFromHidden(hidden, {
      transform: (h) => h,
      decode: (t) => {
        decoded += 1;
        return t;
      },
    });
    const scores = new OneWordVerbalizer(['A', 'B'], [0, 2]).processOutputs(outputs);
    expect(decoded).toBe(1);
    expect(() => new WrongShapeVerbalizer().processOutputs(outputs)).toThrow(/\[batch, 2, wordsPerClass\]/);
    expect(() => new OneWordVerbalizer([], [])).toThrow(/non-empty/);
    tf.dispose([hidden, scores]);
  });
});
