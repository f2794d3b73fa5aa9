import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { IcdError } from '@icd/core';
import { accuracyScore, f1Score, meanAveragePrecision, rocAucScore } from '@icd/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder } from '../node/model-folder-dir.js';
import { codeSetOf } from '../workflow/code-set-of.js';
import { loadDataset } from '../workflow/dataset.js';
import { pretrainMaskedLM } from '../workflow/pretrain.js';
import { HeadsEncoderCache, trainHeads } from '../workflow/train-heads.js';
import { icd } from './cli.test-helper.js';
import { ConfigError, validateConfig } from './config.js';

let directory: string;
let config: string;
let folder: string;
const base = { seed: 5, data: { source: 'synthetic' as const, size: 60 } };

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
  directory = await mkdtemp(join(tmpdir(), 'icd-heads-cli-'));
  const plm = join(directory, 'plm');
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
        steps: 1,
        batchSize: 8,
      },
    },
  );
  folder = join(directory, 'heads');
  config = join(directory, 'icd.json');
  await writeFile(
    config,
    JSON.stringify({
      ...base,
      model: {
        kind: 'heads',
        plm,
        head: 'label-attention',
        knowledgeInjection: true,
        descriptionQueries: true,
        maxLength: 32,
        maxWindows: 2,
      },
      train: { epochs: 2, batchSize: 8, learningRates: { head: 0.01 }, patience: 2 },
      out: folder,
      search: {
        objective: 'microF1',
        log: join(directory, 'trials.jsonl'),
        space: { batchSize: [8], accumulationSteps: [1], epochs: [1], headLearningRate: [0.001, 0.05] },
      },
    }),
  );
}, 60_000);
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('icd train with model.kind heads', () => {
  it('writes a head-coder folder that predict loads, with attention evidence indexing the note', async () => {
    const before = tf.memory().numTensors;
    const trained = await icd(['train', '--config', config, '--json']);
    expect(trained.stdout + trained.stderr).not.toContain('"error"');
    expect(trained.code).toBe(0);
    const result = JSON.parse(trained.stdout);
    expect(result).toMatchObject({ command: 'train', kind: 'heads' });
    expect(result.details).toMatchObject({
      head: 'label-attention',
      headType: 'knowledge_label_attention',
      frozenEncoder: true,
      descriptionQueries: true,
    });
    // One knowledge text per code: the 13 codes' names (the mdr-bert code set has no ICD-10-CM table).
    expect(result.details.knowledgeTexts).toBe(13);
    expect(tf.memory().numTensors).toBe(before);

    const metadata = JSON.parse(await readFile(join(folder, 'pipeline.json'), 'utf8'));
    expect(metadata).toMatchObject({ format: 'icd-pipeline', version: 1, kind: 'heads' });
    expect(metadata.metrics.microF1).toBe(result.validation.microF1);
    for (const file of [
      'head-coder.json',
      'head/config.json',
      'head/model.safetensors',
      'encoder/config.json',
    ])
      expect(existsSync(join(folder, file))).toBe(true);
    const card = await readFile(join(folder, 'README.md'), 'utf8');
    expect(card).toContain('label head(s) over a BERT encoder');
    expect(card).toContain('## Validation metrics');

    const texts = [
      'Known atrial fibrillation, on apixaban; palpitations overnight.',
      'Acute STEMI with chest pain, troponin rising.',
    ];
    const notes = join(directory, 'notes.jsonl');
    await writeFile(notes, texts.map((text, i) => JSON.stringify({ id: `n${i}`, text })).join('\n'));
    const run = await icd(['predict', '--model', folder, notes, '--format', 'jsonl', '--threshold', '0']);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      expect(line.evidenceSource).toBe('attention');
      const spans = line.codes.flatMap(
        (code: { evidence: { start: number; end: number; text: string; source: string }[] }) => code.evidence,
      );
      expect(spans.length).toBeGreaterThan(0);
      for (const span of spans) {
        expect(span.source).toBe('attention');
        expect(texts[i]!.slice(span.start, span.end)).toBe(span.text);
        expect(span.text.length).toBeGreaterThan(0);
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);

  it('a [CLS] head over a tunable encoder: dictionary / sentence evidence from the folder, no attention', async () => {
    const before = tf.memory().numTensors;
    const out = join(directory, 'cls');
    const flags = ['--set', 'model.knowledgeInjection=false', '--set', 'model.descriptionQueries=false'];
    const trained = await icd([
      'train',
      '--config',
      config,
      '--head',
      'cls',
      ...flags,
      '--set',
      'model.freezePlm=false',
      '--epochs',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(trained.stdout).not.toContain('"error"');
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout).details).toMatchObject({
      head: 'cls',
      headType: 'cls',
      frozenEncoder: false,
    });
    const metadata = JSON.parse(await readFile(join(out, 'pipeline.json'), 'utf8'));
    expect(metadata.kind).toBe('heads');
    expect(metadata.evidenceTerms.length).toBeGreaterThan(0);
    const text = 'Known atrial fibrillation, on apixaban.';
    const run = await icd(['predict', '--model', out, '-', '--format', 'json', '--threshold', '0'], text);
    expect(run.code).toBe(0);
    const [prediction] = [JSON.parse(run.stdout)].flat();
    expect(['dictionary', 'sentence']).toContain(prediction.evidenceSource);
    for (const code of prediction.codes)
      for (const span of code.evidence) expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(tf.memory().numTensors).toBe(before);
  }, 20_000);

  it('icd eval figures agree with @icd/metrics on the loaded folder’s predictions', async () => {
    const before = tf.memory().numTensors;
    const evaluated = await icd(['eval', '--config', config, '--model', folder, '--json', '--no-baseline']);
    expect(evaluated.code).toBe(0);
    const [row] = JSON.parse(evaluated.stdout).results;
    const dataset = await loadDataset(base);
    const coder = await loadModelFolder(folder);
    const predictions = await coder.predict(
      dataset.test.map((note) => ({ id: note.id, text: note.text })),
      { evidence: false },
    );
    coder.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Independently: score rows over the 13 classes, top code = the single-label prediction.
    const classes = dataset.classes;
    const scores = predictions.map((p) =>
      classes.map((code) => p.ranked.find((c) => c.code === code)?.score ?? 0),
    );
    const truth = dataset.test.map((note) => classes.map((code) => (note.codes.includes(code) ? 1 : 0)));
    const top = scores.map((row) => classes[row.indexOf(Math.max(...row))]!);
    const topMatrix = top.map((code) => classes.map((c) => (c === code ? 1 : 0)));
    expect(row.metrics.accuracy).toBeCloseTo(
      accuracyScore(
        dataset.test.map((note) => note.codes[0]!),
        top,
      ),
      10,
    );
    expect(row.metrics.microF1).toBeCloseTo(
      f1Score(truth, topMatrix, { average: 'micro', zeroDivision: 0 }),
      10,
    );
    const present = classes
      .map((_, j) => j)
      .filter((j) => truth.some((r) => r[j] === 1) && truth.some((r) => r[j] === 0));
    const aucs = present.map((j) =>
      rocAucScore(
        truth.map((r) => r[j]!),
        scores.map((r) => r[j]!),
      ),
    );
    expect(row.metrics.macroAuc).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / aucs.length, 10);
    const gold = Object.fromEntries(dataset.test.map((note) => [note.id, [...note.codes]]));
    const ranked = Object.fromEntries(predictions.map((p) => [p.noteId, p.ranked.map((c) => c.code)]));
    expect(row.metrics.map).toBeCloseTo(meanAveragePrecision(gold, ranked), 10);
  }, 20_000);
});

describe('heads config errors', () => {
  const fieldOf = (config: unknown) => {
    try {
      validateConfig(config, 'heads.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(IcdError.isInstance(error)).toBe(true);
      expect((error as ConfigError).file).toBe('heads.yaml');
      expect((error as Error).message).toContain('in heads.yaml');
      return (error as ConfigError).field;
    }
    return undefined;
  };

  it('are typed and name the field and the file', async () => {
    expect(fieldOf({ model: { kind: 'heads', head: 'laat' } })).toBe('model.head');
    expect(fieldOf({ model: { kind: 'heads', knowledgeInjection: 'yes' } })).toBe('model.knowledgeInjection');
    expect(fieldOf({ model: { kind: 'heads', head: 'cls', knowledgeInjection: true } })).toBe(
      'model.knowledgeInjection',
    );
    expect(fieldOf({ model: { kind: 'heads', head: 'cls', descriptionQueries: true } })).toBe(
      'model.descriptionQueries',
    );
    expect(fieldOf({ model: { kind: 'heads', pooling: 'mean' } })).toBe('model.pooling');
    expect(fieldOf({ model: { kind: 'prompt', head: 'cls' } })).toBe('model.head');
    expect(fieldOf({ model: { kind: 'heads' }, train: { optimizer: 'adafactor' } })).toBe('train.optimizer');
    expect(fieldOf({ model: { kind: 'heads' }, train: { learningRates: { head: 0 } } })).toBe(
      'train.learningRates.head',
    );
    expect(fieldOf({ model: { kind: 'lexical' }, train: { learningRates: { head: 0.1 } } })).toBe(
      'train.learningRates.head',
    );
    expect(fieldOf({ search: { space: { head: ['mlp'] } } })).toBe('search.space.head[0]');
    expect(() =>
      validateConfig({ model: { kind: 'heads', head: 'cls', pooling: 'mean' } }, 'ok.yaml'),
    ).not.toThrow();
    const bad = join(directory, 'bad.yaml');
    await writeFile(bad, 'model:\n  kind: heads\n  head: cls\n  knowledgeInjection: true\n');
    const run = await icd(['train', '--config', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `model.knowledgeInjection needs model.head "label-attention", got model.head "cls" in ${bad}`,
    );
  });
});

describe('HeadsEncoderCache (shared by search trials)', () => {
  it('a trial over the shared cache trains exactly as one that encodes the notes itself', async () => {
    const before = tf.memory().numTensors;
    const settings = JSON.parse(await readFile(config, 'utf8'));
    const dataset = await loadDataset(settings);
    const { codeSet } = await codeSetOf(settings, dataset.classes);
    const run = async (encoderCache?: HeadsEncoderCache) => {
      const trained = await trainHeads({
        config: { ...settings, train: { ...settings.train, epochs: 1 } },
        dataset,
        codeSet,
        baseDir: directory,
        ...(encoderCache ? { encoderCache } : {}),
      });
      trained.coder.dispose();
      return trained.validation;
    };
    const alone = await run();
    const cache = new HeadsEncoderCache();
    try {
      const first = await run(cache);
      const second = await run(cache); // reuses the encoder (not disposed by the first coder)
      expect(first).toEqual(alone);
      expect(second).toEqual(alone);
    } finally {
      cache.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 20_000);
});

describe('icd search over heads settings', () => {
  it('samples head settings, logs each trial, and resumes after a torn last line', async () => {
    const before = tf.memory().numTensors;
    const first = await icd(['search', '--config', config, '--trials', '2', '--json']);
    expect(first.stdout).not.toContain('"error"');
    expect(first.code).toBe(0);
    const log = join(directory, 'trials.jsonl');
    const done = await readFile(log, 'utf8');
    expect(done.trim().split('\n')).toHaveLength(2);
    await writeFile(log, `${done}{"trial":2,"kind":"hea`); // killed mid-write
    const second = await icd(['search', '--config', config, '--trials', '3']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming: 2 trial(s)');
    expect(tf.memory().numTensors).toBe(before);
    const text = await readFile(log, 'utf8');
    expect(text.startsWith(done)).toBe(true);
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((record) => record.trial)).toEqual([0, 1, 2]);
    // Seed 5 draws both head types among the three trials (label attention, cls, label attention).
    expect(records.map((record) => record.parameters.head)).toEqual([
      'label-attention',
      'cls',
      'label-attention',
    ]);
    for (const record of records) {
      expect(record.kind).toBe('heads');
      expect(record.value).toBe(record.metrics.microF1);
      expect(['cls', 'label-attention']).toContain(record.parameters.head);
      expect(record.parameters.headLearningRate).toBeGreaterThanOrEqual(0.001);
      expect(record.parameters.headLearningRate).toBeLessThanOrEqual(0.05);
      expect(record.parameters.epochs).toBe(1);
    }
    expect(second.stdout).toContain('| lr head');
    const best = records.reduce((top, record) => (record.value > top.value ? record : top));
    expect(second.stdout).toContain(`best: trial ${best.trial}`);
    const bestConfig = JSON.parse(await readFile(join(directory, 'trials.best.json'), 'utf8'));
    expect(bestConfig.model.head).toBe(best.parameters.head);
    expect(bestConfig.train.learningRates.head).toBe(best.parameters.headLearningRate);
    // The best config is a valid config (a cls trial drops the label-attention-only fields).
    expect(() => validateConfig(bestConfig, 'best.json')).not.toThrow();
  }, 40_000);
});
