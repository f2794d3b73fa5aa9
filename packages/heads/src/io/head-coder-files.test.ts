import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, selectBackend, serializeSafetensors } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { CheckpointError, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadCoder as BrowserHeadCoder } from '../coder/head-coder.js';
import { cacheHiddenStates } from '../training/hidden-state-cache.js';
import { TestAttentionHead } from '../training/test-heads.test-helper.js';
import { trainHead } from '../training/train-head.js';
import { type HeadBuilder, headCoderFiles, headCoderFromFiles } from './head-coder-files.js';
import { HeadCoder, loadHeadCoder, saveHeadCoder } from './head-coder-folder.js';

const heads: Record<string, HeadBuilder> = {
  test_attention: (json, weights) =>
    TestAttentionHead.fromJSON(json as ReturnType<TestAttentionHead['toJSON']>, weights),
};
const notes = [
  { id: 'a', text: 'the patient has fever and cough , no chest pain', codes: ['J18'] },
  { id: 'b', text: 'acute myocardial infarction with chest pain', codes: ['I21'] },
  { id: 'c', text: 'pneumonia , cough and fever', codes: ['J18'] },
  { id: 'd', text: 'history of infarction . chest pain', codes: ['I21', 'R07'] },
];
let directory: string;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-heads-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function trainedCoder(): Promise<BrowserHeadCoder> {
  const mlm = createTinyBert({ seed: 3 });
  const tokenizer = mlm.tokenizer!;
  const cache = await cacheHiddenStates(mlm.bert, tokenizer, notes, { windowLength: 8 });
  const head = new TestAttentionHead(['I21', 'J18', 'R07'], { hiddenSize: 16, seed: 4 });
  const result = await trainHead(head, cache.notes, {
    epochs: 5,
    learningRate: 0.05,
    validation: { examples: cache.notes, tuneThreshold: 'perLabel' },
  });
  return new BrowserHeadCoder({
    encoder: mlm.bert,
    tokenizer,
    head,
    thresholds: result.thresholds!,
    windowLength: 8,
    evidence: { maxSpanWords: 4 },
  });
}

describe('save / load', () => {
  it('a saved coder predicts exactly what the trained one did (folder and HeadCoder.save / load)', async () => {
    const coder = await trainedCoder();
    coder.thresholds = [0.4, Number.POSITIVE_INFINITY, 0.3]; // Infinity survives as null
    const expected = await coder.predict(notes, { maxEvidence: 2 });
    const folder = join(directory, 'coder');
    await saveHeadCoder(coder, folder);
    expect((await readdir(folder)).sort()).toEqual(['encoder', 'head', 'head-coder.json']);
    const loaded = await loadHeadCoder(folder, { heads });
    expect(loaded).toBeInstanceOf(HeadCoder);
    expect(loaded.labels).toEqual(coder.labels);
    expect(Array.from(loaded.thresholds)).toEqual([0.4, Number.POSITIVE_INFINITY, 0.3]);
    expect(loaded.settings).toEqual(coder.settings);
    expect(await loaded.predict(notes, { maxEvidence: 2 })).toEqual(expected);
    await loaded.save(join(directory, 'again'));
    const again = await HeadCoder.load(join(directory, 'again'), { heads });
    expect(await again.predict(notes, { maxEvidence: 2 })).toEqual(expected);
    for (const c of [coder, loaded, again]) c.dispose();
  });

  it('round-trips in memory (browsers) without leaking tensors, and with an encoder given at load', async () => {
    const coder = await trainedCoder();
    const expected = await coder.predict(notes);
    const before = tf.memory().numTensors;
    const files = await headCoderFiles(coder, { includeEncoder: false });
    expect(Object.keys(files).sort()).toEqual([
      'head-coder.json',
      'head/config.json',
      'head/model.safetensors',
    ]);
    const config = JSON.parse(files['head-coder.json'] as string);
    expect(config).toMatchObject({
      format: 'icd-head-coder',
      version: 1,
      headType: 'test_attention',
      windowLength: 8,
    });
    const loaded = await headCoderFromFiles(files, {
      heads,
      encoder: coder.encoder,
      tokenizer: coder.tokenizer,
    });
    expect(await loaded.predict(notes)).toEqual(expected);
    loaded.head.dispose();
    expect(tf.memory().numTensors).toBe(before);
    coder.dispose();
  });

  it('validates the version and every field with typed errors', async () => {
    const coder = await trainedCoder();
    const files = await headCoderFiles(coder);
    const withConfig = (change: (config: Record<string, unknown>) => void) => {
      const config = JSON.parse(files['head-coder.json'] as string);
      change(config);
      return { ...files, 'head-coder.json': JSON.stringify(config) };
    };
    const rejects = async (
      input: Record<string, string | Uint8Array>,
      pattern: RegExp,
      options = { heads },
    ) => {
      const error = await headCoderFromFiles(input, options).catch((e: unknown) => e);
      expect(CheckpointError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    };
    const before = tf.memory().numTensors;
    await rejects(
      withConfig((c) => (c.version = 2)),
      /newer @icd\/heads/,
    );
    await rejects(
      withConfig((c) => (c.format = 'icd-prompt/1')),
      /format/,
    );
    await rejects(
      withConfig((c) => (c.labels = ['I21', 'I21', 'R07'])),
      /duplicates/,
    );
    await rejects(
      withConfig((c) => (c.thresholds = [0.5, 0.5])),
      /thresholds/,
    );
    await rejects(
      withConfig((c) => (c.windowLength = 2)),
      /windowLength/,
    );
    await rejects(
      withConfig((c) => (c.stride = 6)),
      /stride/,
    );
    await rejects(
      withConfig((c) => (c.labels = ['I21', 'J18', 'X99'])),
      /labels differ/,
    );
    await rejects(
      withConfig((c) => (c.hiddenSize = 32)),
      /hidden size/,
    );
    await rejects({ ...files, 'head-coder.json': '{' }, /not valid JSON/);
    const { 'head/model.safetensors': _, ...noWeights } = files;
    await rejects(noWeights, /head\/model.safetensors: missing/);
    await rejects(files, /not built in/, { heads: {} });
    const saved = new SafetensorsFile(
      files['head/model.safetensors'] as Uint8Array,
      'head/model.safetensors',
    );
    const tensors = [...saved.entries].map(([name, entry]) => ({
      name,
      shape: entry.shape,
      data: saved.readFloat32(name),
    }));
    const extra = serializeSafetensors([
      ...tensors,
      { name: 'extra.weight', shape: [1], data: Float32Array.of(1) },
    ]);
    await rejects({ ...files, 'head/model.safetensors': extra }, /extra.weight is not a weight/);
    const missing = serializeSafetensors(tensors.slice(1));
    await rejects({ ...files, 'head/model.safetensors': missing }, /is missing/);
    expect(tf.memory().numTensors).toBe(before);
    const bare = { ...coder, head: { ...coder.head, toJSON: undefined } } as unknown as BrowserHeadCoder;
    await expect(headCoderFiles(bare)).rejects.toSatisfy((e: unknown) => UnsupportedError.isInstance(e));
    await expect(loadHeadCoder(join(directory, 'nothing-here'))).rejects.toThrow(/is not a folder/);
    coder.dispose();
  });
});
