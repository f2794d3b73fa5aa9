import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { IcdError, InvalidArgumentError } from '@icd/core';
import { registerGradients } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelAttention } from '../layers/label-attention.js';
import { headLoss } from './head-batches.js';
import { cacheHiddenStates } from './hidden-state-cache.js';
import { TestAttentionHead } from './test-heads.test-helper.js';
import { trainHead } from './train-head.js';

const texts: [string, string[]][] = [
  ['the patient has fever and cough', ['J18']],
  ['chest pain with myocardial infarction', ['I21']],
  ['fever cough pneumonia', ['J18']],
  ['acute chest pain and infarction', ['I21']],
  ['cough and fever , no chest pain', ['J18']],
  ['myocardial infarction , left chest pain', ['I21']],
  ['pneumonia with cough', ['J18']],
  ['history of infarction and chest pain', ['I21']],
];
const notes = texts.map(([text, codes], i) => ({ id: `n${i}`, text, codes }));
const labels = ['I21', 'J18'];
let mlm: ReturnType<typeof createTinyBert>;
let encoder: ReturnType<typeof createTinyBert>['bert'];
let tokenizer: NonNullable<ReturnType<typeof createTinyBert>['tokenizer']>;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = createTinyBert();
  encoder = mlm.bert;
  tokenizer = mlm.tokenizer!;
});
afterAll(() => mlm.dispose());

const snapshot = (weights: ReadonlyMap<string, tf.Variable>) =>
  new Map([...weights].map(([name, v]) => [name, Array.from(v.dataSync())]));

describe('headLoss', () => {
  it('is BCE with logits averaged over cells, and cross-entropy averaged over notes, by hand', () => {
    const logits = tf.tensor2d([
      [2, -1],
      [0.5, 30],
    ]);
    const bce = (x: number, y: number) =>
      -(y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));
    const expected = (bce(2, 1) + bce(-1, 0) + bce(0.5, 0) + 30) / 4; // bce(30, 0) = 30 + log(1 + e^-30)
    const multi = headLoss(
      logits,
      tf.tensor2d([
        [1, 0],
        [0, 0],
      ]),
      'multi_label',
    );
    expect(multi.dataSync()[0]).toBeCloseTo(expected, 5);
    const ce = (row: number[], y: number) => -(row[y]! - Math.log(row.reduce((s, v) => s + Math.exp(v), 0)));
    const single = headLoss(logits, tf.tensor1d([0, 1], 'int32'), 'single_label');
    expect(single.dataSync()[0]).toBeCloseTo((ce([2, -1], 0) + ce([0.5, 30], 1)) / 2, 5);
    tf.dispose([logits, multi, single]);
  });

  it('throws typed errors for targets that do not fit the logits and for an unknown problem type', () => {
    tf.tidy(() => {
      const logits = tf.tensor2d([[1, 2, 3]]);
      // Without the check, tfjs broadcasts or fails with a plain Error deep inside the loss.
      expect(() => headLoss(logits, tf.tensor2d([[1, 0]]), 'multi_label')).toThrow(InvalidArgumentError);
      expect(() => headLoss(logits, tf.tensor2d([[1], [0]]), 'multi_label')).toThrow(/targets/);
      expect(() => headLoss(logits, tf.tensor1d([0, 1], 'int32'), 'single_label')).toThrow(/targets/);
      expect(() => headLoss(tf.tensor1d([1]), tf.tensor1d([1]), 'multi_label')).toThrow(/logits/);
      expect(() => headLoss(logits, tf.tensor2d([[1, 0, 0]]), 'multi' as never)).toThrow(/problemType/);
    });
  });

  it('has the BCE gradient σ(x) − y per cell, at a logit of exactly 0 too, and no overflow at ±100', () => {
    registerGradients();
    const x = [0, 0, 2, -3, 100, -100];
    const y = [1, 0, 0, 1, 0, 1];
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const logits = tf.tensor2d(x, [3, 2]);
    const targets = tf.tensor2d(y, [3, 2]);
    const before = tf.memory().numTensors;
    const gradient = tf.grad((l: tf.Tensor) => headLoss(l, targets, 'multi_label'))(logits);
    const values = Array.from(gradient.dataSync());
    x.forEach((v, i) => {
      expect(values[i]).toBeCloseTo((sigmoid(v) - y[i]!) / x.length, 7); // d/dx[log(1 + e^x) − x·y] / cells
    });
    const loss = headLoss(logits, targets, 'multi_label');
    const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const expected = x.reduce((s, v, i) => s + softplus(v) - v * y[i]!, 0) / x.length;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 4);
    tf.dispose([gradient, loss]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, targets]);
  });
});

describe('trainHead', () => {
  it('lowers the loss and learns a separable toy task from cached states, without leaking tensors', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 6 });
    expect(cache.notes[0]!.windows.windowCount).toBeGreaterThan(1); // 6 words + 2 specials > 6
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 3, initializerRange: 0.3, dropout: 0.1 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const result = await trainHead(head, cache.notes, {
      epochs: 40,
      batchSize: 8,
      learningRate: 0.1,
      warmupRatio: 0,
      onStep: (update) => losses.push(update.loss),
      validation: { examples: cache.notes },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.length).toBe(40);
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(losses.slice(-6))).toBeLessThan(mean(losses.slice(0, 6)) * 0.5);
    expect(result.validation?.microF1).toBe(1);
    expect(result.thresholds?.length).toBe(1);
    head.dispose();
  });

  it('stops on an abort signal between updates: rejects with its reason, no tensor leaked', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 8 });
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 5 });
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let steps = 0;
    const reason = new Error('stop here');
    await expect(
      trainHead(head, cache.notes, {
        epochs: 5,
        batchSize: 2,
        onStep: () => {
          steps++;
          if (steps === 2) controller.abort(reason);
        },
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
    expect(steps).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainHead(head, cache.notes, { signal: controller.signal })).rejects.toBe(reason);
    await expect(trainHead(head, cache.notes, { signal: 'no' as never })).rejects.toBeInstanceOf(IcdError);
    expect(tf.memory().numTensors).toBe(before);
    head.dispose();
  });

  it('cached-state training equals training through the frozen encoder (same seed, first losses within 1e-5)', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 8, batchSize: 3 });
    const run = async (examples: Parameters<typeof trainHead>[1], extra: object) => {
      const head = new LabelAttention({
        labels,
        hiddenSize: 16,
        seed: 5,
        initializerRange: 0.3,
        dropout: 0.1,
      });
      const losses: number[] = [];
      await trainHead(head, examples, {
        epochs: 2,
        batchSize: 3,
        learningRate: 0.01,
        seed: 11,
        onStep: (update) => losses.push(update.loss),
        ...extra,
      });
      head.dispose();
      return losses;
    };
    const encoderBefore = snapshot(encoder.weights);
    const cached = await run(cache.notes, {});
    const uncached = await run(notes, { encoder, tokenizer, windowLength: 8, freezeEncoder: true });
    expect(uncached.length).toBe(cached.length);
    cached.forEach((loss, step) => {
      expect(Math.abs(loss - uncached[step]!)).toBeLessThan(1e-5);
    });
    expect(snapshot(encoder.weights)).toEqual(encoderBefore);
  });

  it('is seeded, and two accumulated micro-batches of 2 make the same updates as batches of 4', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 8 });
    const losses = async (options: Parameters<typeof trainHead>[2]) => {
      const head = new LabelAttention({ labels, hiddenSize: 16, seed: 6, initializerRange: 0.3 });
      const values: number[] = [];
      await trainHead(head, cache.notes, {
        epochs: 3,
        learningRate: 0.02,
        ...options,
        onStep: (u) => values.push(u.loss),
      });
      const weights = Array.from(head.weights.get('label_attention.second_linear.weight')?.dataSync() ?? []);
      head.dispose();
      return { values, weights };
    };
    const a = await losses({ batchSize: 4, seed: 1 });
    expect((await losses({ batchSize: 4, seed: 1 })).values).toEqual(a.values);
    expect((await losses({ batchSize: 4, seed: 2 })).values).not.toEqual(a.values);
    const accumulated = await losses({ batchSize: 2, accumulationSteps: 2, seed: 1 });
    expect(accumulated.values.length).toBe(a.values.length);
    accumulated.values.forEach((loss, step) => {
      expect(loss).toBeCloseTo(a.values[step]!, 5);
    });
    accumulated.weights.forEach((value, i) => {
      expect(value).toBeCloseTo(a.weights[i]!, 4);
    });
  });

  it('groupByLength batches notes of similar length together, every note once per epoch', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 64 });
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 6 });
    const seen: number[][] = [];
    const spy = {
      labels: head.labels,
      problemType: head.problemType,
      weights: head.weights,
      forward: (states: tf.Tensor, mask: tf.Tensor, options?: object) => {
        seen.push(Array.from(tf.tidy(() => tf.sum(mask, 1)).dataSync()).sort((a, b) => a - b));
        return head.forward(states, mask, options);
      },
      dispose: () => head.dispose(),
    };
    await trainHead(spy, cache.notes, { epochs: 1, batchSize: 2, groupByLength: true });
    const lengths = cache.notes.map((note) => note.states.length / 16).sort((a, b) => b - a);
    const pairs = [0, 2, 4, 6].map((i) => [lengths[i + 1]!, lengths[i]!]);
    expect(seen.map(String).sort()).toEqual(pairs.map(String).sort());
    head.dispose();
  });

  it('stops early on the validation metric and restores the best weights', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 8 });
    // Validation notes with the codes swapped: the better the head fits train, the worse it does here.
    const flipped = cache.notes.map((note) => ({
      ...note,
      codes: note.codes[0] === 'I21' ? ['J18'] : ['I21'],
    }));
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 7, initializerRange: 0.3 });
    const result = await trainHead(head, cache.notes, {
      epochs: 20,
      batchSize: 8,
      learningRate: 0.05,
      warmupRatio: 0,
      validation: { examples: flipped, every: 1, metric: 'loss', patience: 2, tuneThreshold: false },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.step).toBe(3);
    expect(result.best?.step).toBe(1);
    expect(result.validation?.loss).toBeCloseTo(result.best!.value, 6);
    expect(result.thresholds).toBeUndefined();
    head.dispose();
  });

  it('frozen mode moves only head weights; tunable mode trains encoder and head', async () => {
    const other = createTinyBert({ seed: 9 });
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 2, initializerRange: 0.3 });
    const encoderBefore = snapshot(other.bert.weights);
    const headBefore = snapshot(head.weights);
    await trainHead(head, notes, {
      encoder: other.bert,
      tokenizer,
      freezeEncoder: true,
      epochs: 1,
      batchSize: 4,
    });
    expect(snapshot(other.bert.weights)).toEqual(encoderBefore);
    for (const [name, values] of snapshot(head.weights)) expect(values).not.toEqual(headBefore.get(name));
    await trainHead(head, notes, {
      encoder: other.bert,
      tokenizer,
      epochs: 1,
      batchSize: 4,
      encoderLearningRate: 1e-3,
    });
    const after = snapshot(other.bert.weights);
    expect(after.get('encoder.layer.0.attention.self.query.weight')).not.toEqual(
      encoderBefore.get('encoder.layer.0.attention.self.query.weight'),
    );
    head.dispose();
    other.dispose();
  });

  it('trains single-label heads with cross-entropy', async () => {
    const cache = await cacheHiddenStates(encoder, tokenizer, notes, { windowLength: 16 });
    const head = new TestAttentionHead(labels, { hiddenSize: 16, seed: 4, problemType: 'single_label' });
    const result = await trainHead(head, cache.notes, {
      epochs: 30,
      batchSize: 4,
      learningRate: 0.05,
      validation: { examples: cache.notes },
    });
    expect(result.validation?.accuracy).toBe(1);
    expect(result.thresholds).toBeUndefined();
    head.dispose();
  });

  it('rejects bad arguments with typed errors', async () => {
    const head = new TestAttentionHead(labels, { hiddenSize: 16 });
    const fails = async (promise: Promise<unknown>, pattern: RegExp) => {
      const error = await promise.catch((e: unknown) => e);
      expect(IcdError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(pattern);
    };
    await fails(trainHead(head, []), /examples/);
    await fails(trainHead(head, notes), /encoder/);
    await fails(trainHead(head, notes, { encoder, tokenizer, epochs: 0 }), /epochs/);
    await fails(trainHead(head, notes, { encoder, tokenizer, windowLength: 1000 }), /windowLength/);
    const single = new TestAttentionHead(labels, { hiddenSize: 16, problemType: 'single_label' });
    await fails(
      trainHead(single, [{ text: 'fever', codes: ['I21', 'J18'] }], { encoder, tokenizer }),
      /exactly one/,
    );
    head.dispose();
    single.dispose();
  });
});
