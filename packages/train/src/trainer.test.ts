import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError, TrainingError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adafactor } from './adafactor.js';
import { AdamW } from './adamw.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { deriveSeed } from './random-generator.js';
import { constantSchedule } from './schedules.js';
import { Trainer } from './trainer.js';
import {
  type LinearBatch,
  linearBatches,
  linearModel,
  linearObjective,
  valuesOf,
} from './trainer.test-helper.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** An optimizer that records the gradients it is given and changes nothing. */
class RecordingOptimizer implements Optimizer {
  readonly learningRate = 1;
  readonly calls: Record<string, number[]>[] = [];
  step = 0;
  constructor(readonly parameters: ReadonlyMap<string, tf.Variable>) {}
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>): void {
    this.step++;
    this.calls.push(Object.fromEntries([...gradients].map(([name, g]) => [name, Array.from(g.dataSync())])));
  }
  getState(): OptimizerState {
    return { kind: 'recording', step: this.step, parameterSteps: {}, tensors: new Map() };
  }
  setState(): void {}
  dispose(): void {}
}

/** ∂/∂w of the mean over ALL rows of (x·w + b − y)², computed in plain JS. */
function pooledGradient(batches: LinearBatch[], w: number[], b: number): { w: number[]; b: number } {
  const rows = batches.flatMap((batch) => batch.x.map((x, i) => ({ x, y: batch.y[i]! })));
  const gradient = { w: [0, 0], b: 0 };
  for (const { x, y } of rows) {
    const residual = x[0]! * w[0]! + x[1]! * w[1]! + b - y;
    gradient.w[0]! += (2 * residual * x[0]!) / rows.length;
    gradient.w[1]! += (2 * residual * x[1]!) / rows.length;
    gradient.b += (2 * residual) / rows.length;
  }
  return gradient;
}

describe('Trainer', () => {
  it('fits a line with AdamW', async () => {
    const parameters = linearModel();
    const trainer = new Trainer({
      batches: () => linearBatches(4, 8),
      objective: linearObjective(parameters),
      groups: [
        { name: 'all', parameters, optimizer: new AdamW(parameters, { learningRate: 0.05, weightDecay: 0 }) },
      ],
      totalSteps: 400,
      progress: false,
    });
    const result = await trainer.train();
    expect(result.step).toBe(400);
    const fitted = valuesOf(parameters);
    expect(fitted['linear.weight']).toEqual([expect.closeTo(2, 2), expect.closeTo(-1, 2)]);
    expect(fitted['linear.bias']![0]).toBeCloseTo(0.5, 2);
    trainer.dispose();
    tf.dispose([...parameters.values()]);
  });

  it('weighs accumulated micro-batches by their items: the gradient of the mean over all rows (HF ≥ 4.46)', async () => {
    const parameters = linearModel();
    // Micro-batches of 1 and 3 rows: a plain mean of the two micro-batch means would weigh the single row 3×.
    const batches = [linearBatches(1, 1, 0)[0]!, linearBatches(1, 3, 10)[0]!];
    const optimizer = new RecordingOptimizer(parameters);
    const trainer = new Trainer({
      batches: () => batches,
      objective: linearObjective(parameters),
      groups: [{ name: 'all', parameters, optimizer }],
      totalSteps: 1,
      accumulationSteps: 2,
      maxGradNorm: null,
      progress: false,
    });
    await trainer.train();
    const expected = pooledGradient(batches, [0.1, -0.2], 0);
    const [call] = optimizer.calls;
    expect(call!['linear.weight']![0]).toBeCloseTo(expected.w[0]!, 6);
    expect(call!['linear.weight']![1]).toBeCloseTo(expected.w[1]!, 6);
    expect(call!['linear.bias']![0]).toBeCloseTo(expected.b, 6);
    tf.dispose([...parameters.values()]);
  });

  it('clips by the global norm over all groups, and never touches frozen or unreached parameters', async () => {
    const parameters = linearModel();
    const frozen = tf.variable(tf.tensor1d([1, 1]));
    const unreached = tf.variable(tf.tensor1d([3]));
    const weight = new Map([['linear.weight', parameters.get('linear.weight')!]]);
    const rest = new Map([
      ['linear.bias', parameters.get('linear.bias')!],
      ['unused.weight', unreached],
    ]);
    const weightOptimizer = new RecordingOptimizer(weight);
    const restOptimizer = new AdamW(rest, { learningRate: 0.5, weightDecay: 0.1 });
    const batches = linearBatches(1, 4);
    const trainer = new Trainer({
      batches: () => batches,
      objective: linearObjective(parameters),
      groups: [
        { name: 'weight', parameters: weight, optimizer: weightOptimizer },
        { name: 'rest', parameters: rest, optimizer: restOptimizer },
      ],
      totalSteps: 1,
      maxGradNorm: 0.01,
      progress: false,
    });
    await trainer.train();
    const g = pooledGradient(batches, [0.1, -0.2], 0);
    const norm = Math.hypot(g.w[0]!, g.w[1]!, g.b);
    const scale = 0.01 / (norm + 1e-6);
    expect(weightOptimizer.calls[0]!['linear.weight']![0]).toBeCloseTo(g.w[0]! * scale, 7);
    expect(Array.from(unreached.dataSync())).toEqual([3]); // no gradient: no decay, no step
    expect(Object.keys(restOptimizer.getState().parameterSteps)).toEqual(['linear.bias']);
    expect(Array.from(frozen.dataSync())).toEqual([1, 1]);
    trainer.dispose();
    tf.dispose([...parameters.values(), frozen, unreached]);
  });

  it('gives every micro-batch its own seed, and a NaN loss a TrainingError', async () => {
    const seen: number[] = [];
    const w = tf.variable(tf.scalar(1));
    const parameters = new Map([['w', w]]);
    const trainer = new Trainer({
      batches: () => [0, 1, 2],
      objective: (batch, { seed, microBatch }) => {
        seen.push(seed);
        expect(seed).toBe(deriveSeed(7, microBatch));
        return tf.mul(w, batch === 2 && microBatch > 4 ? Number.NaN : 1) as tf.Scalar;
      },
      groups: [{ name: 'w', parameters, optimizer: new AdamW(parameters) }],
      totalSteps: 10,
      accumulationSteps: 2,
      seed: 7,
      progress: false,
    });
    const error = await trainer.train().catch((caught: unknown) => caught);
    expect(TrainingError.isInstance(error)).toBe(true);
    expect((error as TrainingError).step).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    trainer.dispose();
    w.dispose();
  });

  it('evaluates every N updates and stops early after `patience` evaluations without improvement', async () => {
    const w = tf.variable(tf.scalar(1));
    const parameters = new Map([['w', w]]);
    const scores = [5, 3, 4, 3.5, 1];
    const trainer = new Trainer({
      batches: () => [0],
      objective: () => tf.square(w) as tf.Scalar,
      groups: [{ name: 'w', parameters, optimizer: new AdamW(parameters), schedule: constantSchedule() }],
      totalSteps: 20,
      evaluate: { every: 2, run: (step) => ({ loss: scores[step / 2 - 1]! }), metric: 'loss', patience: 2 },
      progress: false,
    });
    const result = await trainer.train();
    expect(result.stoppedEarly).toBe(true);
    expect(result.step).toBe(8); // evaluations at 2, 4 (best), 6, 8 → two without improvement
    expect(result.best).toEqual({ step: 4, value: 3 });
    expect(trainer.evaluations.map((entry) => entry.step)).toEqual([2, 4, 6, 8]);
    trainer.dispose();
    w.dispose();
  });

  it('leaks no tensor over a training run with two optimizers, and reports progress where told', async () => {
    const parameters = linearModel();
    const before = tf.memory().numTensors;
    const weight = new Map([['linear.weight', parameters.get('linear.weight')!]]);
    const bias = new Map([['linear.bias', parameters.get('linear.bias')!]]);
    const lines: string[] = [];
    const trainer = new Trainer({
      batches: () => linearBatches(3, 4),
      objective: linearObjective(parameters),
      groups: [
        { name: 'weight', parameters: weight, optimizer: new AdamW(weight, { learningRate: 0.01 }) },
        { name: 'bias', parameters: bias, optimizer: new Adafactor(bias) },
      ],
      totalSteps: 20,
      accumulationSteps: 2,
      logEvery: 10,
      progress: { write: (text) => lines.push(text), isTTY: false },
    });
    await trainer.train({ maxSteps: 1 });
    const slots = tf.memory().numTensors - before;
    expect(slots).toBe(2 + 1); // AdamW: exp_avg, exp_avg_sq; Adafactor (rank 1): exp_avg_sq
    await trainer.train();
    expect(tf.memory().numTensors - before).toBe(slots);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^step 20\/20 \| loss \d+\.\d{4} \| lr 1\.00e-2 \| \d+ tok\/s \| ETA \S+\n$/);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...parameters.values()]);
  });

  it('refuses bad groups and options with typed errors', () => {
    const parameters = linearModel();
    const other = linearModel();
    const optimizer = new AdamW(parameters);
    const base = { batches: () => [], objective: () => tf.scalar(0), totalSteps: 1 };
    const group = { name: 'a', parameters, optimizer };
    expect(() => new Trainer({ ...base, groups: [] })).toThrow(InvalidArgumentError);
    expect(() => new Trainer({ ...base, groups: [group, { ...group }] })).toThrow(/unique non-empty names/);
    expect(() => new Trainer({ ...base, groups: [{ ...group, parameters: other }] })).toThrow(
      /parameters of its optimizer/,
    );
    expect(() => new Trainer({ ...base, groups: [group, { ...group, name: 'b' }] })).toThrow(/repeats/);
    const relative = new Adafactor(parameters);
    expect(
      () =>
        new Trainer({
          ...base,
          groups: [{ name: 'a', parameters, optimizer: relative, schedule: constantSchedule() }],
        }),
    ).toThrow(/sets its own rate/);
    expect(() => new Trainer({ ...base, groups: [group], accumulationSteps: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(
      () => new Trainer({ ...base, groups: [group], evaluate: { every: 1, run: () => ({}), patience: 2 } }),
    ).toThrow(/patience needs one/);
    expect(new Set(Array.from({ length: 100_000 }, (_, i) => deriveSeed(3, i))).size).toBe(100_000);
    tf.dispose([...parameters.values(), ...other.values()]);
  });
});
