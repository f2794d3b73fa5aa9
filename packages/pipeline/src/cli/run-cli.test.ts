import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCardiologyCorpus } from '@icd/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icd } from './cli.test-helper.js';
import { CLI_COMMANDS, registerCommand } from './commands/index.js';
import { ConfigError, validateConfig } from './config.js';

let directory: string;
let config: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'icd-cli-'));
  config = join(directory, 'icd.yaml');
  await writeFile(
    config,
    [
      'seed: 3',
      'data: { source: synthetic, size: 200 }',
      'model: { kind: lexical, c: 100, minDf: 1 }',
      `out: ${join(directory, 'lexical')}`,
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('config validation', () => {
  it('names the field and the file', () => {
    expect(() => validateConfig({ train: { epochs: 0 } }, 'icd.yaml')).toThrow(
      'train.epochs must be >= 1, got 0 in icd.yaml',
    );
    expect(() => validateConfig({ train: { learningRates: { plm: -1 } } }, 'x.json')).toThrow(
      'train.learningRates.plm must be > 0, got -1 in x.json',
    );
    expect(() => validateConfig({ model: { kind: 'svm' } }, 'a.yaml')).toThrow(
      'model.kind must be one of "prompt", "heads", "lexical", "dictionary", "ensemble", got "svm" in a.yaml',
    );
    expect(() => validateConfig({ trian: {} }, 'a.yaml')).toThrow('trian is not a known field in a.yaml');
    try {
      validateConfig({ data: {} }, 'b.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('data.source');
      expect((error as ConfigError).file).toBe('b.yaml');
    }
  });

  it('exit code 2 for a bad config file, a bad flag value, an unknown flag or command', async () => {
    const bad = join(directory, 'bad.yaml');
    await writeFile(bad, 'train:\n  epochs: -3\n');
    const fromFile = await icd(['train', '--config', bad]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`train.epochs must be >= 1, got -3 in ${bad}`);
    const fromFlag = await icd(['train', '--config', config, '--epochs', '0']);
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain(
      `train.epochs must be >= 1, got 0 in ${config} (with command-line flags)`,
    );
    expect((await icd(['train', '--nope'])).code).toBe(2);
    expect((await icd(['frobnicate'])).code).toBe(2);
    const json = await icd(['train', '--config', bad, '--json']);
    expect(JSON.parse(json.stdout).error).toMatchObject({ name: 'ConfigError', exitCode: 2 });
  });

  it('exit code 2 for a stray argument (no command silently drops one)', async () => {
    // The config is valid: only the extra positional argument is wrong, before anything runs.
    const notes = join(directory, 'stray-notes.txt');
    await writeFile(notes, 'Atrial fibrillation.');
    for (const argv of [
      ['train', '--config', config, 'stray'],
      ['eval', '--config', config, '--model', join(directory, 'none'), 'stray'],
      ['search', '--config', config, 'stray'],
      ['predict', '--model', join(directory, 'none'), notes, notes],
      ['batch', 'work', '--model', join(directory, 'none'), '--out', directory, 'stray'],
      ['batch', 'enqueue', notes, notes],
    ]) {
      const result = await icd([...argv, '--json']);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(result.stdout).error.name).toBe('UsageError');
    }
  });

  it('lists every command in --help; commands can be registered', async () => {
    registerCommand({
      name: 'hello',
      summary: 'says hello',
      usage: 'icd hello',
      tensors: false,
      run: async ({ stdout }) => void stdout.write('hi\n'),
    });
    const help = await icd(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['pretrain', 'train', 'eval', 'predict', 'search', 'hello'])
      expect(help.stdout).toContain(`  ${name}`);
    expect(await icd(['hello'])).toMatchObject({ code: 0, stdout: 'hi\n' });
    CLI_COMMANDS.splice(
      CLI_COMMANDS.findIndex((command) => command.name === 'hello'),
      1,
    );
  });
});

describe('train → eval → predict (lexical, synthetic)', () => {
  it('writes a model folder, scores it next to naive Bayes, and codes notes in every format', async () => {
    const trained = await icd(['train', '--config', config, '--json']);
    expect(trained.code).toBe(0);
    const train = JSON.parse(trained.stdout);
    expect(train).toMatchObject({ command: 'train', kind: 'lexical' });
    const folder = join(directory, 'lexical');
    const metadata = JSON.parse(await readFile(join(folder, 'pipeline.json'), 'utf8'));
    expect(metadata).toMatchObject({ format: 'icd-pipeline', version: 1, kind: 'lexical' });
    expect(metadata.codeSet.name).toBe('mdr-bert');
    expect(metadata.hashes.config).toMatch(/^[0-9a-f]{64}$/);
    expect(metadata.hashes.data).toMatch(/^[0-9a-f]{64}$/);
    expect(metadata.metrics.accuracy).toBe(train.validation.accuracy);
    expect(await readFile(join(folder, 'README.md'), 'utf8')).toContain('## Validation metrics');

    const evaluated = await icd(['eval', '--config', config, '--model', folder, '--json']);
    expect(evaluated.code).toBe(0);
    const { results } = JSON.parse(evaluated.stdout);
    expect(results.map((row: { name: string }) => row.name)).toEqual([
      'synthetic-cardiology-lexical',
      'naive Bayes (words)',
    ]);
    for (const row of results)
      for (const value of ['accuracy', 'microF1', 'macroAuc', 'map'])
        expect(row.metrics[value]).toBeGreaterThan(1 / 13);
    expect((await icd(['eval', '--config', config, '--model', folder])).stdout).toContain(
      '| naive Bayes (words)',
    );

    const notes = join(directory, 'notes.jsonl');
    await writeFile(
      notes,
      `${JSON.stringify({ id: 'n1', text: 'Known atrial fibrillation, on apixaban; palpitations.' })}\n${JSON.stringify({ id: 'n2', text: 'Acute STEMI, troponin rising.' })}\n`,
    );
    const run = await icd(['predict', '--model', folder, notes, '--format', 'codiesp']);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(new Set(rows.map((row) => row[0]))).toEqual(new Set(['n1', 'n2']));
    for (const id of ['n1', 'n2']) {
      const scores = rows.filter((row) => row[0] === id).map((row) => Number(row[2]));
      expect(scores).toEqual([...scores].sort((a, b) => b - a)); // best first
    }
    const jsonl = await icd(['predict', '--model', folder, notes, '--format', 'jsonl', '--top-k', '2']);
    const lines = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0].codes).toHaveLength(2);
    expect(lines[0].codes[0]).toHaveProperty('threshold');
    expect(['keyword', 'dictionary', 'sentence', 'none']).toContain(lines[0].evidenceSource);
    const fhir = await icd(
      ['predict', '--model', folder, '-', '--format', 'fhir', '--patient', 'Patient/42'],
      'Atrial fibrillation again.',
    );
    expect(fhir.code).toBe(0);
    const bundle = JSON.parse(fhir.stdout);
    expect(bundle.resourceType).toBe('Bundle');
    for (const entry of bundle.entry) expect(entry.resource.subject).toEqual({ reference: 'Patient/42' });
    // Single-label data, one-vs-rest scores: the threshold is tuned on validation (not left at 0.5,
    // where few notes got any code); most unseen notes get a predicted code, and most of those are right.
    const unseen = generateCardiologyCorpus({ size: 40, seed: 77, words: [60, 200] });
    const unseenFile = join(directory, 'unseen.jsonl');
    await writeFile(
      unseenFile,
      unseen.map((note, i) => JSON.stringify({ id: `u${i}`, text: note.text })).join('\n'),
    );
    const coded = (await icd(['predict', '--model', folder, unseenFile, '--format', 'jsonl'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { codes: { code: string; predicted?: boolean }[] });
    const withCode = coded.filter((line) => line.codes.some((code) => code.predicted !== false));
    expect(withCode.length).toBeGreaterThanOrEqual(24);
    // FHIR without a patient: usage error; a folder that is not a model: exit 3.
    expect((await icd(['predict', '--model', folder, notes, '--format', 'fhir'])).code).toBe(2);
    expect((await icd(['predict', '--model', directory, notes])).code).toBe(3);
  });

  it('reads a .json array of notes by their ids, and refuses a repeated note id (exit 3)', async () => {
    const folder = join(directory, 'lexical'); // written by the test above
    const array = join(directory, 'notes.json');
    await writeFile(
      array,
      JSON.stringify([
        { id: 'j1', text: 'Known atrial fibrillation.' },
        { id: 'j2', text: 'Acute STEMI.' },
      ]),
    );
    const run = await icd(['predict', '--model', folder, array, '--format', 'codiesp', '--top-k', '1']);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(['j1', 'j2']);
    const repeated = join(directory, 'repeated.jsonl');
    await writeFile(repeated, '{"id":"x","text":"a"}\n{"id":"x","text":"b"}\n');
    const twice = await icd(['predict', '--model', folder, repeated, '--json']);
    expect(twice.code).toBe(3);
    expect(JSON.parse(twice.stdout).error).toMatchObject({ name: 'DataFormatError' });
    expect(JSON.parse(twice.stdout).error.message).toContain('"x" is used twice');
  });
});
