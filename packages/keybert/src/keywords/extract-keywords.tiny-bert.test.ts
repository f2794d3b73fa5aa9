import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import type { Encoder } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { extractKeywords } from './extract-keywords.js';

// A real (tiny, randomly initialised) BERT: token vectors depend on their context.
describe('extractKeywords over a real tiny BERT', () => {
  it('runs one encoder pass per window batch, depends on context, and leaks no tensor', async () => {
    await selectBackend({ backend: 'cpu' });
    const mlm = createTinyBert();
    const tokenizer = mlm.tokenizer!;
    let calls = 0;
    const encoder: Encoder = {
      info: mlm.bert.info,
      encode: (input, options) => {
        calls++;
        return mlm.bert.encode(input, options);
      },
      dispose: () => {},
    };
    const note = Array.from({ length: 12 }, () => 'the patient has chest pain and fever').join('. ');
    const before = tf.memory().numTensors;
    const options = {
      encoder,
      tokenizer,
      maxLength: 32,
      stride: 8,
      batchSize: 3,
      topN: 3,
      ngramRange: [1, 2] as const,
    };
    const context = await extractKeywords(note, options);
    // 12 × 7 words + 11 dots = 95 tokens; windows of 30 content tokens at 0, 22, 44, 66 → 4 windows, batches of 3 → 2 calls.
    expect(calls).toBe(2);
    const isolated = await extractKeywords(note, { ...options, candidateEmbedding: 'isolated' });
    expect(tf.memory().numTensors).toBe(before);
    expect(context).toHaveLength(3);
    for (const keyword of context) {
      for (const [start, end] of keyword.spans!)
        expect(note.slice(start, end).toLowerCase()).toBe(keyword.text);
    }
    expect(context.map((k) => k.score)).not.toEqual(isolated.map((k) => k.score));
    expect(context[0]!.score).toBeGreaterThanOrEqual(context[1]!.score);
    mlm.dispose();
  });
});
