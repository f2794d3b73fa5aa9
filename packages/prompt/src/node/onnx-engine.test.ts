import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { InvalidArgumentError, UnsupportedError } from '@icd/core';
import { exportOnnx } from '@icd/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptForClassification as BrowserPromptForClassification } from '../model/prompt-for-classification.js';
import { trainPromptModel } from '../model/train-prompt-model.js';
import { ManualTemplate } from '../templates/manual-template.js';
import { MixedTemplate } from '../templates/mixed-template.js';
import { SoftTemplate } from '../templates/soft-template.js';
import { ManualVerbalizer } from '../verbalizers/manual-verbalizer.js';
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
// Notes of different lengths, so batches are padded.
const notes = [
  'acute myocardial infarction with chest pain radiating to the arm',
  'cough',
  'heart failure',
  'fever cough pneumonia and shortness of breath',
  'chest pain',
];
let directory: string;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-prompt-onnx-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function maxAbsDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  a.forEach((row, i) => {
    expect(row.length).toBe(b[i]!.length);
    row.forEach((value, j) => {
      max = Math.max(max, Math.abs(value - b[i]![j]!));
    });
  });
  return max;
}

/** Saves `model`, loads it on both engines and checks ONNX class scores against the tfjs model's. */
async function compareEngines(model: BrowserPromptForClassification, name: string) {
  const reference = await model.predictProbabilities(notes);
  const folder = join(directory, name);
  await savePromptModel(model, folder);
  const tfjs = await loadPromptModel(folder);
  const onnx = await PromptForClassification.load(folder, { engine: 'onnx', onnx: { intraOpNumThreads: 1 } });
  expect(tfjs.engine).toBe('tfjs');
  expect(onnx.engine).toBe('onnx');
  expect(existsSync(join(folder, 'plm', 'onnx', 'masked-lm-inputs-embeds-positions.onnx'))).toBe(true);
  const before = tf.memory().numTensors;
  const logits = { tfjs: await tfjs.predictLogits(notes), onnx: await onnx.predictLogits(notes) };
  const probabilities = await onnx.predictProbabilities(notes);
  expect(tf.memory().numTensors).toBe(before);
  expect(maxAbsDifference(logits.onnx, logits.tfjs)).toBeLessThan(1e-4);
  expect(maxAbsDifference(probabilities, reference)).toBeLessThan(1e-4);
  // Codes ranked the same way by both engines (the Coder contract on ONNX).
  const ranked = (predictions: Awaited<ReturnType<typeof onnx.predict>>) =>
    predictions.map((p) => p.ranked.map((r) => r.code));
  const ids = notes.map((text, i) => ({ id: `n${i}`, text }));
  expect(ranked(await onnx.predict(ids))).toEqual(ranked(await model.predict(ids)));
  tfjs.dispose();
  return { onnx, folder, logits };
}

describe("PromptForClassification.load(dir, { engine: 'onnx' })", () => {
  it('manual template + manual verbalizer: ONNX class scores equal the tfjs model within 1e-4, calibration included', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new ManualTemplate({
      tokenizer,
      text: '{"placeholder":"text_a"} the diagnosis is {"mask"} .',
      maxLength: 32,
    });
    const verbalizer = new ManualVerbalizer({ tokenizer, labelWords });
    const model = new BrowserPromptForClassification({ template, plm, verbalizer, batchSize: 2 });
    const { onnx } = await compareEngines(model, 'manual');
    // Contextual calibration through ONNX logits registers the same mean as through tfjs.
    const [fromOnnx, fromTfjs] = [await onnx.calibrate(notes), await model.calibrate(notes)];
    expect(maxAbsDifference([fromOnnx], [fromTfjs])).toBeLessThan(1e-4);
    expect(
      maxAbsDifference(await onnx.predictProbabilities(notes), await model.predictProbabilities(notes)),
    ).toBeLessThan(1e-4);
    onnx.dispose();
    model.dispose();
  });

  it('trained mixed template (soft tokens through inputs_embeds) + soft verbalizer, multi-label: same scores within 1e-4', async () => {
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
    const model = new BrowserPromptForClassification({
      template,
      plm,
      verbalizer,
      multiLabel: true,
      batchSize: 3,
    });
    await trainPromptModel(model, examples, { epochs: 2, batchSize: 2 });
    const { onnx, logits } = await compareEngines(model, 'mixed-soft');
    // Training moved the soft tokens: the scores differ between notes (not a constant that would match trivially).
    expect(Math.abs(logits.onnx[0]![0]! - logits.onnx[1]![0]!)).toBeGreaterThan(1e-4);
    onnx.dispose();
    model.dispose();
  });

  it('soft template + manual verbalizer: same scores within 1e-4', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const template = new SoftTemplate({
      tokenizer,
      model: plm,
      text: '{"placeholder":"text_a"} {"mask"} .',
      numTokens: 3,
      maxLength: 32,
    });
    const verbalizer = new ManualVerbalizer({ tokenizer, labelWords });
    const model = new BrowserPromptForClassification({ template, plm, verbalizer });
    const { onnx } = await compareEngines(model, 'soft-manual');
    onnx.dispose();
    model.dispose();
  });

  it('reads an existing plm/model.onnx (input_ids, logits at every position): manual prompts run, soft ones get a typed error', async () => {
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const manual = new BrowserPromptForClassification({
      template: new ManualTemplate({
        tokenizer,
        text: '{"placeholder":"text_a"} is {"mask"} .',
        maxLength: 32,
      }),
      plm,
      verbalizer: new ManualVerbalizer({ tokenizer, labelWords }),
    });
    const folder = join(directory, 'existing');
    await savePromptModel(manual, folder);
    await writeFile(join(folder, 'plm', 'model.onnx'), await exportOnnx(plm, { task: 'maskedLM' }));
    const onnx = await PromptForClassification.load(folder, { engine: 'onnx' });
    expect(existsSync(join(folder, 'plm', 'onnx'))).toBe(false);
    expect(
      maxAbsDifference(await onnx.predictProbabilities(notes), await manual.predictProbabilities(notes)),
    ).toBeLessThan(1e-4);
    onnx.dispose();

    const soft = new BrowserPromptForClassification({
      template: new ManualTemplate({
        tokenizer,
        text: '{"placeholder":"text_a"} is {"mask"} .',
        maxLength: 32,
      }),
      plm,
      verbalizer: new SoftVerbalizer({ tokenizer, model: plm, labelWords }),
    });
    const softFolder = join(directory, 'existing-soft');
    await savePromptModel(soft, softFolder);
    await writeFile(join(softFolder, 'plm', 'model.onnx'), await exportOnnx(plm, { task: 'maskedLM' }));
    const softOnnx = await PromptForClassification.load(softFolder, { engine: 'onnx' });
    // The graph has no head transform at chosen positions: the soft verbalizer cannot run on it.
    await expect(softOnnx.predictProbabilities(notes)).rejects.toBeInstanceOf(UnsupportedError);
    softOnnx.dispose();
    manual.dispose();
  });

  it('rejects an unknown engine with a typed error', async () => {
    await expect(loadPromptModel(directory, { engine: 'torch' as never })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
