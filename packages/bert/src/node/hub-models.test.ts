import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { HubError } from '@icd/hub';
import { type FakeHub, MemoryCache, startFakeHub } from '@icd/hub/test';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { BertForMaskedLM as BrowserBertForMaskedLM } from '../model/bert-for-masked-lm.js';
import { disposeOutput } from '../model/bert-model.js';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';
import { serializeSafetensors } from '../safetensors/write-safetensors.js';
import { createTinyBert } from '../test/create-tiny-bert.js';
import { maxAbsDifference, parity, parityDirectory } from '../test-support/parity-fixture.js';
import { BertForMaskedLM, BertModel } from './node-models.js';

// Hub ids end to end against the local fake Hub (@icd/hub/test): the reference outputs are the PyTorch
// parity fixture's (make-parity-fixture.py, HF's BERT equations in float64), and for a model saved by
// icd, the outputs of the model that was saved.
const tolerance = 1e-4;
const input = {
  inputIds: parity.inputIds,
  attentionMask: parity.attentionMask,
  tokenTypeIds: parity.tokenTypeIds,
};
const config = readFileSync(join(parityDirectory, 'config.json'), 'utf8');
const weights = new Uint8Array(readFileSync(join(parityDirectory, 'model.safetensors')));

// The parity checkpoint cut into two shards with a model.safetensors.index.json, as save_pretrained
// writes one past max_shard_size.
function shards(): Record<string, string | Uint8Array> {
  const file = new SafetensorsFile(weights, 'model.safetensors');
  const names = [...file.entries.keys()];
  const half = Math.ceil(names.length / 2);
  const parts = [names.slice(0, half), names.slice(half)];
  const files: Record<string, string | Uint8Array> = {};
  const weightMap: Record<string, string> = {};
  parts.forEach((part, k) => {
    const name = `model-0000${k + 1}-of-00002.safetensors`;
    files[name] = serializeSafetensors(
      part.map((tensor) => ({
        name: tensor,
        shape: file.entries.get(tensor)?.shape as number[],
        data: file.readFloat32(tensor),
      })),
    );
    for (const tensor of part) weightMap[tensor] = name;
  });
  files['model.safetensors.index.json'] = JSON.stringify({
    metadata: { total_size: weights.length },
    weight_map: weightMap,
  });
  return files;
}

let hub: FakeHub;
let saved: Record<string, string | Uint8Array>;
let tiny: BrowserBertForMaskedLM;
const roots: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-bert-hub-'));
  roots.push(dir);
  return dir;
};

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
  tiny = createTinyBert({ seed: 11 });
  saved = await tiny.toPretrainedFiles();
  hub = await startFakeHub({
    'org/parity': { files: { 'config.json': config, 'model.safetensors': weights } },
    'org/sharded': { files: { 'config.json': config, ...shards() } },
    'org/pickle-only': {
      files: {
        'config.json': config,
        'pytorch_model.bin': 'a pickle, never fetched',
        'vocab.txt': '[PAD]\n',
      },
      pullRequests: { 'refs/pr/3': { 'config.json': config, 'model.safetensors': weights } },
    },
    'org/old-pickle': { files: { 'config.json': config, 'pytorch_model.bin': 'a pickle' } },
    'icd/tiny-saved': { files: saved },
    'org/nested': {
      files: { 'encoder/config.json': config, 'encoder/model.safetensors': weights, 'README.md': '#' },
    },
    'org/gated': { files: { 'config.json': config, 'model.safetensors': weights }, gated: true },
    'org/bad-config': { files: { 'config.json': '{not json', 'model.safetensors': weights } },
  });
});
afterAll(async () => {
  tiny.dispose();
  await hub.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

async function parityError(mlm: BrowserBertForMaskedLM): Promise<number> {
  const output = mlm.forwardMasked(input);
  try {
    return maxAbsDifference(output.logits, parity.logits);
  } finally {
    disposeOutput(output);
  }
}

describe('fromPretrained with Hub ids (@icd/bert/node, huggingface_hub cache)', () => {
  it('a safetensors repo gives the PyTorch reference logits; stopped Hub and localFilesOnly load from the cache', async () => {
    const cacheDir = temporary();
    const options = { endpoint: hub.endpoint, cacheDir };
    const before = tf.memory().numTensors;
    const mlm = await BertForMaskedLM.fromPretrained('org/parity', options);
    expect(mlm).toBeInstanceOf(BertForMaskedLM);
    expect(await parityError(mlm)).toBeLessThan(tolerance);
    mlm.dispose();
    const snapshot = join(cacheDir, 'models--org--parity', 'snapshots', hub.commitOf('org/parity'));
    expect(readdirSync(snapshot).sort()).toEqual(['config.json', 'model.safetensors']);
    const count = hub.requests.length;
    const offline = await BertForMaskedLM.fromPretrained('org/parity', { ...options, localFilesOnly: true });
    expect(hub.requests.length).toBe(count);
    expect(await parityError(offline)).toBeLessThan(tolerance);
    offline.dispose();
    const encoder = await BertModel.fromPretrained('org/parity', { ...options, localFilesOnly: true });
    const output = encoder.forward(input);
    expect(maxAbsDifference(output.lastHiddenState, parity.lastHiddenState)).toBeLessThan(tolerance);
    disposeOutput(output);
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const solo = await startFakeHub({
      'org/parity': { files: { 'config.json': config, 'model.safetensors': weights } },
    });
    const soloCache = temporary();
    (
      await BertForMaskedLM.fromPretrained('org/parity', { endpoint: solo.endpoint, cacheDir: soloCache })
    ).dispose();
    await solo.close();
    const again = await BertForMaskedLM.fromPretrained('org/parity', {
      endpoint: solo.endpoint,
      cacheDir: soloCache,
    });
    expect(await parityError(again)).toBeLessThan(tolerance);
    again.dispose();
  });

  it('subfolder: in a Hub repo, and in a local folder as in Python', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: temporary(), subfolder: 'encoder' };
    const mlm = await BertForMaskedLM.fromPretrained('org/nested', options);
    expect(await parityError(mlm)).toBeLessThan(tolerance);
    mlm.dispose();
    const local = temporary();
    mkdirSync(join(local, 'encoder'));
    writeFileSync(join(local, 'encoder', 'config.json'), config);
    writeFileSync(join(local, 'encoder', 'model.safetensors'), weights);
    const fromFolder = await BertForMaskedLM.fromPretrained(local, { subfolder: 'encoder' });
    expect(await parityError(fromFolder)).toBeLessThan(tolerance);
    fromFolder.dispose();
  });

  it('a sharded checkpoint (model.safetensors.index.json) loads every shard', async () => {
    const mlm = await BertForMaskedLM.fromPretrained('org/sharded', {
      endpoint: hub.endpoint,
      cacheDir: temporary(),
    });
    expect(await parityError(mlm)).toBeLessThan(tolerance);
    mlm.dispose();
    expect(
      hub.requests.filter(
        (r) =>
          r.path.includes('org/sharded/resolve') &&
          r.path.endsWith('-of-00002.safetensors') &&
          r.method === 'HEAD',
      ),
    ).toHaveLength(2);
  });

  it('a pickle-only repo is refused with the recipe, pointing at the refs/pr/N conversion, which loads', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: temporary() };
    const error = await BertForMaskedLM.fromPretrained('org/pickle-only', options).catch((e) => e);
    expect(HubError.isInstance(error) && error.reason).toBe('unsupported');
    expect(error.message).toMatch(/revision: 'refs\/pr\/3'/);
    const old = await BertForMaskedLM.fromPretrained('org/old-pickle', options).catch((e) => e);
    expect(old.message).toMatch(/save_pretrained\('local-folder', safe_serialization=True\)/);
    expect(hub.requests.some((r) => r.path.endsWith('.bin'))).toBe(false);
    const converted = await BertForMaskedLM.fromPretrained('org/pickle-only', {
      ...options,
      revision: 'refs/pr/3',
    });
    expect(await parityError(converted)).toBeLessThan(tolerance);
    converted.dispose();
    expect(
      readFileSync(join(options.cacheDir, 'models--org--pickle-only', 'refs', 'refs', 'pr', '3'), 'utf8'),
    ).toBe(hub.commitOf('org/pickle-only', 'refs/pr/3'));
  });

  it('a model saved by icd, served by the Hub, loads with the same outputs', async () => {
    const mlm = await BertForMaskedLM.fromPretrained('icd/tiny-saved', {
      endpoint: hub.endpoint,
      cacheDir: temporary(),
    });
    const ids = [[2, 5, 9, 11, 4, 3]];
    const ours = mlm.forwardMasked({ inputIds: ids });
    const theirs = tiny.forwardMasked({ inputIds: ids });
    expect(ours.logits.shape).toEqual(theirs.logits.shape);
    expect(Array.from(ours.logits.dataSync())).toEqual(Array.from(theirs.logits.dataSync()));
    disposeOutput(ours);
    disposeOutput(theirs);
    mlm.dispose();
  });

  it('gated (401 without token, 403 with a token lacking access) and missing (404) are typed HubErrors', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: temporary() };
    await expect(BertModel.fromPretrained('org/gated', options)).rejects.toMatchObject({
      reason: 'gated',
      status: 401,
    });
    await expect(
      BertModel.fromPretrained('org/gated', { ...options, token: 'hf_other' }),
    ).rejects.toMatchObject({
      reason: 'gated',
      status: 403,
    });
    const model = await BertModel.fromPretrained('org/gated', { ...options, token: hub.token });
    model.dispose();
    await expect(BertModel.fromPretrained('org/missing', options)).rejects.toMatchObject({
      reason: 'notFound',
      status: 404,
    });
  });
});

describe('fromPretrained with Hub ids (main entry, fetch + Cache API)', () => {
  it('fetches config and weights (or shards) once, then loads offline from the cache with no request', async () => {
    const cache = new MemoryCache();
    let calls = 0;
    const counting: typeof fetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const options = { endpoint: hub.endpoint, cache, fetch: counting };
    for (const repo of ['org/parity', 'org/sharded']) {
      const mlm = await BrowserBertForMaskedLM.fromPretrained(repo, options);
      expect(await parityError(mlm)).toBeLessThan(tolerance);
      mlm.dispose();
    }
    const made = calls;
    const offline = await BrowserBertForMaskedLM.fromPretrained('org/sharded', {
      ...options,
      localFilesOnly: true,
    });
    expect(calls).toBe(made);
    expect(await parityError(offline)).toBeLessThan(tolerance);
    offline.dispose();
    await expect(BrowserBertForMaskedLM.fromPretrained('org/pickle-only', options)).rejects.toMatchObject({
      reason: 'unsupported',
    });
    await expect(BrowserBertForMaskedLM.fromPretrained('../x', options)).rejects.toThrow(/Hub model id/);
    const badConfig = BrowserBertForMaskedLM.fromPretrained('org/bad-config', options);
    await expect(badConfig).rejects.toBeInstanceOf(CheckpointError);
    await expect(badConfig).rejects.toThrow(/org\/bad-config\/config\.json/);
  });
});
