import { ensureBackend } from '@icd/bert';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatenateWindows, windowsAsSequence } from './concatenate-windows.js';
import { LabelAttention, type LabelAttentionConfig } from './label-attention.js';
import {
  bceWithLogits,
  dot,
  type Matrix,
  mapMatrix,
  maskedSoftmax,
  matMul,
  maxAbsDiff,
  random,
  randomMatrix,
  transpose,
} from './reference.test-helper.js';

beforeAll(async () => {
  await ensureBackend();
});

const labels = ['I10', 'E11.9', 'J18.9', 'N18.3', 'I50.9'];
const hidden = 4;
const projection = 3;
const sequence = 6;

interface AttentionParameters {
  W: Matrix; // [hidden, projection]
  U: Matrix; // [labels, projection]
  w: Matrix; // [labels, hidden]
  b: number[];
}

function randomParameters(seed: number, scale = 1): AttentionParameters {
  const next = random(seed);
  return {
    W: randomMatrix(next, hidden, projection, scale),
    U: randomMatrix(next, labels.length, projection, scale),
    w: randomMatrix(next, labels.length, hidden, scale),
    b: (randomMatrix(next, 1, labels.length, scale)[0] as number[]).slice(),
  };
}

function weightMap(p: AttentionParameters): Map<string, tf.Tensor> {
  return new Map<string, tf.Tensor>([
    ['label_attention.first_linear.weight', tf.tensor2d(p.W)],
    ['label_attention.second_linear.weight', tf.tensor2d(transpose(p.U))],
    ['label_attention.third_linear.weight', tf.tensor2d(transpose(p.w))],
    ['label_attention.third_linear.bias', tf.tensor1d(p.b)],
  ]);
}

function makeHead(p: AttentionParameters, config: Partial<LabelAttentionConfig> = {}): LabelAttention {
  const weights = weightMap(p);
  const head = new LabelAttention(
    { labels, hiddenSize: hidden, projectionSize: projection, ...config },
    weights,
  );
  tf.dispose([...weights.values()]);
  return head;
}

/** Eqs. 2–4 for one note, in loops: Z = tanh(HW); A = masked softmax(U Zᵀ); V = A H; y_l = ⟨w_l, v_l⟩ + b_l. */
function referenceNote(
  p: AttentionParameters,
  H: Matrix,
  mask: number[],
): { logits: number[]; attention: Matrix } {
  const Z = mapMatrix(matMul(H, p.W), Math.tanh);
  const attention = p.U.map((u) =>
    maskedSoftmax(
      Z.map((z) => dot(u, z)),
      mask,
    ),
  );
  const V = matMul(attention, H);
  const logits = p.w.map((wl, l) => dot(wl, V[l] as number[]) + (p.b[l] as number));
  return { logits, attention };
}

// Three notes; the second padded after 4 tokens, the third fully padded.
const next = random(3);
const states: Matrix[] = [0, 1, 2].map(() => randomMatrix(next, sequence, hidden, 2));
const masks = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
  [0, 0, 0, 0, 0, 0],
];

describe('LabelAttention (eqs. 2–4)', () => {
  it('matches the equations written out in plain arrays, padding masked, a padded row attending nowhere', () => {
    const p = randomParameters(21);
    const head = makeHead(p);
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const { logits, labelAttention } = head.forward(h, m);
    expect(logits.shape).toEqual([3, labels.length]);
    expect(labelAttention?.shape).toEqual([3, labels.length, sequence]);
    const got = logits.arraySync() as Matrix;
    const attention = labelAttention?.arraySync() as Matrix[];
    states.forEach((H, note) => {
      const want = referenceNote(p, H, masks[note] as number[]);
      expect(maxAbsDiff(got[note], want.logits)).toBeLessThan(1e-5);
      expect(maxAbsDiff(attention[note], want.attention)).toBeLessThan(1e-5);
    });
    // Fully padded: zero attention, so V = 0 and the logits are the biases.
    expect((attention[2] as Matrix).flat().every((a) => a === 0)).toBe(true);
    expect(maxAbsDiff(got[2], p.b)).toBeLessThan(1e-6);
    // Padded positions of note 1 get exactly 0; its rows sum to 1.
    for (const row of attention[1] as Matrix) {
      expect(row[4]).toBe(0);
      expect(row[5]).toBe(0);
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    }
    tf.dispose([h, m, logits, labelAttention as tf.Tensor]);
    head.dispose();
  });

  it('is finite for inputs and weights of magnitude 1e4 (no softmax overflow), padding still ignored', () => {
    const p = randomParameters(5, 1e4);
    const head = makeHead(p);
    const big = states.map((H) => H.map((row) => row.map((x) => x * 1e4)));
    const h = tf.tensor3d(big);
    const m = tf.tensor2d(masks);
    const { logits, labelAttention } = head.forward(h, m);
    const values = [...logits.dataSync(), ...(labelAttention?.dataSync() ?? [])];
    expect(values.every(Number.isFinite)).toBe(true);
    const attention = labelAttention?.arraySync() as Matrix[];
    const want = referenceNote(p, big[1] as Matrix, masks[1] as number[]);
    expect(maxAbsDiff(attention[1], want.attention)).toBeLessThan(1e-5);
    // Scores of 1e4 and more: still a distribution over the real tokens.
    for (const row of attention[0] as Matrix)
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    tf.dispose([h, m, logits, labelAttention as tf.Tensor]);
    head.dispose();
  });

  it('codes a long note over its concatenated windows as a whole (padding inside the sequence ignored)', () => {
    const p = randomParameters(8);
    const head = makeHead(p);
    // Window 1: 4 tokens + 2 pads; window 2: 6 tokens; window 3: 3 tokens + 3 pads.
    const rows = randomMatrix(random(4), 13, hidden, 2);
    const pad = [0, 0, 0, 0];
    const w1 = [...rows.slice(0, 4), pad, pad];
    const w2 = rows.slice(4, 10);
    const w3 = [...rows.slice(10, 13), pad, pad, pad];
    const windows = [tf.tensor2d(w1), tf.tensor2d(w2), tf.tensor2d(w3)];
    const sequenceInput = concatenateWindows(windows, [
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ]);
    expect(sequenceInput.hiddenStates.shape).toEqual([1, 18, hidden]);
    expect(sequenceInput.attentionMask.shape).toEqual([1, 18]);
    const { logits } = head.forward(sequenceInput.hiddenStates, sequenceInput.attentionMask);
    // The reference sees only the 13 real tokens, as one unpadded sequence.
    const want = referenceNote(p, rows, new Array(13).fill(1));
    expect(maxAbsDiff((logits.arraySync() as Matrix)[0], want.logits)).toBeLessThan(1e-5);
    // The same windows as a batch of one note.
    const batch = tf.tensor3d([w1, w2, w3]);
    const batchMask = tf.tensor2d([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0, 0],
    ]);
    const asOne = windowsAsSequence(batch, batchMask);
    const again = head.forward(asOne.hiddenStates, asOne.attentionMask).logits;
    expect(maxAbsDiff(again.arraySync(), logits.arraySync())).toBe(0);
    // Two notes' windows side by side: [2, 6, h] + [2, 6, h] → [2, 12, h].
    const two = concatenateWindows(
      [tf.tensor3d([w1, w2]), tf.tensor3d([w2, w3])],
      [
        tf.tensor2d([
          [1, 1, 1, 1, 0, 0],
          [1, 1, 1, 1, 1, 1],
        ]),
        [
          [1, 1, 1, 1, 1, 1],
          [1, 1, 1, 0, 0, 0],
        ],
      ],
    );
    expect(two.hiddenStates.shape).toEqual([2, 12, hidden]);
    expect(two.attentionMask.arraySync()).toEqual([
      [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    ]);
    expect(() => concatenateWindows([], [])).toThrow(InvalidArgumentError);
    expect(() => concatenateWindows(windows, [[1]])).toThrow(/masks/);
    expect(() => concatenateWindows([windows[0] as tf.Tensor, tf.zeros([6, 3])], [[1], [1]])).toThrow(
      /states\[1\]/,
    );
    expect(() => concatenateWindows([windows[0] as tf.Tensor], [[1, 1]])).toThrow(/masks\[0\]/);
    expect(() => windowsAsSequence(batch, tf.ones([3, 5]))).toThrow(/attentionMask/);
    // A flat mask only for one note.
    const twoNotes = tf.zeros([2, 3, hidden]);
    expect(() => concatenateWindows([twoNotes], [[1, 1, 1, 1, 1, 1]])).toThrow(/masks\[0\]/);
    twoNotes.dispose();
    tf.dispose([...windows, batch, batchMask, logits, again]);
    tf.dispose([
      sequenceInput.hiddenStates,
      sequenceInput.attentionMask,
      asOne.hiddenStates,
      asOne.attentionMask,
    ]);
    tf.dispose([two.hiddenStates, two.attentionMask]);
    head.dispose();
  });

  it('BCE gradients reach W, U, w and b and no other variable; they match finite differences', () => {
    const other = tf.variable(tf.ones([3]), true, 'label_attention_test_other');
    const head = new LabelAttention({
      labels,
      hiddenSize: hidden,
      projectionSize: projection,
      seed: 4,
      initializerRange: 0.5,
    });
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const targets = tf.tensor2d([
      [1, 0, 0, 1, 0],
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
    const loss = () => {
      const { logits } = head.forward(h, m, { outputLabelAttention: false });
      return bceWithLogits(logits, targets);
    };
    const { value, grads } = tf.variableGrads(loss);
    const byName = new Map([...head.weights].map(([name, v]) => [v.name, name]));
    expect(Object.keys(grads).sort()).toEqual([...byName.keys()].sort());
    for (const grad of Object.values(grads)) {
      expect(Math.max(...[...grad.dataSync()].map(Math.abs))).toBeGreaterThan(0);
    }
    // Central differences on one entry of each weight (float32: loose tolerance).
    for (const [name, variable] of head.weights) {
      const grad = grads[variable.name] as tf.Tensor;
      const index = 1 % variable.size;
      const original = variable.dataSync()[index] as number;
      const at = (delta: number) => {
        const values = variable.dataSync().slice();
        values[index] = original + delta;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
        const l = tf.tidy(() => loss().dataSync()[0] as number);
        return l;
      };
      const eps = 1e-2;
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      at(0);
      expect(Math.abs(numeric - (grad.dataSync()[index] as number)), name).toBeLessThan(2e-3);
    }
    tf.dispose([value, h, m, targets, ...Object.values(grads)]);
    head.dispose();
    other.dispose();
  });

  it('toJSON / fromJSON with the weights gives identical logits; seeded init is N(0, 0.02²), bias 0', () => {
    const head = new LabelAttention({
      labels,
      hiddenSize: hidden,
      projectionSize: projection,
      dropout: 0.2,
      seed: 12,
    });
    expect([...head.weights.keys()]).toEqual([
      'label_attention.first_linear.weight',
      'label_attention.second_linear.weight',
      'label_attention.third_linear.weight',
      'label_attention.third_linear.bias',
    ]);
    expect(head.parameterSpecs().map((s) => s.shape)).toEqual([[4, 3], [3, 5], [4, 5], [5]]);
    const json = JSON.parse(JSON.stringify(head.toJSON()));
    expect(json).toEqual({
      headType: 'label_attention',
      labels,
      hiddenSize: hidden,
      projectionSize: projection,
      dropout: 0.2,
      initializerRange: 0.02,
      seed: 12,
    });
    const copy = LabelAttention.fromJSON(json, head.weights);
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const a = head.forward(h, m);
    const b = copy.forward(h, m);
    expect(b.logits.arraySync()).toEqual(a.logits.arraySync());
    const seeded = LabelAttention.fromJSON(json);
    expect([...(seeded.weights.get('label_attention.first_linear.weight')?.dataSync() ?? [])]).toEqual([
      ...(head.weights.get('label_attention.first_linear.weight')?.dataSync() ?? []),
    ]);
    expect([...(seeded.weights.get('label_attention.third_linear.bias')?.dataSync() ?? [])]).toEqual([
      0, 0, 0, 0, 0,
    ]);
    const wide = new LabelAttention({
      labels: Array.from({ length: 200 }, (_, i) => `C${i}`),
      hiddenSize: 64,
      seed: 1,
    });
    const values = wide.weights.get('label_attention.second_linear.weight')?.dataSync() as Float32Array;
    const std = Math.sqrt(values.reduce((s, x) => s + x * x, 0) / values.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    tf.dispose([h, m, a.logits, a.labelAttention as tf.Tensor, b.logits, b.labelAttention as tf.Tensor]);
    for (const x of [head, copy, seeded, wide]) x.dispose();
  });

  it('seeded input dropout is reproducible and off outside training', () => {
    const head = new LabelAttention({
      labels,
      hiddenSize: hidden,
      dropout: 0.5,
      seed: 3,
      initializerRange: 0.5,
    });
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const run = (options: Parameters<LabelAttention['forward']>[2]) => {
      const out = head.forward(h, m, { ...options, outputLabelAttention: false });
      expect(out.labelAttention).toBeUndefined();
      const values = out.logits.arraySync();
      out.logits.dispose();
      return values;
    };
    expect(run({ training: true, dropoutSeed: 1 })).toEqual(run({ training: true, dropoutSeed: 1 }));
    expect(
      maxAbsDiff(run({ training: true, dropoutSeed: 1 }), run({ training: true, dropoutSeed: 2 })),
    ).toBeGreaterThan(0);
    expect(run({ dropoutSeed: 1 })).toEqual(run({}));
    tf.dispose([h, m]);
    head.dispose();
  });

  it('throws typed errors for bad configs, weights, shapes and options', () => {
    const bad = (config: unknown) => () => new LabelAttention(config as LabelAttentionConfig);
    expect(bad(undefined)).toThrow(InvalidArgumentError);
    expect(bad({ labels: 'I10', hiddenSize: 4 })).toThrow(/labels/);
    expect(bad({ labels: ['I10', 'I10'], hiddenSize: 4 })).toThrow(/labels\[1\]/);
    expect(bad({ labels, hiddenSize: -1 })).toThrow(/hiddenSize/);
    expect(bad({ labels, hiddenSize: 4, projectionSize: 2.5 })).toThrow(/projectionSize/);
    expect(bad({ labels, hiddenSize: 4, dropout: -0.1 })).toThrow(/dropout/);
    expect(bad({ labels, hiddenSize: 4, initializerRange: Number.NaN })).toThrow(/initializerRange/);
    expect(() => LabelAttention.fromJSON({ headType: 'cls', labels, hiddenSize: 4 } as never)).toThrow(
      /headType/,
    );
    const p = randomParameters(1);
    const weights = weightMap(p);
    expect(() => new LabelAttention({ labels, hiddenSize: hidden, projectionSize: 2 }, weights)).toThrow(
      CheckpointError,
    );
    expect(
      () =>
        new LabelAttention(
          { labels: labels.slice(1), hiddenSize: hidden, projectionSize: projection },
          weights,
        ),
    ).toThrow(/label_attention.second_linear.weight/);
    // A diverged or corrupt weight is refused by name, not turned into NaN logits.
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const corrupt = new Map(weights);
      const output = tf.tensor2d(p.w.map((row) => row.map((value, k) => (k === 0 ? bad : value))));
      corrupt.set('label_attention.third_linear.weight', tf.transpose(output));
      const before = tf.memory().numTensors;
      expect(
        () => new LabelAttention({ labels, hiddenSize: hidden, projectionSize: projection }, corrupt),
      ).toThrow(CheckpointError);
      expect(
        () => new LabelAttention({ labels, hiddenSize: hidden, projectionSize: projection }, corrupt),
      ).toThrow(/third_linear\.weight.*NaN/);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([output, corrupt.get('label_attention.third_linear.weight')!]);
    }
    tf.dispose([...weights.values()]);
    const head = new LabelAttention({ labels, hiddenSize: hidden, projectionSize: projection });
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    expect(() => head.forward(tf.zeros([3, 6]), m)).toThrow(/hiddenStates/);
    expect(() => head.forward(h, tf.ones([3, 5]))).toThrow(/attentionMask/);
    expect(() => head.forward(h, tf.ones([2, 6]))).toThrow(/attentionMask/);
    expect(() => head.forward(tf.zeros([3, 6, 5]), m)).toThrow(/\[batch, sequence, 4\]/);
    expect(() => head.forward(tf.zeros([3, 6, 4], 'int32'), m)).toThrow(/float32/);
    expect(() => head.forward(h, m, { outputLabelAttention: 1 } as never)).toThrow(/outputLabelAttention/);
    expect(() => head.forward(h, m, { dropoutSeed: Number.NaN })).toThrow(/dropoutSeed/);
    const disposed = tf.ones([3, 6]);
    disposed.dispose();
    expect(() => head.forward(h, disposed)).toThrow(/attentionMask/);
    head.dispose();
    head.dispose();
    expect(() => head.forward(h, m)).toThrow(/disposed/);
    tf.dispose([h, m]);
  });

  it('leaks no tensor in forward or in a gradient step', () => {
    const head = new LabelAttention({ labels, hiddenSize: hidden, dropout: 0.1, seed: 1 });
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const targets = tf.zeros([3, labels.length]);
    const before = tf.memory().numTensors;
    for (const options of [{}, { training: true, dropoutSeed: 3 }, { outputLabelAttention: false }]) {
      const out = head.forward(h, m, options);
      tf.dispose([out.logits, out.labelAttention ?? []]);
    }
    const { value, grads } = tf.variableGrads(() =>
      bceWithLogits(head.forward(h, m, { training: true }).logits, targets),
    );
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([h, m, targets]);
    head.dispose();
  });
});
