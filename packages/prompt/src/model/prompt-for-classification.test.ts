import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualTemplate } from '../templates/manual-template.js';
import { MixedTemplate } from '../templates/mixed-template.js';
import { ManualVerbalizer } from '../verbalizers/manual-verbalizer.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import { PromptForClassification } from './prompt-for-classification.js';
import { trainPromptModel } from './train-prompt-model.js';

const labelWords = { I21: ['infarction'], J18: ['pneumonia'], I50: ['failure'] };

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

function manualModel(options: { freezePlm?: boolean; multiLabel?: boolean } = {}) {
  const plm = createTinyBert();
  const tokenizer = plm.tokenizer!;
  const template = new ManualTemplate({
    tokenizer,
    text: '{"placeholder":"text_a"} the patient has {"mask"} .',
    maxLength: 32,
  });
  const verbalizer = new ManualVerbalizer({ tokenizer, labelWords });
  return new PromptForClassification({ template, plm, verbalizer, ...options });
}

const notes = ['acute chest pain', 'fever and cough', 'shortness of breath'];

describe('PromptForClassification.forward', () => {
  it("gives the verbalizer's scores of the masked LM's own logits at the mask", () => {
    const model = manualModel();
    const batch = model.template.wrapBatch(notes);
    const before = tf.memory().numTensors;
    const scores = model.forward(batch);
    expect(scores.shape).toEqual([3, 3]);
    // Independent path: the full [batch, seq, vocab] logits of forwardMasked, rows at the mask positions.
    const inputIds = tf.tensor2d(batch.inputIds.data, batch.inputIds.shape as [number, number], 'int32');
    const attentionMask = tf.tensor2d(
      batch.attentionMask.data,
      batch.attentionMask.shape as [number, number],
      'int32',
    );
    const { logits, lastHiddenState } = model.plm.forwardMasked({ inputIds, attentionMask });
    const full = logits.arraySync() as number[][][];
    const atMask = tf.tensor2d(
      Array.from(batch.maskPositions.data, (position, row) => full[row]![position]!),
    );
    const reference = model.verbalizer.processLogits(atMask);
    const expected = reference.arraySync();
    scores.arraySync().forEach((row, r) => {
      row.forEach((value, c) => {
        expect(value).toBeCloseTo(expected[r]![c]!, 4);
      });
    });
    tf.dispose([scores, logits, lastHiddenState, inputIds, attentionMask, atMask, reference]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('feeds soft tokens through inputsEmbeds: a soft token started from a word scores as the word', () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const verbalizer = new SoftVerbalizer({ tokenizer, model: plm, labelWords });
    const manual = new ManualTemplate({
      tokenizer,
      text: '{"placeholder":"text_a"} the patient has {"mask"} .',
      maxLength: 32,
    });
    const mixed = new MixedTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .',
      maxLength: 32,
    });
    const viaIds = new PromptForClassification({ template: manual, plm, verbalizer });
    const viaEmbeds = new PromptForClassification({ template: mixed, plm, verbalizer });
    const a = viaIds.forward(manual.wrapBatch(notes));
    const b = viaEmbeds.forward(mixed.wrapBatch(notes));
    const expected = a.arraySync();
    b.arraySync().forEach((row, r) => {
      row.forEach((value, c) => {
        expect(value).toBeCloseTo(expected[r]![c]!, 4);
      });
    });
    tf.dispose([a, b]);
    manual.dispose();
    viaEmbeds.dispose();
  });
});

describe('trainPromptModel', () => {
  const examples = [
    { input: 'acute myocardial infarction with chest pain', labels: 'I21' },
    { input: 'fever cough pneumonia', labels: 'J18' },
    { input: 'chronic heart failure shortness of breath', labels: 'I50' },
    { input: 'chest pain left', labels: 'I21' },
    { input: 'cough and fever', labels: 'J18' },
    { input: 'heart failure', labels: 'I50' },
  ];

  it('moves only the template and verbalizer with a frozen PLM, and leaks no tensor', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new MixedTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"soft"} {"soft": "has"} {"mask"} .',
      seed: 1,
      maxLength: 32,
    });
    const verbalizer = new SoftVerbalizer({ tokenizer, model: plm, labelWords });
    const model = new PromptForClassification({ template, plm, verbalizer, freezePlm: true });
    const snapshot = () => new Map([...model.weights].map(([name, v]) => [name, Array.from(v.dataSync())]));
    const before = snapshot();
    const tensors = tf.memory().numTensors;
    await trainPromptModel(model, examples, { epochs: 2, batchSize: 3 });
    expect(tf.memory().numTensors).toBe(tensors);
    const after = snapshot();
    for (const [name, values] of before) {
      const moved = values.some((v, i) => v !== after.get(name)![i]);
      expect([name, moved]).toEqual([name, !name.startsWith('plm.')]);
    }
    model.dispose();
  });

  it('trains a tunable PLM too, and learns the toy task', async () => {
    const model = manualModel();
    const plmBefore = Array.from(model.plm.getInputEmbeddings().dataSync());
    const result = await trainPromptModel(model, examples, {
      epochs: 30,
      batchSize: 6,
      learningRates: { plm: 3e-3 },
      warmupRatio: 0,
      validation: { examples, every: 10 },
    });
    expect(Array.from(model.plm.getInputEmbeddings().dataSync())).not.toEqual(plmBefore);
    expect(result.validation?.accuracy).toBe(1);
    const predictions = await model.predict(
      examples.map((e, i) => ({ id: `n${i}`, text: e.input as string })),
    );
    expect(predictions.map((p) => p.ranked.find((c) => c.predicted)?.code)).toEqual(
      examples.map((e) => e.labels),
    );
    model.dispose();
  });

  it('refuses a model with nothing to train, and labels outside the classes', async () => {
    const model = manualModel({ freezePlm: true });
    await expect(trainPromptModel(model, examples)).rejects.toThrow(/something to train/);
    const tunable = manualModel();
    await expect(trainPromptModel(tunable, [{ input: 'x', labels: 'Z99' }])).rejects.toThrow(/Z99/);
    await expect(trainPromptModel(tunable, [{ input: 'x', labels: ['I21', 'I50'] }])).rejects.toThrow(
      /exactly one/,
    );
    model.dispose();
    tunable.dispose();
  });
});
