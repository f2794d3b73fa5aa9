import { ensureBackend } from '@icd/bert';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClsHead, type ClsHeadConfig } from './cls-head.js';
import {
  bceWithLogits,
  geluExact,
  type Matrix,
  matMul,
  maxAbsDiff,
  random,
  randomMatrix,
} from './reference.test-helper.js';

beforeAll(async () => {
  await ensureBackend();
});

const labels = ['I10', 'E11.9', 'J18.9'];
const hidden = 4;
// Two notes of 5 positions; the second has 2 padded positions.
const next = random(11);
const states: Matrix[] = [randomMatrix(next, 5, hidden), randomMatrix(next, 5, hidden)];
const mask = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0],
];

function weightsOf(head: ClsHead): Map<string, Matrix | number[]> {
  return new Map([...head.weights].map(([name, v]) => [name, v.arraySync() as Matrix | number[]]));
}

// Eq.-level reference: pooling, then a dense layer (or dense → act → dense), all in loops.
function reference(config: ClsHeadConfig, w: Map<string, Matrix | number[]>): Matrix {
  const pooled = states.map((note, b) => {
    if ((config.pooling ?? 'cls') === 'cls') return note[0] as number[];
    const rows = note.filter((_, t) => mask[b]?.[t] === 1);
    return Array.from(
      { length: hidden },
      (_, j) => rows.reduce((s, row) => s + (row[j] as number), 0) / rows.length,
    );
  });
  const dense = (x: Matrix, weight: string, bias: string) =>
    matMul(x, w.get(weight) as Matrix).map((row) =>
      row.map((v, j) => v + ((w.get(bias) as number[])[j] as number)),
    );
  let features = pooled;
  if (config.classifier === 'mlp') {
    const act = config.activation === 'gelu' ? geluExact : Math.tanh;
    features = dense(pooled, 'pre_classifier.weight', 'pre_classifier.bias').map((row) => row.map(act));
  }
  return dense(features, 'classifier.weight', 'classifier.bias');
}

function inputs(): [tf.Tensor3D, tf.Tensor2D] {
  return [tf.tensor3d(states), tf.tensor2d(mask)];
}

describe('ClsHead', () => {
  const cases: ClsHeadConfig[] = [
    { labels, hiddenSize: hidden, pooling: 'cls' },
    { labels, hiddenSize: hidden, pooling: 'mean' },
    {
      labels,
      hiddenSize: hidden,
      pooling: 'mean',
      classifier: 'mlp',
      intermediateSize: 6,
      activation: 'tanh',
    },
    {
      labels,
      hiddenSize: hidden,
      pooling: 'cls',
      classifier: 'mlp',
      intermediateSize: 3,
      activation: 'gelu',
    },
  ];
  for (const config of cases) {
    it(`matches the plain-array reference (${config.pooling}, ${config.classifier ?? 'linear'}, ${config.activation ?? ''})`, () => {
      // A wide init so that the activations are far from linear.
      const head = new ClsHead({ ...config, seed: 5, initializerRange: 0.8 });
      const [h, m] = inputs();
      const { logits } = head.forward(h, m);
      expect(logits.shape).toEqual([2, labels.length]);
      expect(maxAbsDiff(logits.arraySync(), reference(config, weightsOf(head)))).toBeLessThan(1e-5);
      tf.dispose([h, m, logits]);
      head.dispose();
    });
  }

  it('names its weights HF-style with [in, out] shapes, seeded N(0, 0.02²) and zero biases', () => {
    const head = new ClsHead({ labels, hiddenSize: 64, classifier: 'mlp', intermediateSize: 32, seed: 3 });
    expect([...head.weights.keys()]).toEqual([
      'pre_classifier.weight',
      'pre_classifier.bias',
      'classifier.weight',
      'classifier.bias',
    ]);
    expect(head.weights.get('pre_classifier.weight')?.shape).toEqual([64, 32]);
    expect(head.weights.get('classifier.weight')?.shape).toEqual([32, 3]);
    const values = head.weights.get('pre_classifier.weight')?.dataSync() as Float32Array;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    expect([...(head.weights.get('classifier.bias')?.dataSync() ?? [])]).toEqual([0, 0, 0]);
    const same = new ClsHead({ labels, hiddenSize: 64, classifier: 'mlp', intermediateSize: 32, seed: 3 });
    expect([...(same.weights.get('classifier.weight')?.dataSync() ?? [])]).toEqual([
      ...(head.weights.get('classifier.weight')?.dataSync() ?? []),
    ]);
    head.dispose();
    same.dispose();
  });

  it('mean pooling ignores padding and pools a fully padded row to zeros (finite logits)', () => {
    const head = new ClsHead({ labels, hiddenSize: hidden, pooling: 'mean', seed: 1 });
    const h = tf.tensor3d([states[0] as Matrix]);
    const changed = tf.tensor3d([(states[0] as Matrix).map((row, t) => (t >= 3 ? row.map(() => 1e4) : row))]);
    const m = tf.tensor2d([[1, 1, 1, 0, 0]]);
    const a = head.pool(h, m).arraySync();
    const b = head.pool(changed, m).arraySync();
    expect(maxAbsDiff(a, b)).toBe(0);
    const empty = tf.zeros([1, 5]);
    expect(head.pool(changed, empty).arraySync()).toEqual([[0, 0, 0, 0]]);
    const { logits } = head.forward(changed, empty);
    expect([...logits.dataSync()].every(Number.isFinite)).toBe(true);
    tf.dispose([h, changed, m, empty, logits]);
    head.dispose();
  });

  it('seeded dropout: same dropoutSeed, same logits; other seed differs; training off is deterministic', () => {
    const head = new ClsHead({
      labels,
      hiddenSize: hidden,
      classifier: 'mlp',
      dropout: 0.5,
      seed: 2,
      initializerRange: 0.5,
    });
    const [h, m] = inputs();
    const run = (options: Parameters<ClsHead['forward']>[2]) => {
      const { logits } = head.forward(h, m, options);
      const values = logits.arraySync();
      logits.dispose();
      return values;
    };
    expect(run({ training: true, dropoutSeed: 4 })).toEqual(run({ training: true, dropoutSeed: 4 }));
    expect(
      maxAbsDiff(run({ training: true, dropoutSeed: 4 }), run({ training: true, dropoutSeed: 5 })),
    ).toBeGreaterThan(0);
    expect(run({ training: false, dropoutSeed: 4 })).toEqual(run({}));
    tf.dispose([h, m]);
    head.dispose();
  });

  it('BCE gradients reach every weight and no other variable', () => {
    const other = tf.variable(tf.ones([2]), true, 'cls_head_test_other');
    for (const classifier of ['linear', 'mlp'] as const) {
      const head = new ClsHead({
        labels,
        hiddenSize: hidden,
        classifier,
        pooling: 'mean',
        seed: 9,
        initializerRange: 0.5,
      });
      const [h, m] = inputs();
      const targets = tf.tensor2d([
        [1, 0, 1],
        [0, 1, 0],
      ]);
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = head.forward(h, m, { training: true, dropoutSeed: 1 });
        return bceWithLogits(logits, targets);
      });
      const names = new Map([...head.weights].map(([name, v]) => [v.name, name]));
      expect(Object.keys(grads).sort()).toEqual([...names.keys()].sort());
      for (const grad of Object.values(grads)) {
        expect(Math.max(...[...grad.dataSync()].map(Math.abs))).toBeGreaterThan(0);
      }
      tf.dispose([value, h, m, targets, ...Object.values(grads)]);
      head.dispose();
    }
    other.dispose();
  });

  it('toJSON / fromJSON with the weights gives identical logits', () => {
    const head = new ClsHead({
      labels,
      hiddenSize: hidden,
      classifier: 'mlp',
      intermediateSize: 5,
      activation: 'gelu',
      pooling: 'mean',
      seed: 8,
    });
    const json = JSON.parse(JSON.stringify(head.toJSON()));
    expect(json).toEqual({
      headType: 'cls',
      labels,
      hiddenSize: hidden,
      pooling: 'mean',
      problemType: 'multi_label',
      classifier: 'mlp',
      intermediateSize: 5,
      activation: 'gelu',
      dropout: 0.1,
      initializerRange: 0.02,
      seed: 8,
    });
    const copy = ClsHead.fromJSON(json, head.weights);
    const [h, m] = inputs();
    const a = head.forward(h, m).logits;
    const b = copy.forward(h, m).logits;
    expect(b.arraySync()).toEqual(a.arraySync());
    // The copy owns its weights.
    head.dispose();
    const c = copy.forward(h, m).logits;
    expect(c.arraySync()).toEqual(b.arraySync());
    tf.dispose([a, b, c, h, m]);
    copy.dispose();
    const linear = new ClsHead({ labels, hiddenSize: hidden, problemType: 'single_label' });
    const back = ClsHead.fromJSON(linear.toJSON());
    expect(back.problemType).toBe('single_label');
    expect(back.toJSON()).toEqual(linear.toJSON());
    linear.dispose();
    back.dispose();
  });

  it('throws typed errors for bad configs, weights, shapes and options', () => {
    const bad = (config: unknown) => () => new ClsHead(config as ClsHeadConfig);
    expect(bad(null)).toThrow(InvalidArgumentError);
    expect(bad({ labels: [], hiddenSize: 4 })).toThrow(InvalidArgumentError);
    expect(bad({ labels: ['a', 'a'], hiddenSize: 4 })).toThrow(/labels\[1\]/);
    expect(bad({ labels: ['a', ''], hiddenSize: 4 })).toThrow(InvalidArgumentError);
    expect(bad({ labels, hiddenSize: 0 })).toThrow(/hiddenSize/);
    expect(bad({ labels, hiddenSize: 4, pooling: 'max' })).toThrow(/pooling/);
    expect(bad({ labels, hiddenSize: 4, problemType: 'multi_class' })).toThrow(/problemType/);
    expect(bad({ labels, hiddenSize: 4, classifier: 'mlp', activation: 'relu' })).toThrow(/activation/);
    expect(bad({ labels, hiddenSize: 4, intermediateSize: 8 })).toThrow(/intermediateSize/);
    expect(bad({ labels, hiddenSize: 4, dropout: 1 })).toThrow(/dropout/);
    expect(bad({ labels, hiddenSize: 4, seed: 1.5 })).toThrow(/seed/);
    expect(() => ClsHead.fromJSON({ headType: 'label_attention', labels, hiddenSize: 4 } as never)).toThrow(
      /headType/,
    );
    const wrong = new Map([
      ['classifier.weight', tf.zeros([4, 2])],
      ['classifier.bias', tf.zeros([3])],
    ]);
    expect(() => new ClsHead({ labels, hiddenSize: 4 }, wrong)).toThrow(CheckpointError);
    const missing = new Map([['classifier.weight', tf.zeros([4, 3])]]);
    expect(() => new ClsHead({ labels, hiddenSize: 4 }, missing)).toThrow(/missing weight 'classifier.bias'/);
    const extra = new Map([...missing, ['classifier.bias', tf.zeros([3])], ['dense.weight', tf.zeros([1])]]);
    expect(() => new ClsHead({ labels, hiddenSize: 4 }, extra)).toThrow(/unexpected weight 'dense.weight'/);
    tf.dispose([...wrong.values(), ...extra.values()]);

    const head = new ClsHead({ labels, hiddenSize: hidden });
    const [h, m] = inputs();
    const h2 = tf.zeros([2, 5, 3]);
    const m2 = tf.ones([2, 4]);
    expect(() => head.forward(h2, m)).toThrow(/hiddenStates/);
    expect(() => head.forward(h, m2)).toThrow(/attentionMask/);
    expect(() => head.forward([[1]] as never, m)).toThrow(InvalidArgumentError);
    expect(() => head.forward(h, m, { dropoutSeed: 0.5 })).toThrow(/dropoutSeed/);
    expect(() => head.forward(h, m, { training: 'yes' } as never)).toThrow(/training/);
    head.dispose();
    head.dispose();
    expect(() => head.forward(h, m)).toThrow(/disposed/);
    tf.dispose([h, m, h2, m2]);
  });

  it('leaks no tensor in forward (eval and training) or a gradient step', () => {
    const head = new ClsHead({ labels, hiddenSize: hidden, classifier: 'mlp', pooling: 'mean', seed: 1 });
    const [h, m] = inputs();
    const before = tf.memory().numTensors;
    for (const options of [{}, { training: true, dropoutSeed: 2 }, { training: true }]) {
      const { logits } = head.forward(h, m, options);
      logits.dispose();
    }
    head.pool(h, m).dispose();
    const targets = tf.zeros([2, labels.length]);
    const { value, grads } = tf.variableGrads(() =>
      bceWithLogits(head.forward(h, m, { training: true, dropoutSeed: 1 }).logits, targets),
    );
    tf.dispose([value, targets, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, m]);
    head.dispose();
  });
});
