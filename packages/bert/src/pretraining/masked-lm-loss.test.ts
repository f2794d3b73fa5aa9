import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCorrect, labelledPositions, maskedLMLoss } from './masked-lm-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('maskedLMLoss', () => {
  it('is the mean negative log-softmax at the labels (hand-computed)', () => {
    // Row 1: softmax([0, 0])[1] = 1/2 → ln 2. Row 2: softmax([ln 3, 0])[0] = 3/4 → ln(4/3).
    const loss = maskedLMLoss(
      tf.tensor2d([
        [0, 0],
        [Math.log(3), 0],
      ]),
      tf.tensor1d([1, 0], 'int32'),
    );
    expect(loss.dataSync()[0]).toBeCloseTo((Math.log(2) + Math.log(4 / 3)) / 2, 6);
  });

  it('stays finite for large logits (log-softmax subtracts the maximum)', () => {
    const loss = maskedLMLoss(tf.tensor2d([[1000, 0, -1000]]), tf.tensor1d([1], 'int32'));
    expect(loss.dataSync()[0]).toBeCloseTo(1000, 3);
  });

  it('counts arg-max hits and extracts labelled positions', () => {
    expect(
      countCorrect(
        tf.tensor2d([
          [0, 2],
          [3, 1],
          [0, 1],
        ]),
        tf.tensor1d([1, 1, 1], 'int32'),
      ),
    ).toBe(2);
    const { positions, targets } = labelledPositions(Int32Array.of(-100, 7, -100, -100, 9));
    expect(Array.from(positions)).toEqual([1, 4]);
    expect(Array.from(targets)).toEqual([7, 9]);
  });
});
