import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { LexicalCoder } from '@icd/heads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeSetFromTable } from '../model-folder/code-set.js';
import { HASHES, TRAINING_NOTES, tinyIcd10CmTable } from '../model-folder/test-fixtures.test-helper.js';
import { loadModelFolder, saveModelFolder } from './model-folder-dir.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'icd-pipeline-folder-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('saveModelFolder / loadModelFolder (disk)', () => {
  it('writes the model, pipeline.json and a model card with the metrics, and loads it back', async () => {
    const coder = LexicalCoder.train(TRAINING_NOTES, { c: 100, minDf: 1, threshold: 0.3 });
    const folder = join(directory, 'model');
    await saveModelFolder(folder, coder, {
      name: 'tiny-lexical',
      codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
      hashes: HASHES,
      metrics: { microF1: 0.75, macroAuc: 0.5 },
      data: { train: 7, validation: 0 },
      config: { model: { kind: 'lexical', c: 100 } },
    });
    const card = await readFile(join(folder, 'README.md'), 'utf8');
    expect(card).toMatch(/^# tiny-lexical\n/);
    expect(card).toContain('| microF1 | 0.7500 |');
    expect(card).toContain('| macroAuc | 0.5000 |');
    expect(card).toContain(`\`${HASHES.data}\``);
    expect(card).toContain('never emitted (Z00.0)');
    expect(card).toContain('"kind": "lexical"');
    const loaded = await loadModelFolder(folder);
    const notes = [{ id: 'a', text: 'Atrial fibrillation again, on apixaban.' }];
    const expected = (await coder.predict(notes))[0]!.ranked.filter((code) => code.code !== 'Z00.0');
    expect((await loaded.predict(notes))[0]!.ranked.map((code) => code.score)).toEqual(
      expected.map((code) => code.score),
    );
    // No silent overwrite.
    await expect(
      saveModelFolder(folder, coder, {
        name: 'again',
        codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
        hashes: HASHES,
      }),
    ).rejects.toBeInstanceOf(CheckpointError);
  });

  it('refuses a path that is not a folder', async () => {
    await expect(loadModelFolder(join(directory, 'missing'))).rejects.toBeInstanceOf(CheckpointError);
    await writeFile(join(directory, 'file'), 'x');
    await expect(loadModelFolder(join(directory, 'file'))).rejects.toBeInstanceOf(CheckpointError);
  });
});

describe("loadModelFolder(dir, { engine: 'onnx' })", () => {
  it('runs a prompt model folder on ONNX Runtime with the same ranking as tfjs', async () => {
    const { selectBackend } = await import('@icd/bert');
    const { createTinyBert } = await import('@icd/bert/test');
    const { MixedTemplate, PromptForClassification, SoftVerbalizer } = await import('@icd/prompt');
    const { codeSetFromList } = await import('../model-folder/code-set.js');
    await selectBackend({ backend: 'cpu' });
    const plm = createTinyBert();
    const tokenizer = plm.tokenizer!;
    const model = new PromptForClassification({
      template: new MixedTemplate({
        tokenizer,
        model: plm,
        text: '{"placeholder":"text_a"} {"soft": "the patient"} has {"mask"} .',
        maxLength: 32,
        seed: 3,
      }),
      plm,
      verbalizer: new SoftVerbalizer({
        tokenizer,
        classes: ['I21.9', 'J18.9'],
        labelWords: { 'I21.9': ['infarction'], 'J18.9': ['pneumonia'] },
        model: plm,
      }),
      multiLabel: false,
    });
    const folder = join(directory, 'prompt');
    const codeSet = codeSetFromList(model.labels, [
      { code: 'I21.9', display: 'Acute myocardial infarction, unspecified' },
      { code: 'J18.9', display: 'Pneumonia, unspecified organism' },
    ]);
    await saveModelFolder(folder, model, { name: 'tiny', codeSet, hashes: HASHES });
    model.dispose();
    const notes = [
      { id: 'a', text: 'acute myocardial infarction with chest pain' },
      { id: 'b', text: 'fever cough pneumonia' },
    ];
    const tfjs = await loadModelFolder(folder);
    const onnx = await loadModelFolder(folder, { engine: 'onnx' });
    const [expected, actual] = [await tfjs.predict(notes), await onnx.predict(notes)];
    expect(actual.map((p) => p.ranked.map((c) => c.code))).toEqual(
      expected.map((p) => p.ranked.map((c) => c.code)),
    );
    for (const [i, prediction] of actual.entries())
      for (const [j, code] of prediction.ranked.entries())
        expect(code.score).toBeCloseTo(expected[i]!.ranked[j]!.score, 4);
    tfjs.dispose();
    onnx.dispose();
  });

  it('refuses ONNX for other kinds and unknown engines, with typed errors', async () => {
    const coder = LexicalCoder.train(TRAINING_NOTES, { c: 100, minDf: 1 });
    const folder = join(directory, 'lexical');
    await saveModelFolder(folder, coder, {
      name: 'x',
      codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
      hashes: HASHES,
    });
    const { UnsupportedError, InvalidArgumentError } = await import('@icd/core');
    await expect(loadModelFolder(folder, { engine: 'onnx' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(loadModelFolder(folder, { engine: 'torch' as never })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('loadModelFolder with a Hub id (icd predict / serve --model org/name)', () => {
  it('loads a model folder from the Hub into the HF cache, then offline from the cache', async () => {
    const { startFakeHub } = await import('@icd/hub/test');
    const { readModelFolderFiles } = await import('./model-folder-dir.js');
    const coder = LexicalCoder.train(TRAINING_NOTES, { c: 100, minDf: 1, threshold: 0.3 });
    const folder = join(directory, 'published');
    await saveModelFolder(folder, coder, {
      name: 'published',
      codeSet: codeSetFromTable(coder.labels, tinyIcd10CmTable()),
      hashes: HASHES,
    });
    const files = await readModelFolderFiles(folder);
    const hub = await startFakeHub({ 'org/lexical-coder': { files } });
    try {
      const notes = [{ id: 'a', text: 'Atrial fibrillation again, on apixaban.' }];
      const expected = await (await loadModelFolder(folder)).predict(notes);
      const cacheDir = join(directory, 'hf-cache');
      const fromHub = await loadModelFolder('org/lexical-coder', {
        hub: { endpoint: hub.endpoint, cacheDir },
      });
      expect(await fromHub.predict(notes)).toEqual(expected);
      const count = hub.requests.length;
      const offline = await loadModelFolder('org/lexical-coder', {
        hub: { endpoint: hub.endpoint, cacheDir, localFilesOnly: true },
      });
      expect(hub.requests.length).toBe(count);
      expect(await offline.predict(notes)).toEqual(expected);
    } finally {
      await hub.close();
    }
  });
});
