// The setup module of the ParallelTrainer tests: a tiny two-layer network on a fixed regression task,
// built identically in every worker from a seed. No dropout, so any worker count gives the same updates.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from '../adamw.js';
import { linearSchedule } from '../schedules.js';
import type { TrainingSetup } from './parallel-trainer-options.js';

export interface TinyBatch {
  readonly x: number[][];
  readonly y: number[];
}

export function tinyBatches(epoch: number): TinyBatch[] {
  return Array.from({ length: 6 }, (_, b) => {
    const x = Array.from({ length: 3 + (b % 2) }, (_, r) => {
      const k = epoch * 97 + b * 5 + r;
      return [Math.sin(k), Math.cos(0.7 * k), Math.sin(0.3 * k + 1)];
    });
    return { x, y: x.map(([a, c, d]) => Math.tanh(a! - 2 * c!) + 0.3 * d!) };
  });
}

export function tinyNetwork(seed: number): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([
    ['hidden.weight', tf.variable(tf.randomNormal([3, 8], 0, 0.5, 'float32', seed))],
    ['hidden.bias', tf.variable(tf.zeros([8]))],
    ['output.weight', tf.variable(tf.randomNormal([8, 1], 0, 0.5, 'float32', seed + 1))],
  ]);
}

export function tinyObjective(parameters: ReadonlyMap<string, tf.Variable>) {
  return (batch: TinyBatch) => {
    const hidden = tf.tanh(
      tf.add(
        tf.matMul(tf.tensor2d(batch.x), parameters.get('hidden.weight')!),
        parameters.get('hidden.bias')!,
      ),
    );
    const prediction = tf.reshape(tf.matMul(hidden, parameters.get('output.weight')!), [-1]);
    return {
      loss: tf.mean(tf.square(tf.sub(prediction, tf.tensor1d(batch.y)))) as tf.Scalar,
      items: batch.y.length,
    };
  };
}

export function tinyGroups(parameters: Map<string, tf.Variable>, totalSteps: number) {
  return [
    {
      name: 'network',
      parameters,
      optimizer: new AdamW(parameters, { learningRate: 0.05 }),
      schedule: linearSchedule({ warmupSteps: 2, totalSteps }),
    },
  ];
}

export async function setup(options: {
  seed: number;
  totalSteps: number;
}): Promise<TrainingSetup<TinyBatch>> {
  await tf.setBackend('cpu');
  const parameters = tinyNetwork(options.seed);
  const objective = tinyObjective(parameters);
  return {
    batches: tinyBatches,
    objective,
    groups: tinyGroups(parameters, options.totalSteps),
    evaluate: () => ({ loss: tf.tidy(() => objective(tinyBatches(99)[0]!).loss.dataSync()[0]!) }),
  };
}
