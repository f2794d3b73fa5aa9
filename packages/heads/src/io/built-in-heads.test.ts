import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadCoder } from '../coder/head-coder.js';
import { ClsHead } from '../layers/cls-head.js';
import { encodeKnowledgeTexts } from '../layers/encode-knowledge-texts.js';
import { KnowledgeInjectedLabelAttention } from '../layers/knowledge-injection.js';
import { LabelAttention } from '../layers/label-attention.js';
import { cacheHiddenStates } from '../training/hidden-state-cache.js';
import { trainHead } from '../training/train-head.js';
import { headCoderFiles, headCoderFromFiles } from './head-coder-files.js';

let mlm: ReturnType<typeof createTinyBert>;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  mlm = createTinyBert({ seed: 5 });
});
afterAll(() => mlm.dispose());

const notes = [
  { id: 'a', text: 'the patient has fever and cough', codes: ['J18'] },
  { id: 'b', text: 'acute myocardial infarction with chest pain', codes: ['I21'] },
  { id: 'c', text: 'pneumonia , cough and fever', codes: ['J18'] },
  { id: 'd', text: 'history of infarction and chest pain', codes: ['I21'] },
];

describe('built-in heads', () => {
  it('a ClsHead trains on cached states, codes long notes, and loads back without a builder', async () => {
    const cache = await cacheHiddenStates(mlm.bert, mlm.tokenizer!, notes, { windowLength: 6 });
    const head = new ClsHead({
      labels: ['I21', 'J18'],
      hiddenSize: 16,
      pooling: 'mean',
      seed: 2,
      dropout: 0,
    });
    const result = await trainHead(head, cache.notes, {
      epochs: 40,
      batchSize: 4,
      learningRate: 0.1,
      warmupRatio: 0,
      validation: { examples: cache.notes },
    });
    expect(result.validation?.microF1).toBe(1);
    const encoder = { info: mlm.bert.info, encode: mlm.bert.encode.bind(mlm.bert), dispose() {} };
    const coder = new HeadCoder({
      encoder,
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 6,
      thresholds: result.thresholds!,
    });
    const predictions = await coder.predict(notes);
    expect(predictions.map((p) => p.ranked[0]!.code)).toEqual(['J18', 'I21', 'J18', 'I21']);
    expect(predictions.every((p) => p.evidenceSource === 'none')).toBe(true);
    const files = await headCoderFiles(coder, { includeEncoder: false });
    expect(JSON.parse(files['head/config.json'] as string).headType).toBe('cls');
    const loaded = await headCoderFromFiles(files, { encoder, tokenizer: mlm.tokenizer! });
    expect(loaded.head).toBeInstanceOf(ClsHead);
    expect(await loaded.predict(notes)).toEqual(predictions);
    loaded.dispose();
    coder.dispose();
  });

  it('a trained LabelAttention coder gives attention evidence and loads back exactly, evidence included', async () => {
    const cache = await cacheHiddenStates(mlm.bert, mlm.tokenizer!, notes, { windowLength: 6 });
    const head = new LabelAttention({
      labels: ['I21', 'J18'],
      hiddenSize: 16,
      seed: 4,
      initializerRange: 0.3,
    });
    const result = await trainHead(head, cache.notes, {
      epochs: 40,
      batchSize: 4,
      learningRate: 0.1,
      warmupRatio: 0,
      validation: { examples: cache.notes },
    });
    expect(result.validation?.microF1).toBe(1);
    const encoder = { info: mlm.bert.info, encode: mlm.bert.encode.bind(mlm.bert), dispose() {} };
    const coder = new HeadCoder({
      encoder,
      tokenizer: mlm.tokenizer!,
      head,
      windowLength: 6,
      thresholds: result.thresholds!,
    });
    const predictions = await coder.predict(notes);
    expect(predictions.map((p) => p.ranked[0]!.code)).toEqual(['J18', 'I21', 'J18', 'I21']);
    for (const [index, prediction] of predictions.entries()) {
      expect(prediction.evidenceSource).toBe('attention');
      for (const code of prediction.ranked.filter((c) => c.predicted)) {
        expect(code.evidence.length).toBeGreaterThan(0);
        for (const evidence of code.evidence)
          expect(notes[index]!.text.slice(evidence.start, evidence.end)).toBe(evidence.text);
      }
    }
    const cached = await cacheHiddenStates(mlm.bert, mlm.tokenizer!, notes, coder.settings);
    expect(await coder.predictCached(cached.notes)).toEqual(predictions);
    // Tuning on the same notes again finds what trainHead tuned (global micro-F1 threshold), from texts or states.
    const fromTexts = await coder.tuneThresholds(notes);
    expect(Array.from(fromTexts.thresholds)).toEqual(Array.from(result.thresholds!));
    expect(fromTexts.microF1).toBe(1);
    expect(
      Array.from((await coder.tuneThresholds(cached.notes, { mode: 'perLabel' })).thresholds),
    ).toHaveLength(2);
    expect(coder.thresholds).toHaveLength(2);
    coder.thresholds = result.thresholds!;
    const files = await headCoderFiles(coder, { includeEncoder: false });
    const loaded = await headCoderFromFiles(files, { encoder, tokenizer: mlm.tokenizer! });
    expect(loaded.head).toBeInstanceOf(LabelAttention);
    expect(await loaded.predict(notes)).toEqual(predictions);
    loaded.dispose();
    coder.dispose();
  });

  it('a knowledge-injected head saves its knowledge embeddings and loads back exactly', async () => {
    const cache = await cacheHiddenStates(mlm.bert, mlm.tokenizer!, notes, { windowLength: 6 });
    const knowledge = await encodeKnowledgeTexts(mlm.bert, mlm.tokenizer!, [
      'acute myocardial infarction',
      'pneumonia with fever',
    ]);
    const head = new KnowledgeInjectedLabelAttention(
      { labels: ['I21', 'J18'], hiddenSize: 16, seed: 4, initializerRange: 0.3 },
      knowledge,
    );
    await trainHead(head, cache.notes, { epochs: 5, batchSize: 4, learningRate: 0.05 });
    const encoder = { info: mlm.bert.info, encode: mlm.bert.encode.bind(mlm.bert), dispose() {} };
    const coder = new HeadCoder({ encoder, tokenizer: mlm.tokenizer!, head, windowLength: 6 });
    const predictions = await coder.predict(notes);
    const files = await headCoderFiles(coder, { includeEncoder: false });
    const loaded = await headCoderFromFiles(files, { encoder, tokenizer: mlm.tokenizer! });
    expect(loaded.head).toBeInstanceOf(KnowledgeInjectedLabelAttention);
    expect(await loaded.predict(notes)).toEqual(predictions);
    loaded.dispose();
    coder.dispose();
  });
});
