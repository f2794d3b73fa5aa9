import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptForClassification as BrowserPromptForClassification } from '../model/prompt-for-classification.js';
import { trainPromptModel } from '../model/train-prompt-model.js';
import { ManualTemplate } from '../templates/manual-template.js';
import { MixedTemplate } from '../templates/mixed-template.js';
import { SoftTemplate } from '../templates/soft-template.js';
import { KnowledgeableVerbalizer } from '../verbalizers/knowledgeable-verbalizer.js';
import { SoftVerbalizer } from '../verbalizers/soft-verbalizer.js';
import { loadPromptModel, PromptForClassification, savePromptModel } from './prompt-model-folder.js';

const labelWords = {
  I21: ['infarction', 'myocardial'],
  J18: ['pneumonia', 'cough'],
  I50: ['failure', 'heart'],
};
const examples = [
  { input: 'acute myocardial infarction with chest pain', labels: ['I21'] },
  { input: 'fever cough pneumonia', labels: ['J18'] },
  { input: 'chronic heart failure shortness of breath', labels: ['I50', 'I21'] },
  { input: 'cough and fever', labels: ['J18'] },
];
const notes = examples.map((example, i) => ({ id: `n${i}`, text: example.input }));
let directory: string;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-prompt-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function roundTrip(model: BrowserPromptForClassification, name: string) {
  const expected = await model.predictProbabilities(notes.map((n) => n.text));
  const folder = join(directory, name);
  await savePromptModel(model, folder);
  const loaded = await loadPromptModel(folder);
  expect(loaded).toBeInstanceOf(PromptForClassification);
  expect(loaded.labels).toEqual(model.labels);
  expect(Array.from(loaded.thresholds)).toEqual(Array.from(model.thresholds));
  expect(await loaded.predictProbabilities(notes.map((n) => n.text))).toEqual(expected);
  expect(await loaded.predict(notes)).toEqual(await model.predict(notes));
  loaded.dispose();
}

describe('savePromptModel / loadPromptModel', () => {
  it('a trained mixed-template, soft-verbalizer, multi-label model predicts exactly the same after loading', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new MixedTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"soft"} {"soft": "the patient"} has {"mask"} .',
      maxLength: 32,
      seed: 2,
    });
    const verbalizer = new SoftVerbalizer({ tokenizer, model: plm, labelWords });
    const model = new BrowserPromptForClassification({ template, plm, verbalizer, multiLabel: true });
    await trainPromptModel(model, examples, { epochs: 2, batchSize: 2, validation: { examples } });
    await roundTrip(model, 'mixed-soft');
    model.dispose();
  });

  it('keeps KPT word weights, refined words and calibration, and a soft template', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new SoftTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"mask"} .',
      numTokens: 3,
      maxLength: 32,
    });
    const verbalizer = new KnowledgeableVerbalizer({ tokenizer, labelWords, candidateFraction: 0.05 });
    const single = examples.map((example) => ({ ...example, labels: example.labels[0]! }));
    const model = new BrowserPromptForClassification({ template, plm, verbalizer });
    await model.calibrate(single.map((example) => example.input));
    await trainPromptModel(model, single, { epochs: 2, batchSize: 2 });
    expect(
      verbalizer.weights
        .get('label_words_weights')!
        .dataSync()
        .some((v) => v !== 0),
    ).toBe(true);
    await roundTrip(model, 'soft-kpt');
    model.dispose();
  });

  it('says what is missing in a folder that is not a prompt model', async () => {
    await expect(loadPromptModel(join(directory, 'nothing'))).rejects.toThrow(/is not a folder/);
    const plm = createTinyBert();
    const template = new ManualTemplate({
      tokenizer: plm.tokenizer!,
      text: '{"placeholder":"text_a"} {"mask"}',
      maxLength: 32,
      truncation: (t) => t,
    });
    const verbalizer = new SoftVerbalizer({ classes: ['A', 'B'], model: plm });
    const model = new PromptForClassification({ template, plm, verbalizer });
    await model.save(join(directory, 'custom'));
    await expect(PromptForClassification.load(join(directory, 'custom'))).rejects.toThrow(
      /options\.truncation/,
    );
    const loaded = await PromptForClassification.load(join(directory, 'custom'), { truncation: (t) => t });
    expect(loaded.template.truncation).toBeTypeOf('function');
    loaded.dispose();
    model.dispose();
  });
});
