import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MixedTemplate } from '../templates/mixed-template.js';
import { SoftTemplate } from '../templates/soft-template.js';
import { KnowledgeableVerbalizer } from '../verbalizers/knowledgeable-verbalizer.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import { PromptForClassification } from './prompt-for-classification.js';
import { promptModelFiles, promptModelFromFiles } from './prompt-model-files.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const labelWords = { I21: ['infarction'], J18: ['pneumonia'] };
const text = '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .';

function tinyModel(batchSize = 16) {
  const plm = createTinyBert();
  const tokenizer = plm.tokenizer!;
  const template = new MixedTemplate({ tokenizer, model: plm, text, maxLength: 32, seed: 3 });
  const verbalizer = new SoftVerbalizer({ tokenizer, labelWords, model: plm });
  return new PromptForClassification({ template, plm, verbalizer, multiLabel: false, batchSize });
}

describe('trainable prompt parts release their initial tensors', () => {
  it('MixedTemplate, SoftTemplate, SoftVerbalizer and KnowledgeableVerbalizer: construct + dispose adds no tensor', () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const saved = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const start = tf.memory().numTensors;
    const parts = [
      () => new MixedTemplate({ tokenizer, model: plm, text, maxLength: 32, seed: 3 }),
      () =>
        new SoftTemplate({
          tokenizer,
          model: plm,
          text: '{"placeholder":"text_a"} {"mask"} .',
          numTokens: 3,
        }),
      () => new SoftVerbalizer({ tokenizer, labelWords, model: plm }),
      () => new SoftVerbalizer({ tokenizer, labelWords, classWeight: saved }),
      () => new KnowledgeableVerbalizer({ tokenizer, labelWords }),
    ];
    for (const make of parts) {
      make().dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
    // A part built from a saved tensor keeps its values (a copy: the caller's tensor stays usable).
    const verbalizer = new SoftVerbalizer({ tokenizer, labelWords, classWeight: saved });
    expect(Array.from(verbalizer.weights.get('head_last_layer.weight')!.dataSync())).toEqual([1, 2, 3, 4]);
    verbalizer.dispose();
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3, 4]);
    saved.dispose();
    plm.dispose();
  });

  it('promptModelFromFiles → dispose leaves tf.memory().numTensors where it was, and the weights are the saved ones', async () => {
    const model = tinyModel();
    const files = await promptModelFiles(model);
    const original = new Map([...model.weights].map(([name, v]) => [name, Array.from(v.dataSync())]));
    model.dispose();
    const start = tf.memory().numTensors;
    for (let round = 0; round < 2; round += 1) {
      const loaded = await promptModelFromFiles(files);
      for (const name of ['template.soft_embedding.weight', 'verbalizer.head_last_layer.weight'])
        expect(Array.from(loaded.weights.get(name)!.dataSync())).toEqual(original.get(name));
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });
});

describe('PromptForClassification.predict with an AbortSignal', () => {
  it('stops between batches when a timer aborts during the first batch, and releases its tensors', async () => {
    const model = tinyModel(2);
    const notes = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, text: 'fever cough pneumonia' }));
    await model.predict(notes.slice(0, 2)); // tfjs' lazily made constants
    const start = tf.memory().numTensors;
    const controller = new AbortController();
    const reason = new DOMException('Coding took too long', 'TimeoutError');
    const original = model.forward.bind(model);
    const forward = vi.spyOn(model, 'forward');
    forward.mockImplementationOnce((batch, options) => {
      // What a request timeout does: a timer that fires on a later turn of the event loop.
      setTimeout(() => controller.abort(reason), 0);
      return original(batch, options);
    });
    await expect(model.predict(notes, { signal: controller.signal })).rejects.toBe(reason);
    // 20 batches of 2 notes; the abort is seen before the second.
    expect(forward).toHaveBeenCalledTimes(1);
    expect(tf.memory().numTensors).toBe(start);
    // An already aborted signal: no forward pass at all.
    forward.mockClear();
    await expect(model.predict(notes, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(forward).not.toHaveBeenCalled();
    // Without a signal, every batch runs.
    const all = await model.predict(notes);
    expect(all).toHaveLength(40);
    expect(forward).toHaveBeenCalledTimes(20);
    expect(tf.memory().numTensors).toBe(start);
    forward.mockRestore();
    model.dispose();
  });
});
