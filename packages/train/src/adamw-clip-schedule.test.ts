import { readFileSync } from 'node:fs';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW, isNoDecayParameter } from './adamw.js';
import { clipGradientsByGlobalNorm as clipGradientNorm } from './clip-gradients-by-global-norm.js';
import { constantSchedule, cosineSchedule, linearSchedule as linearScheduleWithWarmup } from './schedules.js';

interface FixtureStep {
  microGradients: Record<string, number[]>[];
  learningRate: number;
  totalNorm: number | null;
  parameters: Record<string, number[]>;
  expAvg: Record<string, number[]>;
  expAvgSq: Record<string, number[]>;
}
interface FixtureCase {
  name: string;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  warmupSteps: number;
  totalSteps: number;
  accumulationSteps: number;
  maxGradNorm: number | null;
  shapes: Record<string, number[]>;
  initial: Record<string, number[]>;
  steps: FixtureStep[];
}

// Written by scripts/make-schedule-fixture.py with torch.optim.AdamW, clip_grad_norm_ and
// HF's linear warm-up schedule.
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/adamw-clip-schedule.json', import.meta.url), 'utf8'),
) as { cases: FixtureCase[] };

function maxAbsDifference(actual: ArrayLike<number>, expected: readonly number[]): number {
  let worst = 0;
  expected.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(actual[i]! - value));
  });
  return worst;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(fixture.cases)('AdamW + clipping + schedule vs PyTorch: $name', (testCase) => {
  it('matches parameters, moments, learning rates and norms at every step within 1e-6', () => {
    const parameters = new Map(
      Object.entries(testCase.shapes).map(([name, shape]) => [
        name,
        tf.variable(
          tf.tensor(testCase.initial[name]!, shape),
          true,
          `adamw_fixture_${testCase.totalSteps}_${name}`,
        ),
      ]),
    );
    const optimizer = new AdamW(parameters, {
      beta1: testCase.beta1,
      beta2: testCase.beta2,
      epsilon: testCase.epsilon,
      weightDecay: testCase.weightDecay,
    });
    const schedule = linearScheduleWithWarmup({
      warmupSteps: testCase.warmupSteps,
      totalSteps: testCase.totalSteps,
    });
    testCase.steps.forEach((step, index) => {
      // Accumulate as HF Trainer: sum of micro-batch gradients each divided by the accumulation count.
      let gradients = new Map(
        Object.entries(testCase.shapes).map(([name, shape]) => [
          name,
          tf.tidy(() =>
            tf.addN(
              step.microGradients.map((micro) =>
                tf.div(tf.tensor(micro[name]!, shape), testCase.accumulationSteps),
              ),
            ),
          ),
        ]),
      );
      if (testCase.maxGradNorm !== null) {
        const clipped = clipGradientNorm(gradients, testCase.maxGradNorm);
        expect(Math.abs(clipped.totalNorm - step.totalNorm!)).toBeLessThan(1e-5 * step.totalNorm!);
        tf.dispose([...gradients.values()]);
        gradients = clipped.gradients;
      }
      const learningRate = testCase.learningRate * schedule(index);
      expect(learningRate).toBeCloseTo(step.learningRate, 12);
      optimizer.applyGradients(gradients, learningRate);
      tf.dispose([...gradients.values()]);
      const state = optimizer.getState();
      for (const [name, parameter] of parameters) {
        expect(maxAbsDifference(parameter.dataSync(), step.parameters[name]!)).toBeLessThan(1e-6);
        expect(
          maxAbsDifference(state.tensors.get(`exp_avg.${name}`)!.dataSync(), step.expAvg[name]!),
        ).toBeLessThan(1e-6);
        expect(
          maxAbsDifference(state.tensors.get(`exp_avg_sq.${name}`)!.dataSync(), step.expAvgSq[name]!),
        ).toBeLessThan(1e-6);
      }
    });
    expect(optimizer.step).toBe(testCase.totalSteps);
    optimizer.dispose();
    tf.dispose([...parameters.values()]);
  });
});

describe('AdamW', () => {
  it('exempts biases and LayerNorm weights from decay by HuggingFace name', () => {
    expect(isNoDecayParameter('encoder.layer.0.attention.self.query.bias')).toBe(true);
    expect(isNoDecayParameter('bert.embeddings.LayerNorm.weight')).toBe(true);
    expect(isNoDecayParameter('cls.predictions.transform.LayerNorm.weight')).toBe(true);
    expect(isNoDecayParameter('cls.predictions.bias')).toBe(true);
    expect(isNoDecayParameter('embeddings.LayerNorm.gamma')).toBe(true);
    expect(isNoDecayParameter('embeddings.word_embeddings.weight')).toBe(false);
    expect(isNoDecayParameter('encoder.layer.11.output.dense.weight')).toBe(false);
  });

  it('saves and restores its state, validates inputs and does not leak', () => {
    const before = tf.memory().numTensors;
    const ones = tf.ones([2, 2]);
    const parameters = new Map([['dense.weight', tf.variable(ones, true, 'adamw_state_w')]]);
    ones.dispose();
    const optimizer = new AdamW(parameters);
    expect(optimizer.decayedParameters).toEqual(['dense.weight']);
    const gradient = tf.fill([2, 2], 0.5);
    for (let i = 0; i < 3; i++) optimizer.applyGradients(new Map([['dense.weight', gradient]]), 0.1);
    const other = new AdamW(parameters);
    other.setState(optimizer.getState());
    expect(other.step).toBe(3);
    expect(Array.from(other.getState().tensors.get('exp_avg.dense.weight')!.dataSync())).toEqual(
      Array.from(optimizer.getState().tensors.get('exp_avg.dense.weight')!.dataSync()),
    );
    expect(() =>
      other.setState({ kind: 'adamw', step: 1, parameterSteps: { 'dense.weight': 1 }, tensors: new Map() }),
    ).toThrow(CheckpointError);
    expect(() => optimizer.applyGradients(new Map([['other.weight', gradient]]), 0.1)).toThrow(
      InvalidArgumentError,
    );
    expect(() => optimizer.applyGradients(new Map([['dense.weight', gradient]]), Number.NaN)).toThrow(
      "Argument 'learningRate' passed to 'AdamW.applyGradients' must be a finite number >= 0, got NaN",
    );
    expect(() => new AdamW(new Map())).toThrow(InvalidArgumentError);
    optimizer.dispose();
    other.dispose();
    gradient.dispose();
    parameters.get('dense.weight')!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('linearScheduleWithWarmup', () => {
  it('rises linearly over warm-up and decays linearly to 0 (hand-computed)', () => {
    const schedule = linearScheduleWithWarmup({ warmupSteps: 2, totalSteps: 6 });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(schedule)).toEqual([0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0]);
    expect(linearScheduleWithWarmup({ warmupSteps: 0, totalSteps: 4 })(0)).toBe(1);
    expect(() => linearScheduleWithWarmup({ warmupSteps: 5, totalSteps: 4 })).toThrow(InvalidArgumentError);
  });
});

describe('constantSchedule and cosineSchedule', () => {
  it('match HF get_constant_schedule_with_warmup and get_cosine_schedule_with_warmup (hand-computed)', () => {
    expect([0, 1, 2, 3, 4, 100].map(constantSchedule({ warmupSteps: 4 }))).toEqual([
      0, 0.25, 0.5, 0.75, 1, 1,
    ]);
    expect(constantSchedule()(0)).toBe(1);
    // p = (t − 2) / 4; ½(1 + cos(πp)): t = 3 → ½(1 + cos(π/4)) = 0.853553…
    const cosine = cosineSchedule({ warmupSteps: 2, totalSteps: 6 });
    // Past totalSteps HF keeps following the cosine (t = 7: p = 1.25): the Trainer never asks for it.
    const expected = [
      0,
      0.5,
      1,
      0.5 * (1 + Math.SQRT1_2),
      0.5,
      0.5 * (1 - Math.SQRT1_2),
      0,
      0.5 * (1 - Math.SQRT1_2),
    ];
    for (const t of [0, 1, 2, 3, 4, 5, 6, 7]) expect(cosine(t)).toBeCloseTo(expected[t]!, 12);
    expect(() => cosine(-1)).toThrow(InvalidArgumentError);
    expect(() => cosineSchedule({ warmupSteps: 7, totalSteps: 6 })).toThrow(InvalidArgumentError);
  });
});

describe('clipGradientsByGlobalNorm', () => {
  it('scales by maxNorm / (norm + 1e-6) only when the global norm exceeds maxNorm (hand-computed)', () => {
    // ‖(3, 4)‖ = 5 → coefficient 1 / (5 + 1e-6).
    const gradients = new Map([
      ['a', tf.tensor1d([3])],
      ['b', tf.tensor1d([4])],
    ]);
    const { gradients: clipped, totalNorm } = clipGradientNorm(gradients, 1);
    expect(totalNorm).toBeCloseTo(5, 6);
    expect(clipped.get('a')!.dataSync()[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    const untouched = clipGradientNorm(gradients, 10);
    expect(untouched.gradients.get('b')!.dataSync()[0]).toBe(4);
    expect(() => clipGradientNorm(gradients, 0)).toThrow(InvalidArgumentError);
    tf.dispose([...gradients.values(), ...clipped.values(), ...untouched.gradients.values()]);
  });
});
