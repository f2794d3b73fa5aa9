import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError } from '@icd/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendTrial,
  DEFAULT_HEAD_SEARCH_SPACE,
  DEFAULT_SEARCH_SPACE,
  headTrialConfig,
  readTrialLog,
  sampleHeadTrial,
  sampleTrial,
  searchSpaceOf,
  type TrialRecord,
  trialConfig,
} from './random-search.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'icd-search-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('sampleHeadTrial / headTrialConfig', () => {
  it('draws head settings inside the space, log-uniform head rates, both head types', () => {
    const draws = Array.from({ length: 200 }, (_, trial) =>
      sampleHeadTrial(DEFAULT_HEAD_SEARCH_SPACE, 3, trial),
    );
    for (const p of draws) {
      expect(p.headLearningRate).toBeGreaterThanOrEqual(1e-4);
      expect(p.headLearningRate).toBeLessThanOrEqual(1e-2);
      expect([4, 8, 16]).toContain(p.batchSize);
      expect([5, 10, 20]).toContain(p.epochs);
      expect(p.dropout).toBeGreaterThanOrEqual(0);
      expect(p.dropout).toBeLessThanOrEqual(0.3);
    }
    expect(sampleHeadTrial(DEFAULT_HEAD_SEARCH_SPACE, 3, 17)).toEqual(draws[17]);
    // Log-uniform over [1e-4, 1e-2]: about half below the geometric mean 1e-3 (binomial, n = 200).
    const below = draws.filter((p) => p.headLearningRate < 1e-3).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
    const cls = draws.filter((p) => p.head === 'cls').length;
    expect(cls).toBeGreaterThan(70);
    expect(cls).toBeLessThan(130);
    expect(searchSpaceOf({ model: { kind: 'heads' } }).epochs).toEqual([5, 10, 20]);
    expect(searchSpaceOf({ model: { kind: 'heads' }, search: { space: { head: ['cls'] } } }).head).toEqual([
      'cls',
    ]);
  });

  it('writes the trial into the config; a cls trial drops the label-attention fields', () => {
    const base = {
      model: {
        kind: 'heads' as const,
        knowledgeInjection: true,
        descriptionQueries: true,
        projectionSize: 8,
      },
      train: { learningRates: { plm: 1e-5 } },
    };
    const parameters = {
      headLearningRate: 0.002,
      plmLearningRate: 3e-5,
      batchSize: 4,
      accumulationSteps: 2,
      dropout: 0.1,
      epochs: 5,
      head: 'cls' as const,
    };
    const cls = headTrialConfig(base, parameters);
    expect(cls.model).toEqual({ kind: 'heads', head: 'cls', dropout: 0.1 });
    expect(cls.train).toMatchObject({ epochs: 5, batchSize: 4, accumulationSteps: 2 });
    // A frozen encoder (the default) keeps the base PLM rate; the head's is the trial's.
    expect(cls.train?.learningRates).toEqual({ plm: 1e-5, head: 0.002 });
    const attention = headTrialConfig(
      { ...base, model: { ...base.model, freezePlm: false } },
      { ...parameters, head: 'label-attention' },
    );
    expect(attention.model).toMatchObject({
      head: 'label-attention',
      knowledgeInjection: true,
      projectionSize: 8,
    });
    expect(attention.train?.learningRates).toEqual({ plm: 3e-5, head: 0.002 });
  });
});

describe('sampleTrial', () => {
  it('draws every parameter inside the space, the same trial the same way every time', () => {
    const draws = Array.from({ length: 200 }, (_, trial) => sampleTrial(DEFAULT_SEARCH_SPACE, 3, trial));
    for (const p of draws) {
      expect(p.plmLearningRate).toBeGreaterThanOrEqual(1e-5);
      expect(p.plmLearningRate).toBeLessThanOrEqual(1e-3);
      expect(p.templateLearningRate).toBeGreaterThanOrEqual(1e-2);
      expect(p.verbalizerLearningRate).toBeLessThanOrEqual(1e-1);
      expect([4, 8, 16]).toContain(p.batchSize);
      expect([1, 2, 4]).toContain(p.accumulationSteps);
      expect(['adamw', 'adafactor']).toContain(p.optimizer);
      expect(p.dropout).toBeGreaterThanOrEqual(0);
      expect(p.dropout).toBeLessThanOrEqual(0.3);
    }
    expect(sampleTrial(DEFAULT_SEARCH_SPACE, 3, 17)).toEqual(draws[17]);
    // Log-uniform: about half of the PLM rates below the geometric mean 1e-4 (binomial, n = 200).
    const below = draws.filter((p) => p.plmLearningRate < 1e-4).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
    // Both optimizers are tried.
    expect(new Set(draws.map((p) => p.optimizer)).size).toBe(2);
  });

  it('trialConfig puts the parameters where training reads them', () => {
    const p = sampleTrial(DEFAULT_SEARCH_SPACE, 1, 0);
    const config = trialConfig({ model: { kind: 'prompt', plm: 'x' }, train: { patience: 2 } }, p);
    expect(config.model).toEqual({ kind: 'prompt', plm: 'x', dropout: p.dropout });
    expect(config.train).toEqual({
      patience: 2,
      epochs: p.epochs,
      batchSize: p.batchSize,
      accumulationSteps: p.accumulationSteps,
      optimizer: p.optimizer,
      learningRates: {
        plm: p.plmLearningRate,
        template: p.templateLearningRate,
        verbalizer: p.verbalizerLearningRate,
      },
    });
  });
});

describe('the trial log', () => {
  const record = (trial: number): TrialRecord => ({
    trial,
    parameters: sampleTrial(DEFAULT_SEARCH_SPACE, 1, trial),
    metrics: { accuracy: 0.5, microF1: 0.5, macroAuc: 0.5, map: 0.5, notes: 4 },
    objective: 'accuracy',
    value: 0.5,
    seconds: 1,
  });

  it('appends one line per trial and drops a line torn by a kill', async () => {
    const log = join(directory, 'sub', 'trials.jsonl');
    expect(await readTrialLog(log)).toEqual([]);
    await appendTrial(log, record(0));
    await appendTrial(log, record(1));
    await writeFile(log, `${await readFile(log, 'utf8')}{"trial":2,"param`);
    expect((await readTrialLog(log)).map((r) => r.trial)).toEqual([0, 1]);
    // The next append cuts the torn line off and starts its own.
    await appendTrial(log, record(2));
    const lines = (await readFile(log, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).map((line) => JSON.parse(line).trial)).toEqual([0, 1, 2]);
  });

  it('refuses a log corrupted before its last line', async () => {
    const log = join(directory, 'bad.jsonl');
    await writeFile(log, `garbage\n${JSON.stringify(record(1))}\n`);
    await expect(readTrialLog(log)).rejects.toBeInstanceOf(DataFormatError);
  });
});
