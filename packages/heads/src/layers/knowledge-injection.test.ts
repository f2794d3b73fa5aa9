import { ensureBackend } from '@icd/bert';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  KnowledgeInjectedLabelAttention,
  type KnowledgeInjectedLabelAttentionJson,
  KnowledgeInjection,
} from './knowledge-injection.js';
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

const labels = ['I10', 'E11.9', 'J18.9', 'N18.3'];
const hidden = 4;
const projection = 3;
const sequence = 5;
const texts = 3;

interface Weights {
  Wk: Matrix; // [hidden, hidden]
  Dm: Matrix; // [texts, hidden]
  W: Matrix; // [hidden, projection]
  U: Matrix; // [labels, projection]
  w: Matrix; // [labels, hidden]
  b: number[];
}

function randomWeights(seed: number, scale = 1): Weights {
  const next = random(seed);
  return {
    Wk: randomMatrix(next, hidden, hidden, scale),
    Dm: randomMatrix(next, texts, hidden, scale),
    W: randomMatrix(next, hidden, projection, scale),
    U: randomMatrix(next, labels.length, projection, scale),
    w: randomMatrix(next, labels.length, hidden, scale),
    b: randomMatrix(next, 1, labels.length, scale)[0] as number[],
  };
}

function tensors(p: Weights, withBuffer = true): Map<string, tf.Tensor> {
  const map = new Map<string, tf.Tensor>([
    ['knowledge_injection.weight', tf.tensor2d(p.Wk)],
    ['label_attention.first_linear.weight', tf.tensor2d(p.W)],
    ['label_attention.second_linear.weight', tf.tensor2d(transpose(p.U))],
    ['label_attention.third_linear.weight', tf.tensor2d(transpose(p.w))],
    ['label_attention.third_linear.bias', tf.tensor1d(p.b)],
  ]);
  if (withBuffer) map.set('knowledge_injection.knowledge_embeddings', tf.tensor2d(p.Dm));
  return map;
}

function makeHead(p: Weights): KnowledgeInjectedLabelAttention {
  const map = tensors(p);
  const head = KnowledgeInjectedLabelAttention.fromJSON(
    {
      labels,
      hiddenSize: hidden,
      projectionSize: projection,
    } as unknown as KnowledgeInjectedLabelAttentionJson,
    map,
  );
  tf.dispose([...map.values()]);
  return head;
}

/** Eqs. 7–9 in loops: Z_m = D_m W_k; a_t = softmax_j ⟨D_t, Z_m,j⟩; D'_t = D_t + Σ_j a_tj Z_m,j. */
function referenceInjection(p: Weights, D: Matrix): Matrix {
  const Zm = matMul(p.Dm, p.Wk);
  return D.map((d) => {
    const a = maskedSoftmax(
      Zm.map((z) => dot(d, z)),
      Zm.map(() => 1),
    );
    return d.map((x, j) => x + Zm.reduce((sum, z, k) => sum + (a[k] as number) * (z[j] as number), 0));
  });
}

/** Eqs. 2–4 in loops over D'. */
function referenceAttention(p: Weights, H: Matrix, mask: number[]): { logits: number[]; attention: Matrix } {
  const Z = mapMatrix(matMul(H, p.W), Math.tanh);
  const attention = p.U.map((u) =>
    maskedSoftmax(
      Z.map((z) => dot(u, z)),
      mask,
    ),
  );
  const V = matMul(attention, H);
  return { logits: p.w.map((wl, l) => dot(wl, V[l] as number[]) + (p.b[l] as number)), attention };
}

const next = random(17);
const states: Matrix[] = [0, 1, 2].map(() => randomMatrix(next, sequence, hidden, 2));
const masks = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

describe('KnowledgeInjection (eqs. 6–9)', () => {
  it('matches D′ = D + softmax(D Z_mᵀ) Z_m written out in plain arrays', () => {
    const p = randomWeights(2);
    const injection = new KnowledgeInjection(
      { hiddenSize: hidden },
      p.Dm,
      new Map([['knowledge_injection.weight', tf.tensor2d(p.Wk)]]),
    );
    const h = tf.tensor3d(states);
    const out = injection.forward(h);
    expect(out.shape).toEqual([3, sequence, hidden]);
    const got = out.arraySync();
    states.forEach((D, note) => {
      expect(maxAbsDiff(got[note], referenceInjection(p, D))).toBeLessThan(1e-5);
    });
    expect([...injection.weights.keys()]).toEqual(['knowledge_injection.weight']);
    expect(injection.buffers.get('knowledge_injection.knowledge_embeddings')?.shape).toEqual([texts, hidden]);
    tf.dispose([h, out]);
    injection.dispose();
    injection.dispose();
    expect(() => injection.forward(h)).toThrow(/disposed/);
  });

  it('accepts D_m as TensorData, rows or a tensor (copied), and rejects bad ones', () => {
    const p = randomWeights(3);
    const source = tf.tensor2d(p.Dm);
    const fromTensor = new KnowledgeInjection({ hiddenSize: hidden, seed: 1 }, source);
    source.dispose();
    const fromData = new KnowledgeInjection(
      { hiddenSize: hidden, seed: 1 },
      { data: Float32Array.from(p.Dm.flat()), shape: [texts, hidden] },
    );
    const h = tf.tensor3d(states);
    const a = fromTensor.forward(h);
    const b = fromData.forward(h);
    expect(maxAbsDiff(a.arraySync(), b.arraySync())).toBe(0);
    tf.dispose([h, a, b]);
    fromTensor.dispose();
    fromData.dispose();
    const before = tf.memory().numTensors;
    expect(() => new KnowledgeInjection({ hiddenSize: hidden }, [[1, 2, 3]])).toThrow(InvalidArgumentError);
    expect(() => new KnowledgeInjection({ hiddenSize: hidden }, [])).toThrow(/knowledgeEmbeddings/);
    expect(() => new KnowledgeInjection({ hiddenSize: hidden }, [[1, 2, Number.NaN, 4]])).toThrow(/finite/);
    expect(
      () => new KnowledgeInjection({ hiddenSize: hidden }, { data: new Float32Array(3), shape: [1, 4] }),
    ).toThrow(/knowledgeEmbeddings/);
    expect(() => new KnowledgeInjection({ hiddenSize: hidden }, 'text' as never)).toThrow(
      /knowledgeEmbeddings/,
    );
    expect(() => new KnowledgeInjection({ hiddenSize: 0 }, p.Dm)).toThrow(/hiddenSize/);
    const wrong = new Map([['knowledge_injection.weight', tf.zeros([hidden, 2])]]);
    expect(() => new KnowledgeInjection({ hiddenSize: hidden }, p.Dm, wrong)).toThrow(CheckpointError);
    tf.dispose([...wrong.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('KnowledgeInjectedLabelAttention (eqs. 6–9 feeding eqs. 2–4)', () => {
  it('matches the equations in plain arrays; padding stays masked; a fully padded note attends nowhere', () => {
    const p = randomWeights(5);
    const head = makeHead(p);
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const { logits, labelAttention } = head.forward(h, m);
    expect(logits.shape).toEqual([3, labels.length]);
    const got = logits.arraySync() as Matrix;
    const attention = labelAttention?.arraySync() as Matrix[];
    states.forEach((D, note) => {
      const want = referenceAttention(p, referenceInjection(p, D), masks[note] as number[]);
      expect(maxAbsDiff(got[note], want.logits)).toBeLessThan(1e-5);
      expect(maxAbsDiff(attention[note], want.attention)).toBeLessThan(1e-5);
    });
    expect((attention[2] as Matrix).flat().every((a) => a === 0)).toBe(true);
    expect(maxAbsDiff(got[2], p.b)).toBeLessThan(1e-6);
    // Changing what stands at padded positions changes nothing.
    const changed = tf.tensor3d(
      states.map((D, note) => D.map((row, t) => (masks[note]?.[t] === 1 ? row : row.map(() => 1e4)))),
    );
    const again = head.forward(changed, m);
    expect(maxAbsDiff(again.logits.arraySync(), got)).toBeLessThan(1e-5);
    tf.dispose([
      h,
      m,
      changed,
      logits,
      labelAttention as tf.Tensor,
      again.logits,
      again.labelAttention as tf.Tensor,
    ]);
    head.dispose();
  });

  it('is finite for states, knowledge and weights of magnitude 1e4', () => {
    const p = randomWeights(6, 1e2);
    p.Dm = p.Dm.map((row) => row.map((x) => x * 1e2));
    const head = makeHead(p);
    const h = tf.tensor3d(states.map((D) => D.map((row) => row.map((x) => x * 1e4))));
    const m = tf.tensor2d(masks);
    const { logits, labelAttention } = head.forward(h, m);
    expect([...logits.dataSync(), ...(labelAttention?.dataSync() ?? [])].every(Number.isFinite)).toBe(true);
    tf.dispose([h, m, logits, labelAttention as tf.Tensor]);
    head.dispose();
  });

  it('BCE gradients reach W_k and the label attention weights, not D_m nor any other variable', () => {
    const other = tf.variable(tf.ones([2]), true, 'knowledge_test_other');
    const head = new KnowledgeInjectedLabelAttention(
      { labels, hiddenSize: hidden, projectionSize: projection, seed: 3, initializerRange: 0.5 },
      randomWeights(7).Dm,
    );
    expect([...head.weights.keys()]).toEqual([
      'knowledge_injection.weight',
      'label_attention.first_linear.weight',
      'label_attention.second_linear.weight',
      'label_attention.third_linear.weight',
      'label_attention.third_linear.bias',
    ]);
    expect(head.parameterSpecs().map((spec) => [spec.name, spec.shape])).toEqual([
      ['knowledge_injection.weight', [4, 4]],
      ['label_attention.first_linear.weight', [4, 3]],
      ['label_attention.second_linear.weight', [3, 4]],
      ['label_attention.third_linear.weight', [4, 4]],
      ['label_attention.third_linear.bias', [4]],
    ]);
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const targets = tf.tensor2d([
      [1, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    const { value, grads } = tf.variableGrads(() =>
      bceWithLogits(head.forward(h, m, { training: true, outputLabelAttention: false }).logits, targets),
    );
    const names = [...head.weights.values()].map((v) => v.name).sort();
    expect(Object.keys(grads).sort()).toEqual(names);
    for (const grad of Object.values(grads))
      expect(Math.max(...[...grad.dataSync()].map(Math.abs))).toBeGreaterThan(0);
    // W_k's gradient against central differences.
    const Wk = head.weights.get('knowledge_injection.weight') as tf.Variable;
    const loss = () =>
      tf.tidy(
        () =>
          bceWithLogits(
            head.forward(h, m, { outputLabelAttention: false }).logits,
            targets,
          ).dataSync()[0] as number,
      );
    const original = Wk.arraySync() as Matrix;
    const analytic = grads[Wk.name]?.arraySync() as Matrix;
    for (const [i, j] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const at = (delta: number) => {
        tf.tidy(() =>
          Wk.assign(
            tf.tensor2d(original.map((row, r) => row.map((x, c) => (r === i && c === j ? x + delta : x)))),
          ),
        );
        return loss();
      };
      const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
      expect(Math.abs(numeric - (analytic[i]?.[j] as number))).toBeLessThan(2e-3);
    }
    tf.tidy(() => Wk.assign(tf.tensor2d(original)));
    tf.dispose([value, h, m, targets, ...Object.values(grads)]);
    head.dispose();
    other.dispose();
  });

  it('toJSON / fromJSON with weights and buffer gives identical logits; typed errors', () => {
    const p = randomWeights(8);
    const head = new KnowledgeInjectedLabelAttention(
      { labels, hiddenSize: hidden, projectionSize: projection, seed: 9, dropout: 0.1 },
      p.Dm,
    );
    const json = JSON.parse(JSON.stringify(head.toJSON()));
    expect(json).toEqual({
      headType: 'knowledge_label_attention',
      labels,
      hiddenSize: hidden,
      projectionSize: projection,
      dropout: 0.1,
      initializerRange: 0.02,
      seed: 9,
      numKnowledgeTexts: texts,
    });
    const saved = new Map<string, tf.Tensor>([...head.weights, ...head.buffers]);
    const copy = KnowledgeInjectedLabelAttention.fromJSON(json, saved);
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const a = head.forward(h, m, { outputLabelAttention: false }).logits;
    const b = copy.forward(h, m, { outputLabelAttention: false }).logits;
    expect(b.arraySync()).toEqual(a.arraySync());
    // Seeded: the config and the knowledge alone rebuild the same initial head.
    const seeded = KnowledgeInjectedLabelAttention.fromJSON(json, new Map([...head.buffers]));
    const c = seeded.forward(h, m, { outputLabelAttention: false }).logits;
    expect(c.arraySync()).toEqual(a.arraySync());
    const withoutBuffer = new Map([...head.weights]);
    expect(() => KnowledgeInjectedLabelAttention.fromJSON(json, withoutBuffer)).toThrow(CheckpointError);
    expect(() => KnowledgeInjectedLabelAttention.fromJSON({ ...json, numKnowledgeTexts: 7 }, saved)).toThrow(
      /7 knowledge texts/,
    );
    expect(() =>
      KnowledgeInjectedLabelAttention.fromJSON({ ...json, headType: 'label_attention' } as never, saved),
    ).toThrow(/headType/);
    const missing = new Map([...saved].filter(([name]) => name !== 'knowledge_injection.weight'));
    expect(() => KnowledgeInjectedLabelAttention.fromJSON(json, missing)).toThrow(
      /missing weight 'knowledge_injection.weight'/,
    );
    expect(() => new KnowledgeInjectedLabelAttention({ labels, hiddenSize: 5 }, p.Dm)).toThrow(
      /knowledgeEmbeddings/,
    );
    expect(() => head.forward(h, tf.ones([3, 4]))).toThrow(/attentionMask/);
    expect(() => head.forward(h, m, { outputLabelAttention: 'no' } as never)).toThrow(/outputLabelAttention/);
    tf.dispose([h, m, a, b, c]);
    for (const x of [head, copy, seeded]) x.dispose();
    head.dispose();
    expect(() => head.forward(h, m)).toThrow(InvalidArgumentError);
  });

  it('leaks no tensor in forward or a gradient step, and frees everything on dispose', () => {
    const start = tf.memory().numTensors;
    const head = new KnowledgeInjectedLabelAttention(
      { labels, hiddenSize: hidden, seed: 1, dropout: 0.2 },
      randomWeights(9).Dm,
    );
    const h = tf.tensor3d(states);
    const m = tf.tensor2d(masks);
    const targets = tf.zeros([3, labels.length]);
    const before = tf.memory().numTensors;
    for (const options of [{}, { training: true, dropoutSeed: 2 }, { outputLabelAttention: false }]) {
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
    expect(tf.memory().numTensors).toBe(start);
  });
});
