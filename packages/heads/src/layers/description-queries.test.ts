import { ensureBackend } from '@icd/bert';
import { InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialiseLabelQueriesFromDescriptions } from './description-queries.js';
import { KnowledgeInjectedLabelAttention } from './knowledge-injection.js';
import { LabelAttention } from './label-attention.js';
import {
  dot,
  type Matrix,
  mapMatrix,
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

const columns = (head: LabelAttention, name: string) =>
  transpose(head.weights.get(name)?.arraySync() as Matrix);

describe('initialiseLabelQueriesFromDescriptions (equations)', () => {
  it('sets u_l = s_q·z/‖z‖² with z = tanh((e_l − c) W), w_l = s_w·(e_l − c)/‖e_l − c‖, b_l = β − ⟨w_l, c⟩ for the given labels only', () => {
    const head = new LabelAttention({
      labels,
      hiddenSize: hidden,
      projectionSize: 3,
      seed: 2,
      initializerRange: 0.7,
    });
    const E = randomMatrix(random(1), 2, hidden);
    const c = [0.1, -0.2, 0.3, 0.05];
    const W = head.weights.get('label_attention.first_linear.weight')?.arraySync() as Matrix;
    const U0 = columns(head, 'label_attention.second_linear.weight');
    const w0 = columns(head, 'label_attention.third_linear.weight');
    initialiseLabelQueriesFromDescriptions(head, E, {
      labels: ['J18.9', 'E11.9'],
      queryScale: 3,
      outputScale: 2,
      center: c,
      bias: 0.5,
    });
    const U = columns(head, 'label_attention.second_linear.weight'); // [labels, projection]
    const w = columns(head, 'label_attention.third_linear.weight'); // [labels, hidden]
    const b = head.weights.get('label_attention.third_linear.bias')?.arraySync() as number[];
    const centred = E.map((e) => e.map((x, j) => x - (c[j] as number)));
    const queries = mapMatrix(matMul(centred, W), Math.tanh).map((z) => z.map((x) => (3 * x) / dot(z, z)));
    const outputs = E.map((e) => {
      const d = e.map((x, j) => x - (c[j] as number));
      const norm = Math.sqrt(dot(d, d));
      return d.map((x) => (2 * x) / norm);
    });
    [2, 1].forEach((row, i) => {
      expect(maxAbsDiff(U[row], queries[i])).toBeLessThan(1e-5);
      expect(maxAbsDiff(w[row], outputs[i])).toBeLessThan(1e-5);
      expect(Math.abs((b[row] as number) - (0.5 - dot(outputs[i] as number[], c)))).toBeLessThan(1e-5);
    });
    for (const row of [0, 3, 4]) {
      expect(U[row]).toEqual(U0[row]);
      expect(w[row]).toEqual(w0[row]);
      expect(b[row]).toBe(0);
    }
    expect(head.weights.get('label_attention.first_linear.weight')?.arraySync()).toEqual(W);
    head.dispose();
  });

  it("passes the descriptions through a knowledge-injected head's injection first (e′ = e + softmax(e Z_mᵀ) Z_m)", () => {
    const next = random(4);
    const Dm = randomMatrix(next, 3, hidden);
    const head = new KnowledgeInjectedLabelAttention(
      { labels, hiddenSize: hidden, seed: 5, initializerRange: 0.6 },
      Dm,
    );
    const E = randomMatrix(next, labels.length, hidden);
    initialiseLabelQueriesFromDescriptions(head, {
      data: Float32Array.from(E.flat()),
      shape: [labels.length, hidden],
    });
    const Wk = head.weights.get('knowledge_injection.weight')?.arraySync() as Matrix;
    const W = head.weights.get('label_attention.first_linear.weight')?.arraySync() as Matrix;
    const Zm = matMul(Dm, Wk);
    const injected = E.map((e) => {
      const scores = Zm.map((z) => dot(e, z));
      const max = Math.max(...scores);
      const ex = scores.map((s) => Math.exp(s - max));
      const total = ex.reduce((x, y) => x + y, 0);
      return e.map(
        (x, j) => x + Zm.reduce((s, z, k) => s + ((ex[k] as number) / total) * (z[j] as number), 0),
      );
    });
    const U = columns(head.labelAttention, 'label_attention.second_linear.weight');
    const z = mapMatrix(matMul(injected, W), Math.tanh);
    expect(
      maxAbsDiff(
        U,
        z.map((row) => row.map((x) => (10 * x) / dot(row, row))),
      ),
    ).toBeLessThan(1e-4);
    // w_l = e′/‖e′‖ (c = 0, s_w = 1), b_l = 0.
    const w = columns(head.labelAttention, 'label_attention.third_linear.weight');
    expect(
      maxAbsDiff(
        w,
        injected.map((e) => e.map((x) => x / Math.sqrt(dot(e, e)))),
      ),
    ).toBeLessThan(1e-5);
    head.dispose();
  });

  it('throws typed errors and leaks no tensor', () => {
    const head = new LabelAttention({ labels, hiddenSize: hidden, seed: 1 });
    const E = randomMatrix(random(2), labels.length, hidden);
    const before = tf.memory().numTensors;
    initialiseLabelQueriesFromDescriptions(head, E);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => initialiseLabelQueriesFromDescriptions(head, E.slice(1))).toThrow(InvalidArgumentError);
    expect(() => initialiseLabelQueriesFromDescriptions(head, [[1, 2, 3, 4]], { labels: ['X00'] })).toThrow(
      /labels\[0\]/,
    );
    expect(() =>
      initialiseLabelQueriesFromDescriptions(head, E.slice(0, 2), { labels: ['I10', 'I10'] }),
    ).toThrow(/repeats/);
    expect(() =>
      initialiseLabelQueriesFromDescriptions(head, [[1, 2, Number.NaN, 4]], { labels: ['I10'] }),
    ).toThrow(/finite/);
    expect(() =>
      initialiseLabelQueriesFromDescriptions(head, [[1, 2, 3, 4]], { labels: ['I10'], center: [1, 2, 3, 4] }),
    ).toThrow(/different from center/);
    expect(() =>
      initialiseLabelQueriesFromDescriptions(head, [[1, 2, 3, 4]], { labels: ['I10'], center: [1] }),
    ).toThrow(/center/);
    expect(() =>
      initialiseLabelQueriesFromDescriptions(head, E, { queryScale: Number.POSITIVE_INFINITY }),
    ).toThrow(/queryScale/);
    expect(() => initialiseLabelQueriesFromDescriptions({} as never, E)).toThrow(/head/);
    head.dispose();
    expect(() => initialiseLabelQueriesFromDescriptions(head, E)).toThrow(/disposed/);
  });
});

describe('initialiseLabelQueriesFromDescriptions (unseen codes on notes that hold their words)', () => {
  // Controlled encoder states: 12 "word" vectors in R^32; code k is described by words k and k + 4; note k
  // holds those two words among filler words 8–11 (each state = its word's vector + noise), then padding.
  // (The random tiny BERT of @icd/bert/test does not keep a word's identity in its states — the cosine of
  // 'fever' in a note to 'fever' alone is −0.13 — so it cannot show this; a trained encoder does.)
  const hiddenSize = 32;
  const next = random(99);
  const words = randomMatrix(next, 12, hiddenSize);
  const noisy = (word: number) => (words[word] as number[]).map((x) => x + 0.3 * (2 * next() - 1));
  const codes = ['J18.9', 'I50.9', 'E11.9', 'J45.9'];
  const notes: Matrix[] = codes.map((_, k) => {
    const tokens = [8, 9, k, 10, 11, 8, k + 4, 9];
    return [...tokens.map(noisy), new Array(hiddenSize).fill(0), new Array(hiddenSize).fill(0)];
  });
  const mask = codes.map(() => [...new Array(8).fill(1), 0, 0]);
  // e_l: the mean of the description's word states (what encodeKnowledgeTexts computes).
  const descriptions = codes.map((_, k) =>
    (words[k] as number[]).map((x, j) => (x + (words[k + 4]?.[j] as number)) / 2),
  );
  // c: the mean state of the notes' real tokens.
  const real = notes.flatMap((note) => note.slice(0, 8));
  const center = Array.from(
    { length: hiddenSize },
    (_, j) => real.reduce((s, row) => s + (row[j] as number), 0) / real.length,
  );

  function scores(head: LabelAttention): Matrix {
    const h = tf.tensor3d(notes);
    const m = tf.tensor2d(mask);
    const { logits } = head.forward(h, m, { outputLabelAttention: false });
    const values = logits.arraySync() as Matrix;
    tf.dispose([h, m, logits]);
    return values;
  }

  it('ranks each code first on its note and its note first for it; random queries do not', () => {
    const config = { labels: codes, hiddenSize, projectionSize: 256, seed: 3 };
    const randomHead = new LabelAttention(config);
    const initialised = new LabelAttention(config);
    initialiseLabelQueriesFromDescriptions(initialised, descriptions, { queryScale: 10, center });
    const before = scores(randomHead);
    const after = scores(initialised);
    const argmax = (values: number[]) => values.indexOf(Math.max(...values));
    codes.forEach((_, k) => {
      expect(argmax(after.map((row) => row[k] as number))).toBe(k); // the note, for the code
      expect(argmax(after[k] as number[])).toBe(k); // the code, on the note
      expect(after[k]?.[k]).toBeGreaterThan(before[k]?.[k] as number);
    });
    const randomHits = codes.filter((_, k) => argmax(before.map((row) => row[k] as number)) === k).length;
    expect(randomHits).toBeLessThan(codes.length);
    // The queries attend to the description's words: most of each code's attention on its note
    // falls on positions 2 and 6.
    const h = tf.tensor3d(notes);
    const m = tf.tensor2d(mask);
    const { logits, labelAttention } = initialised.forward(h, m);
    const attention = labelAttention?.arraySync() as Matrix[];
    codes.forEach((_, k) => {
      const row = attention[k]?.[k] as number[];
      expect((row[2] as number) + (row[6] as number)).toBeGreaterThan(0.5);
    });
    tf.dispose([h, m, logits, labelAttention as tf.Tensor]);
    randomHead.dispose();
    initialised.dispose();
  });
});
