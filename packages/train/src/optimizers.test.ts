import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adafactor, type AdafactorOptions } from './adafactor.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';

interface Case {
  optimizer: 'adamw' | 'adafactor';
  options: Record<string, number | boolean>;
  shapes: Record<string, number[]>;
  initial: Record<string, number[]>;
  steps: {
    learningRate?: number;
    gradients: Record<string, number[]>;
    parameters: Record<string, number[]>;
  }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optimizers.json', import.meta.url), 'utf8')) as {
  cases: Record<string, Case>;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function variables(c: Case): Map<string, tf.Variable> {
  return new Map(
    Object.entries(c.shapes).map(([name, shape]) => [name, tf.variable(tf.tensor(c.initial[name]!, shape))]),
  );
}

function build(c: Case, parameters: Map<string, tf.Variable>): Optimizer {
  if (c.optimizer === 'adamw') {
    return new AdamW(parameters, { ...c.options, noDecay: (name) => name.endsWith('bias') });
  }
  const options: AdafactorOptions =
    c.options.relativeStep === false ? { ...c.options, learningRate: c.steps[0]!.learningRate! } : c.options;
  return new Adafactor(parameters, options);
}

function run(
  c: Case,
  optimizer: Optimizer,
  parameters: Map<string, tf.Variable>,
  from = 0,
  to = c.steps.length,
) {
  for (let index = from; index < to; index++) {
    const step = c.steps[index]!;
    const gradients = new Map(
      Object.entries(step.gradients).map(([name, values]) => [name, tf.tensor(values, c.shapes[name]!)]),
    );
    optimizer.applyGradients(gradients, step.learningRate);
    tf.dispose([...gradients.values()]);
    for (const [name, expected] of Object.entries(step.parameters)) {
      const actual = Array.from(parameters.get(name)!.dataSync());
      actual.forEach((value, i) => {
        expect(Math.abs(value - expected[i]!), `${name}[${i}] after step ${index + 1}`).toBeLessThan(
          2e-6 + 2e-5 * Math.abs(expected[i]!),
        );
      });
    }
  }
}

describe.each(Object.keys(fixture.cases))('%s against the PyTorch reference', (name) => {
  const c = fixture.cases[name]!;

  it('follows the reference step for step, skipping parameters without a gradient', () => {
    const parameters = variables(c);
    const before = tf.memory().numTensors;
    const optimizer = build(c, parameters);
    run(c, optimizer, parameters);
    // No leak: the only new tensors are the slots, allocated on a parameter's first gradient.
    const slots = optimizer.getState().tensors.size;
    expect(slots).toBeGreaterThan(0);
    expect(tf.memory().numTensors - before).toBe(slots);
    expect(optimizer.step).toBe(c.steps.length);
    optimizer.dispose();
    tf.dispose([...parameters.values()]);
  });

  it('resumes from getState/setState into a fresh optimizer exactly', () => {
    const parameters = variables(c);
    const first = build(c, parameters);
    run(c, first, parameters, 0, 3);
    const second = build(c, parameters);
    second.setState(first.getState());
    first.dispose();
    expect(second.step).toBe(3);
    run(c, second, parameters, 3);
    second.dispose();
    tf.dispose([...parameters.values()]);
  });
});

describe('optimizer contracts', () => {
  it('leaves a parameter without a gradient exactly as it is (no weight decay): the AdamW defect of @icd/bert', () => {
    const frozen = tf.variable(tf.ones([2]));
    const trained = tf.variable(tf.ones([2]));
    const parameters = new Map([
      ['frozen.weight', frozen],
      ['trained.weight', trained],
    ]);
    const optimizer = new AdamW(parameters, { learningRate: 0.5, weightDecay: 0.1 });
    const gradient = tf.tensor([1, -1]);
    optimizer.applyGradients(new Map([['trained.weight', gradient]]));
    expect(Array.from(frozen.dataSync())).toEqual([1, 1]);
    // θ(1 − ηλ) − η·m̂/(√v̂ + ε) = 1·0.95 ∓ 0.5·(1/(1 + 1e-8)): hand-computed.
    const [a, b] = Array.from(trained.dataSync());
    expect(a).toBeCloseTo(0.95 - 0.5, 6);
    expect(b).toBeCloseTo(0.95 + 0.5, 6);
    expect(Object.keys(optimizer.getState().parameterSteps)).toEqual(['trained.weight']);
    optimizer.dispose();
    tf.dispose([frozen, trained, gradient]);
  });

  it('refuses what HF refuses and bad states, with typed errors', () => {
    const w = tf.variable(tf.ones([2, 2]));
    const parameters = new Map([['w', w]]);
    expect(() => new Adafactor(parameters, { learningRate: 1e-3 })).toThrow(InvalidArgumentError);
    expect(() => new Adafactor(parameters, { relativeStep: false })).toThrow(InvalidArgumentError);
    expect(
      () => new Adafactor(parameters, { relativeStep: false, learningRate: 1, warmupInit: true }),
    ).toThrow(InvalidArgumentError);
    const relative = new Adafactor(parameters);
    expect(relative.learningRate).toBeUndefined();
    const g = new Map([['w', tf.ones([2, 2])]]);
    expect(() => relative.applyGradients(g, 0.1)).toThrow(InvalidArgumentError);
    expect(() => relative.applyGradients(new Map([['v', tf.ones([2, 2])]]))).toThrow(InvalidArgumentError);
    expect(() => relative.applyGradients(new Map([['w', tf.ones([3])]]))).toThrow(InvalidArgumentError);
    relative.applyGradients(g);
    const adamw = new AdamW(parameters);
    expect(() => adamw.setState(relative.getState())).toThrow(CheckpointError);
    const state = relative.getState();
    const other = new Adafactor(parameters);
    expect(() => other.setState({ ...state, step: -1 })).toThrow(CheckpointError);
    expect(() => other.setState({ ...state, parameterSteps: { w: 2 } })).toThrow(CheckpointError);
    expect(() => other.setState({ ...state, tensors: new Map() })).toThrow(CheckpointError);
    expect(other.step).toBe(0);
    tf.dispose([...g.values()]);
    for (const optimizer of [relative, adamw, other]) optimizer.dispose();
    w.dispose();
  });
});
