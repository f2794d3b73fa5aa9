import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { MixedTemplate, PromptForClassification, promptModelFromFiles, SoftVerbalizer } from '@icd/prompt';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeSetFromList } from './code-set.js';
import { loadModelFolder } from './load-model-folder.js';
import { modelFolderFiles } from './model-folder-files.js';
import { HASHES } from './test-fixtures.test-helper.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const notes = [
  { id: 'n1', text: 'acute myocardial infarction with chest pain' },
  { id: 'n2', text: 'fever cough pneumonia' },
];

function tinyPromptModel() {
  const plm = createTinyBert();
  const tokenizer = plm.tokenizer!;
  const template = new MixedTemplate({
    tokenizer,
    model: plm,
    text: '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .',
    maxLength: 32,
    seed: 3,
  });
  const verbalizer = new SoftVerbalizer({
    tokenizer,
    classes: ['I21.9', 'J18.9', 'I50.9'],
    labelWords: { 'I21.9': ['infarction'], 'J18.9': ['pneumonia'], 'I50.9': ['failure'] },
    model: plm,
  });
  return new PromptForClassification({ template, plm, verbalizer, multiLabel: false });
}

describe('a prompt model in a model folder', () => {
  it('predicts the same probabilities after modelFolderFiles → loadModelFolder, adding no tensors of its own', async () => {
    const model = tinyPromptModel();
    const expected = await model.predict(notes);
    const codeSet = codeSetFromList(model.labels, [
      { code: 'I21.9', display: 'Acute myocardial infarction, unspecified' },
      { code: 'J18.9', display: 'Pneumonia, unspecified organism' },
      { code: 'I50.9', display: 'Heart failure, unspecified' },
    ]);
    const files = await modelFolderFiles(model, { name: 'tiny-prompt', codeSet, hashes: HASHES });
    model.dispose();
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'pipeline.json',
        'prompt.json',
        'prompt.safetensors',
        'plm/config.json',
        'plm/model.safetensors',
      ]),
    );
    // A first load and prediction creates tfjs' lazily cached constants; count from the second.
    const warm = await loadModelFolder(files);
    await warm.predict(notes);
    warm.dispose();
    const before = tf.memory().numTensors;
    const loaded = await loadModelFolder(files);
    const again = await loaded.predict(notes);
    expect(again.map((p) => p.ranked.map((c) => c.code))).toEqual(
      expected.map((p) => p.ranked.map((c) => c.code)),
    );
    for (const [i, prediction] of again.entries())
      for (const [j, code] of prediction.ranked.entries())
        expect(code.score).toBeCloseTo(expected[i]!.ranked[j]!.score, 6);
    // Single-label: exactly one predicted code per note, with fallback evidence (a prompt model has none).
    for (const prediction of again) {
      expect(prediction.ranked.filter((code) => code.predicted)).toHaveLength(1);
      expect(['sentence', 'dictionary', 'none']).toContain(prediction.evidenceSource);
    }
    expect(again[0]!.ranked.find((c) => c.predicted)!.evidence.every((e) => e.source === 'sentence')).toBe(
      true,
    );
    loaded.dispose();
    const pipelineLeak = tf.memory().numTensors - before;
    // The same cycle through @icd/prompt alone: the pipeline layer adds no tensor of its own.
    const start = tf.memory().numTensors;
    const direct = await promptModelFromFiles(files);
    await direct.predict(notes);
    direct.dispose();
    const promptLeak = tf.memory().numTensors - start;
    expect(pipelineLeak).toBe(promptLeak);
    expect(pipelineLeak).toBe(0);
  });

  it('load → dispose of a prompt model folder leaves tf.memory().numTensors unchanged', async () => {
    const model = tinyPromptModel();
    const codeSet = codeSetFromList(model.labels, [
      { code: 'I21.9', display: 'Acute myocardial infarction, unspecified' },
      { code: 'J18.9', display: 'Pneumonia, unspecified organism' },
      { code: 'I50.9', display: 'Heart failure, unspecified' },
    ]);
    const files = await modelFolderFiles(model, { name: 'tiny-prompt', codeSet, hashes: HASHES });
    model.dispose();
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) (await loadModelFolder(files)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
