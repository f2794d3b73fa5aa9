import * as tf from '@tensorflow/tfjs-core';

/** A batch of a linear least-squares problem: rows of x and targets y. */
export interface LinearBatch {
  readonly x: number[][];
  readonly y: number[];
}

/** Deterministic batches of `rows` rows each from y = 2·x₀ − x₁ + 0.5 with a little structure. */
export function linearBatches(count: number, rows: number, offset = 0): LinearBatch[] {
  return Array.from({ length: count }, (_, b) => {
    const x = Array.from({ length: rows }, (_, r) => {
      const k = offset + b * rows + r;
      return [Math.sin(k), Math.cos(1.7 * k)];
    });
    return { x, y: x.map(([a, c]) => 2 * a! - c! + 0.5) };
  });
}

/** Weights `w` [2, 1] and bias `b` [1] as HF-style named variables. */
export function linearModel(seed = 0): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([
    ['linear.weight', tf.variable(tf.tensor2d([[0.1 + seed], [-0.2]]), true)],
    ['linear.bias', tf.variable(tf.tensor1d([0]), true)],
  ]);
}

/** Mean squared error over the batch's rows, with `items` = rows. */
export function linearObjective(parameters: ReadonlyMap<string, tf.Variable>) {
  return (batch: LinearBatch) => {
    const prediction = tf.add(
      tf.matMul(tf.tensor2d(batch.x), parameters.get('linear.weight')!),
      parameters.get('linear.bias')!,
    );
    const loss = tf.mean(tf.square(tf.sub(tf.reshape(prediction, [-1]), tf.tensor1d(batch.y)))) as tf.Scalar;
    return { loss, items: batch.y.length };
  };
}

export function valuesOf(parameters: ReadonlyMap<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...parameters].map(([name, v]) => [name, Array.from(v.dataSync())]));
}
