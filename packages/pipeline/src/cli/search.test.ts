import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../workflow/dataset.js';
import { pretrainMaskedLM } from '../workflow/pretrain.js';
import { icd } from './cli.test-helper.js';

let directory: string;
let config: string;
beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
  directory = await mkdtemp(join(tmpdir(), 'icd-search-cli-'));
  const plm = join(directory, 'plm');
  const base = { seed: 2, data: { source: 'synthetic' as const, size: 100 } };
  const dataset = await loadDataset(base);
  await pretrainMaskedLM(
    dataset.train.map((note) => note.text),
    {
      ...base,
      pretrain: {
        out: plm,
        vocabSize: 300,
        hiddenSize: 16,
        layers: 1,
        heads: 2,
        maxLength: 32,
        steps: 2,
        batchSize: 8,
      },
    },
  );
  config = join(directory, 'icd.json');
  await writeFile(
    config,
    JSON.stringify({
      ...base,
      model: { kind: 'prompt', plm, template: 'mixed', verbalizer: 'soft', maxLength: 32 },
      train: { maxTrainNotes: 16 },
      search: {
        objective: 'macroAuc',
        log: join(directory, 'trials.jsonl'),
        space: { batchSize: [8], accumulationSteps: [1], epochs: [1] },
      },
    }),
  );
}, 120_000);
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('icd search', () => {
  it('runs N trials, logs each, resumes after the last finished one, and writes the best config', async () => {
    const first = await icd(['search', '--config', config, '--trials', '2', '--json']);
    expect(first.code).toBe(0);
    const log = join(directory, 'trials.jsonl');
    const before = await readFile(log, 'utf8');
    expect(before.trim().split('\n')).toHaveLength(2);
    // A kill mid-write leaves a torn line: the next run drops it and redoes that trial.
    await writeFile(log, `${before}{"trial":2,"parame`);
    const second = await icd(['search', '--config', config, '--trials', '3']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming: 2 trial(s)');
    const text = await readFile(log, 'utf8');
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((record) => record.trial)).toEqual([0, 1, 2]);
    expect((await readFile(log, 'utf8')).startsWith(before)).toBe(true); // earlier trials untouched
    for (const record of records) {
      expect(record.objective).toBe('macroAuc');
      expect(record.value).toBe(record.metrics.macroAuc);
    }
    expect(second.stdout).toContain('validation macroAuc of 3 trial(s)');
    const best = records.reduce((top, record) => (record.value > top.value ? record : top));
    expect(second.stdout).toContain(`best: trial ${best.trial}`);
    const bestConfig = JSON.parse(await readFile(join(directory, 'trials.best.json'), 'utf8'));
    expect(bestConfig.train.learningRates.plm).toBe(best.parameters.plmLearningRate);
    expect(bestConfig.train.optimizer).toBe(best.parameters.optimizer);
  });

  it('refuses a lexical, dictionary or prompt-less ensemble config (exit 2, naming model.kind and the file) before training anything', async () => {
    for (const model of [{ kind: 'lexical' }, { kind: 'dictionary' }, { kind: 'ensemble' }]) {
      const file = join(directory, `search-${model.kind}.json`);
      const log = join(directory, `trials-${model.kind}.jsonl`);
      await writeFile(
        file,
        JSON.stringify({ seed: 2, data: { source: 'synthetic', size: 100 }, model, search: { log } }),
      );
      const result = await icd(['search', '--config', file, '--trials', '2', '--json']);
      expect(result.code).toBe(2);
      const error = JSON.parse(result.stdout).error;
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain('model.kind');
      expect(error.message).toContain(`"${model.kind}"`);
      expect(error.message).toContain(file);
      expect(existsSync(log)).toBe(false);
    }
  });
});
