import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert, tinyBertWords } from '@icd/bert/test';
import type { NotePrediction } from '@icd/core';
import { UnsupportedError } from '@icd/core';
import { ClsHead, EnsembleCoder, HeadCoder, LabelAttention, LexicalCoder } from '@icd/heads';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icd } from '../cli/cli.test-helper.js';
import { codeSetFromList } from '../model-folder/code-set.js';
import { HASHES } from '../model-folder/test-fixtures.test-helper.js';
import { loadModelFolder, saveModelFolder } from './model-folder-dir.js';

// Head-coder model folders on ONNX Runtime: the encoder (`encoder/`) is exported on first use and run
// by onnxruntime-node, the head stays TensorFlow.js; the scores must be those of the tfjs engine.

const codes = [
  { code: 'I21.9', display: 'Acute myocardial infarction, unspecified' },
  { code: 'J18.9', display: 'Pneumonia, unspecified organism' },
  { code: 'I50.9', display: 'Heart failure, unspecified' },
];
const labels = codes.map((entry) => entry.code);
const codeSet = codeSetFromList(labels, codes);
const notes = [
  // 25 words: four windows of 8 tokens.
  { id: 'long', text: Array.from({ length: 25 }, (_, i) => tinyBertWords[(i * 5) % 33]).join(' ') },
  { id: 'short', text: 'acute myocardial infarction with chest pain' },
  { id: 'other', text: 'fever cough pneumonia' },
];

let directory: string;
beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-pipeline-onnx-heads-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A head coder over a fresh tiny BERT, saved as a model folder; the coder itself is disposed. */
async function headFolder(name: string, head: 'cls' | 'laat'): Promise<string> {
  const mlm = createTinyBert({ seed: 11 });
  const coder = new HeadCoder({
    encoder: mlm.bert,
    tokenizer: mlm.tokenizer!,
    head:
      head === 'cls'
        ? new ClsHead({ labels, hiddenSize: 16, seed: 5, initializerRange: 0.8 })
        : new LabelAttention({ labels, hiddenSize: 16, seed: 2, initializerRange: 0.5 }),
    windowLength: 8,
    thresholds: 0.5,
  });
  const folder = join(directory, name);
  await saveModelFolder(folder, coder, { name, codeSet, hashes: HASHES });
  coder.dispose();
  mlm.dispose();
  return folder;
}

function expectSameScores(actual: readonly NotePrediction[], expected: readonly NotePrediction[]): void {
  expect(actual.map((p) => p.noteId)).toEqual(expected.map((p) => p.noteId));
  expected.forEach((prediction, n) => {
    const scores = new Map(actual[n]!.ranked.map((code) => [code.code, code.score]));
    expect(scores.size).toBe(prediction.ranked.length);
    for (const code of prediction.ranked)
      expect(Math.abs(scores.get(code.code)! - code.score)).toBeLessThan(1e-4);
  });
}

describe("loadModelFolder(dir, { engine: 'onnx' }) for head-coder folders", () => {
  it.each([
    ['ClsHead', 'cls'],
    ['LabelAttention', 'laat'],
  ] as const)(
    'a %s folder gives the scores of the tfjs engine within 1e-4, exporting encoder/ once',
    async (_name, kind) => {
      const folder = await headFolder(`heads-${kind}`, kind);
      const onTfjs = await loadModelFolder(folder);
      const expected = await onTfjs.predict(notes);
      onTfjs.dispose();
      // The notes score apart, so that agreeing within 1e-4 says something.
      const score = (p: NotePrediction) => p.ranked.find((c) => c.code === 'I21.9')!.score;
      expect(Math.abs(score(expected[1]!) - score(expected[2]!))).toBeGreaterThan(1e-3);
      const start = tf.memory().numTensors;
      const onOnnx = await loadModelFolder(folder, { engine: 'onnx', onnx: { intraOpNumThreads: 1 } });
      expect(existsSync(join(folder, 'encoder', 'onnx', 'encoder.onnx'))).toBe(true);
      expect((onOnnx.model as HeadCoder).encoder.constructor.name).toBe('OnnxEncoder');
      expectSameScores(await onOnnx.predict(notes), expected);
      onOnnx.dispose();
      expect(tf.memory().numTensors).toBe(start);
    },
  );

  it('`icd predict --engine onnx` codes the notes of a head folder with the tfjs scores', async () => {
    const folder = await headFolder('heads-cli', 'laat');
    const input = join(directory, 'notes.jsonl');
    await writeFile(input, `${notes.map((note) => JSON.stringify(note)).join('\n')}\n`);
    const run = await icd(['predict', '--model', folder, input, '--format', 'codiesp', '--engine', 'onnx']);
    expect(run.code, run.stderr).toBe(0);
    // `docid<TAB>code<TAB>score` rows, every code of each note; against the tfjs engine in-process.
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows).toHaveLength(notes.length * labels.length);
    const onTfjs = await loadModelFolder(folder);
    const expected = await onTfjs.predict(notes);
    onTfjs.dispose();
    for (const prediction of expected)
      for (const code of prediction.ranked) {
        const row = rows.find(([id, c]) => id === prediction.noteId && c === code.code);
        expect(row, `${prediction.noteId} ${code.code}`).toBeDefined();
        expect(Math.abs(Number(row![2]) - code.score)).toBeLessThan(1e-4);
      }
  });

  it('an ensemble of a head coder and a lexical coder runs its head member on ONNX, the lexical one as it is', async () => {
    const mlm = createTinyBert({ seed: 11 });
    const head = new HeadCoder({
      encoder: mlm.bert,
      tokenizer: mlm.tokenizer!,
      head: new LabelAttention({ labels, hiddenSize: 16, seed: 2, initializerRange: 0.5 }),
      windowLength: 8,
    });
    const lexical = LexicalCoder.train(
      [
        { text: 'acute myocardial infarction chest pain', codes: ['I21.9'] },
        { text: 'myocardial infarction history', codes: ['I21.9'] },
        { text: 'fever cough pneumonia', codes: ['J18.9'] },
        { text: 'pneumonia with fever', codes: ['J18.9'] },
        { text: 'chronic heart failure shortness of breath', codes: ['I50.9'] },
        { text: 'heart failure and hypertension', codes: ['I50.9'] },
      ],
      { c: 10, minDf: 1 },
    );
    const folder = join(directory, 'ensemble');
    await saveModelFolder(folder, new EnsembleCoder(head, lexical, 0.6, 0.4), {
      name: 'ensemble',
      codeSet,
      hashes: HASHES,
    });
    head.dispose();
    mlm.dispose();
    const onTfjs = await loadModelFolder(folder);
    const expected = await onTfjs.predict(notes);
    onTfjs.dispose();
    const onOnnx = await loadModelFolder(folder, { engine: 'onnx', onnx: { intraOpNumThreads: 1 } });
    const members = onOnnx.model as EnsembleCoder;
    const [first, second] = [members.first as typeof onOnnx, members.second as typeof onOnnx];
    expect((first.model as HeadCoder).encoder.constructor.name).toBe('OnnxEncoder');
    expect(second.model).toBeInstanceOf(LexicalCoder);
    expectSameScores(await onOnnx.predict(notes), expected);
    onOnnx.dispose();
  });

  it('refuses ONNX, with an UnsupportedError, for folders without an encoder (lexical, an ensemble of two lexicals)', async () => {
    const lexical = LexicalCoder.train(
      [
        { text: 'acute myocardial infarction', codes: ['I21.9'] },
        { text: 'myocardial infarction history', codes: ['I21.9'] },
        { text: 'fever cough pneumonia', codes: ['J18.9'] },
        { text: 'pneumonia with fever', codes: ['J18.9'] },
      ],
      { c: 10, minDf: 1 },
    );
    const lexicalCodes = codeSetFromList(lexical.labels, codes.slice(0, 2));
    const single = join(directory, 'lexical');
    await saveModelFolder(single, lexical, { name: 'lexical', codeSet: lexicalCodes, hashes: HASHES });
    const pair = join(directory, 'lexical-pair');
    await saveModelFolder(pair, new EnsembleCoder(lexical, lexical, 0.5, 0.5), {
      name: 'pair',
      codeSet: lexicalCodes,
      hashes: HASHES,
    });
    for (const folder of [single, pair]) {
      const error = await loadModelFolder(folder, { engine: 'onnx' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect(String((error as Error).message)).toMatch(/no neural encoder/);
    }
  });
});
