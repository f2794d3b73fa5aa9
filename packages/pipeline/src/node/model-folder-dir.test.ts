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
