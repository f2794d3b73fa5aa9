import { selectBackend } from '@icd/bert';
import { createTinyBert, tinyBertWords } from '@icd/bert/test';
import type { Encoder } from '@icd/core';
import { IcdError } from '@icd/core';
import { filterNote, type KeptText } from '@icd/keybert';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelAttention } from '../layers/label-attention.js';
import { FixedAttentionHead, TestAttentionHead } from '../training/test-heads.test-helper.js';
import { HeadCoder } from './head-coder.js';

let mlm: ReturnType<typeof createTinyBert>;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = createTinyBert();
});
afterAll(() => mlm.dispose());

// The tiny vocabulary: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, then the words.
const idOf = (word: string) => tinyBertWords.indexOf(word) + 5;
const words = (count: number, planted: Record<number, string> = {}) =>
  Array.from({ length: count }, (_, i) => planted[i] ?? tinyBertWords[i % 16]!);

/** An encoder that forwards to another one (the coder must not own the shared test BERT). */
const borrowed = (encoder: Encoder, onEncode?: () => void): Encoder => ({
  info: encoder.info,
  encode: async (input, options) => {
    onEncode?.();
    return encoder.encode(input, options);
  },
  dispose: () => {},
});

describe('HeadCoder', () => {
  it('codes a note of several windows as a whole: the head reads every window, concatenated', async () => {
    const head = new TestAttentionHead(['I21', 'J18'], { hiddenSize: 16, seed: 8 });
    const text = words(25).join(' '); // 25 tokens → windows of 8 (6 words + [CLS], [SEP]): 6 + 6 + 6 + 6 + 1
    const coder = new HeadCoder({
      encoder: borrowed(mlm.bert),
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 8,
    });
    const [prediction] = await coder.predict([{ id: 'long', text }]);
    // Reference: each window through the BERT on its own, states concatenated by hand, one head pass.
    const ids = text.split(' ').map(idOf);
    const expected = tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      for (let first = 0; first < ids.length; first += 6) {
        const window = [2, ...ids.slice(first, first + 6), 3];
        parts.push(mlm.bert.forward({ inputIds: [window] }).lastHiddenState);
      }
      const states = tf.concat(parts, 1);
      expect(states.shape[1]).toBe(25 + 2 * 5);
      const { logits } = head.forward(states, tf.ones([1, states.shape[1]!]));
      return Array.from(tf.sigmoid(logits).dataSync());
    });
    const scores = Object.fromEntries(prediction!.ranked.map((c) => [c.code, c.score]));
    expect(scores.I21).toBeCloseTo(expected[0]!, 5);
    expect(scores.J18).toBeCloseTo(expected[1]!, 5);
    head.dispose();
  });

  it('maps attention through windows to character offsets of planted words, merged into phrases', async () => {
    // 20 words; window 8 holds 6 words; 'myocardial infarction' planted as words 14 and 15 (window 2,
    // columns 3 and 4 → concatenated positions 2·8 + 3 = 19 and 20); 'pneumonia' as word 3 (position 4).
    const list = words(20, { 3: 'pneumonia', 14: 'myocardial', 15: 'infarction' });
    const text = `${list.slice(0, 10).join(' ')}\n${list.slice(10).join('  ')}`;
    const head = new FixedAttentionHead(['I21', 'J18', 'R50'], [3, 2, -3], () => [[19, 20], [4], [0]]);
    const coder = new HeadCoder({
      encoder: borrowed(mlm.bert),
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 8,
    });
    const before = tf.memory().numTensors;
    const [prediction] = await coder.predict([{ id: 'n', text }]);
    expect(tf.memory().numTensors).toBe(before);
    expect(prediction!.evidenceSource).toBe('attention');
    const [i21, j18, r50] = prediction!.ranked;
    expect(i21!.code).toBe('I21');
    expect(i21!.evidence).toHaveLength(1);
    const phrase = i21!.evidence[0]!;
    expect(phrase.text).toBe('myocardial  infarction');
    expect(phrase.start).toBe(text.indexOf('myocardial'));
    expect(text.slice(phrase.start, phrase.end)).toBe(phrase.text);
    expect(phrase.score).toBeCloseTo(1, 6);
    expect(phrase.source).toBe('attention');
    expect(j18!.evidence.map((e) => [e.text, e.start])).toEqual([['pneumonia', text.indexOf('pneumonia')]]);
    expect(r50!.predicted).toBe(false);
    expect(r50!.evidence).toEqual([]);
    const none = await coder.predict([{ id: 'n', text }], { evidence: false });
    expect(none[0]!.evidenceSource).toBe('none');
    expect(none[0]!.ranked.every((c) => c.evidence.length === 0)).toBe(true);
  });

  it('maps evidence through a Key-BERT style filter back to the original note', async () => {
    const original = 'fever and cough . the patient has chest pain . history of myocardial infarction .';
    const spans = [
      { start: 0, end: 17 },
      { start: 47, end: 81 },
    ];
    const keptText = `${original.slice(0, 17)} ${original.slice(47, 81)}`;
    const kept: KeptText = {
      text: keptText,
      spans,
      keptStarts: [0, 18],
      tokens: 10,
      toOriginal: (offset) => (offset <= 17 ? offset : offset >= 18 ? offset - 18 + 47 : undefined),
    };
    // kept text tokens: [CLS] fever and cough . history of myocardial infarction . [SEP]
    const head = new FixedAttentionHead(['I21'], [2], () => [[7, 8]]);
    const coder = new HeadCoder({
      encoder: borrowed(mlm.bert),
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 32,
      filter: () => kept,
    });
    const [prediction] = await coder.predict([{ id: 'n', text: original }]);
    const [evidence] = prediction!.ranked[0]!.evidence;
    expect(evidence!.text).toBe('myocardial infarction');
    expect(original.slice(evidence!.start, evidence!.end)).toBe('myocardial infarction');
    expect(evidence!.start).toBe(original.indexOf('myocardial'));
    // The same through @icd/keybert's filterNote: dictionary hits in sentences 1 and 3, a 10-token budget.
    const terms = [
      { code: 'J18', term: 'fever' },
      { code: 'I21', term: 'myocardial infarction' },
    ];
    const filtered = await filterNote(original, { budget: 10, tokenizer: mlm.tokenizer!, terms });
    expect(filtered.text).toBe(keptText);
    const real = new HeadCoder({
      encoder: borrowed(mlm.bert),
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 32,
      filter: (text) => filterNote(text, { budget: 10, tokenizer: mlm.tokenizer!, terms }),
    });
    expect(await real.predict([{ id: 'n', text: original }])).toEqual([prediction]);
  });

  it('honours topK, threshold and maxEvidence, keeps input order and ranks best first', async () => {
    const head = new FixedAttentionHead(['A', 'B', 'C', 'D'], [-1, 2, 0.5, 1], () => [[1], [1, 2], [2], [1]]);
    const coder = new HeadCoder({
      encoder: borrowed(mlm.bert),
      tokenizer: mlm.tokenizer!,
      head,
      thresholds: [0.5, 0.5, 0.9, 0.5],
    });
    const notes = ['chest pain', 'fever', 'cough cough'].map((text, i) => ({ id: `n${i}`, text }));
    const predictions = await coder.predict(notes);
    expect(predictions.map((p) => p.noteId)).toEqual(['n0', 'n1', 'n2']);
    const first = predictions[0]!.ranked;
    expect(first.map((c) => c.code)).toEqual(['B', 'D', 'C', 'A']);
    expect(first.map((c) => c.predicted)).toEqual([true, true, false, false]);
    expect(first[2]!.threshold).toBe(0.9);
    expect(first[0]!.evidence.map((e) => e.text)).toEqual(['chest pain']);
    const top = await coder.predict(notes, { topK: 2, threshold: 0.99, maxEvidence: 1 });
    expect(top[0]!.ranked.map((c) => c.code)).toEqual(['B', 'D']);
    expect(top[0]!.ranked.every((c) => !c.predicted && c.threshold === 0.99)).toBe(true);
    const one = await coder.predict(notes, { maxEvidence: 1 });
    expect(one[0]!.ranked[0]!.evidence).toHaveLength(1);
    expect(await coder.predict([])).toEqual([]);
  });

  it('splits a head pass whose attention would pass maxAttentionBytes, with the same scores and evidence', async () => {
    const labels = Array.from({ length: 30 }, (_, i) => `C${i}`);
    const head = new LabelAttention({ labels, hiddenSize: 16, seed: 4 });
    let passes = 0;
    const counting = Object.create(head, {
      forward: {
        value: (...args: Parameters<typeof head.forward>) => {
          passes++;
          return head.forward(...args);
        },
      },
    }) as typeof head;
    const notes = [words(5), words(19), words(11), words(2)].map((list, i) => ({
      id: `n${i}`,
      text: list.join(' '),
    }));
    const coderWith = (maxAttentionBytes?: number) =>
      new HeadCoder({
        encoder: borrowed(mlm.bert),
        tokenizer: mlm.tokenizer!,
        head: counting,
        thresholds: 0, // every code predicted: evidence for all of them
        windowLength: 8,
        ...(maxAttentionBytes === undefined ? {} : { maxAttentionBytes }),
      });
    const whole = await coderWith().predict(notes);
    expect(passes).toBe(1);
    passes = 0;
    const before = tf.memory().numTensors;
    const split = await coderWith(1).predict(notes); // any batch of two is over budget: one note a pass
    expect(passes).toBe(notes.length);
    expect(tf.memory().numTensors).toBe(before);
    expect(split.map((p) => p.noteId)).toEqual(whole.map((p) => p.noteId));
    split.forEach((prediction, n) => {
      const reference = whole[n]!;
      expect(prediction.ranked.map((c) => c.code)).toEqual(reference.ranked.map((c) => c.code));
      prediction.ranked.forEach((code, k) => {
        expect(code.score).toBeCloseTo(reference.ranked[k]!.score, 6);
        expect(code.evidence).toEqual(reference.ranked[k]!.evidence);
      });
    });
    // Without evidence there is no attention to keep: one pass whatever the budget.
    passes = 0;
    await coderWith(1).predict(notes, { evidence: false });
    expect(passes).toBe(1);
    expect(() => coderWith(0)).toThrow(IcdError);
    head.dispose();
  });

  it('rejects with the signal reason, before and between batches', async () => {
    const head = new TestAttentionHead(['I21'], { hiddenSize: 16 });
    const controller = new AbortController();
    const reason = new Error('stop');
    let calls = 0;
    const encoder = borrowed(mlm.bert, () => {
      calls++;
      if (calls === 2) controller.abort(reason);
    });
    const coder = new HeadCoder({ encoder, tokenizer: mlm.tokenizer!, head, batchSize: 1 });
    const notes = ['chest pain', 'fever', 'cough'].map((text, i) => ({ id: `n${i}`, text }));
    await expect(coder.predict(notes, { signal: controller.signal })).rejects.toBe(reason);
    expect(calls).toBe(2);
    await expect(coder.predict(notes, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    head.dispose();
  });

  it('validates its options and predict arguments', async () => {
    const head = new TestAttentionHead(['I21'], { hiddenSize: 16 });
    const make = (extra: object) => () =>
      new HeadCoder({ encoder: borrowed(mlm.bert), tokenizer: mlm.tokenizer!, head, ...extra });
    for (const extra of [
      { thresholds: [0.5, 0.5] },
      { thresholds: Number.NaN },
      { windowLength: 65 },
      { batchSize: 0 },
    ]) {
      expect(make(extra)).toThrow(/Argument/);
    }
    const coder = make({})();
    const error = await coder.predict([{ id: 'n', text: 'x' }], { topK: 0 }).catch((e: unknown) => e);
    expect(IcdError.isInstance(error)).toBe(true);
    coder.dispose();
    coder.dispose();
    await expect(coder.predict([])).rejects.toThrow(/disposed/);
  });
});
