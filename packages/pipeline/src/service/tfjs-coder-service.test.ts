import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { ManualTemplate, PromptForClassification, SoftVerbalizer } from '@icd/prompt';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecordingCoder } from '../test-support/test-coders.js';
import { type CodingService, createCodingService } from './create-coding-service.js';

// The service in front of a real TensorFlow.js model (a prompt model over the tiny BERT): answers
// match the model's own predictions, and neither answered nor aborted requests leak tensors.

let model: PromptForClassification;
let app: CodingService;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const plm = createTinyBert();
  const tokenizer = plm.tokenizer!;
  model = new PromptForClassification({
    template: new ManualTemplate({ tokenizer, text: '{"placeholder":"text_a"} {"mask"} .', maxLength: 32 }),
    plm,
    verbalizer: new SoftVerbalizer({
      tokenizer,
      model: plm,
      labelWords: { I10: ['hypertension'], E11: ['diabetes'], J45: ['asthma'] },
    }),
    multiLabel: true,
    batchSize: 2,
  });
  app = createCodingService({ coder: model, maxBatchSize: 8, maxWaitMs: 20, requestTimeoutMs: 5_000 });
  await app.coding.model;
});
afterAll(async () => {
  await app?.close();
  model?.dispose();
});

const texts = ['hypertension and diabetes', 'asthma with cough', 'no disease', 'diabetes mellitus'];

describe('the coding service over a tfjs prompt model', () => {
  it('answers what the model predicts, batched, without leaking tensors', async () => {
    const expected = await model.predict(texts.map((text, i) => ({ id: `n${i}`, text })));
    const before = tf.memory().numTensors;
    const responses = await Promise.all(
      texts.map((text, i) => app.inject({ method: 'POST', url: '/v1/code', payload: { id: `n${i}`, text } })),
    );
    await app.coding.batcher()!.idle();
    expect(tf.memory().numTensors).toBe(before);
    responses.forEach((response, i) => {
      expect(response.statusCode).toBe(200);
      const [prediction] = response.json().predictions;
      expect(prediction.ranked.map((c: { code: string }) => c.code)).toEqual(
        expected[i]!.ranked.map((c) => c.code),
      );
      prediction.ranked.forEach((code: { score: number }, k: number) => {
        expect(code.score).toBeCloseTo(expected[i]!.ranked[k]!.score, 5);
      });
    });
  });

  it('a timed-out request stops between predict calls (504) and leaves no tensor behind', async () => {
    const recording = new RecordingCoder(model);
    const slow = createCodingService({ coder: recording, requestTimeoutMs: 15, maxBatchSize: 2 });
    try {
      await slow.coding.model;
      const before = tf.memory().numTensors;
      const notes = Array.from({ length: 60 }, (_, i) => ({ id: `m${i}`, text: texts[i % 4]! }));
      const response = await slow.inject({ method: 'POST', url: '/v1/code', payload: { notes } });
      expect(response.statusCode).toBe(504);
      await slow.coding.batcher()!.idle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(recording.calls.length).toBeGreaterThan(0);
      expect(recording.calls.length).toBeLessThan(30); // 30 calls would have coded every note
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await slow.close();
    }
  });

  it('a timed-out request stops inside one long predict call (504), between its batches, and leaves no tensor behind', async () => {
    // One predict call of 200 notes (maxBatchSize 256): 100 forward passes of 2 notes unless the
    // request timeout's signal stops the model between its batches.
    const long = createCodingService({
      coder: model,
      requestTimeoutMs: 30,
      maxBatchSize: 256,
      maxNotesPerRequest: 256,
    });
    const forward = vi.spyOn(model, 'forward');
    try {
      await long.coding.model;
      await model.predict([{ id: 'warm', text: texts[0]! }]);
      forward.mockClear();
      const before = tf.memory().numTensors;
      const notes = Array.from({ length: 200 }, (_, i) => ({ id: `l${i}`, text: texts[i % 4]! }));
      const response = await long.inject({ method: 'POST', url: '/v1/code', payload: { notes } });
      expect(response.statusCode).toBe(504);
      expect(response.json().error).toBe('timeout');
      await long.coding.batcher()!.idle();
      expect(forward.mock.calls.length).toBeGreaterThan(0);
      expect(forward.mock.calls.length).toBeLessThan(100);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      forward.mockRestore();
      await long.close();
    }
  });
});
