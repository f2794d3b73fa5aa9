import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { Trainer } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Trainer', () => {
  it('fits a line', async () => {
    const w = tf.variable(tf.zeros([2, 1]));
    const parameters = new Map([['w', w]]);
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const y = tf.tensor2d([[2], [-1], [1]]);
    const trainer = new Trainer({
      batches: () => [0, 1, 2],
      objective: () => tf.losses.meanSquaredError(y, tf.matMul(x, w)) as tf.Scalar,
      groups: [
        { name: 'all', parameters, optimizer: new AdamW(parameters, { learningRate: 0.1, weightDecay: 0 }) },
      ],
      totalSteps: 300,
      progress: false,
    });
    const result = await trainer.train();
    expect(result.step).toBe(300);
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(2, 2), expect.closeTo(-1, 2)]);
    trainer.dispose();
    tf.dispose([w, x, y]);
  });
});
