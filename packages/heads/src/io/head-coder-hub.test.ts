import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { selectBackend } from '@icd/bert';
import { createTinyBert } from '@icd/bert/test';
import { CheckpointError } from '@icd/core';
import { type FakeHub, startFakeHub } from '@icd/hub/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadCoder as BrowserHeadCoder } from '../coder/head-coder.js';
import { LabelAttention } from '../layers/label-attention.js';
import { loadHeadCoder, saveHeadCoder } from './head-coder-folder.js';

const notes = [
  { id: 'a', text: 'the patient has fever and cough , no chest pain' },
  { id: 'b', text: 'acute myocardial infarction with chest pain' },
];
let directory: string;
let hub: FakeHub;
let expected: Awaited<ReturnType<BrowserHeadCoder['predict']>>;

async function filesOf(folder: string): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(folder, path).split('\\').join('/')] = new Uint8Array(await readFile(path));
  }
  return out;
}

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  directory = await mkdtemp(join(tmpdir(), 'icd-heads-hub-'));
  const mlm = createTinyBert({ seed: 3 });
  const head = new LabelAttention({ labels: ['I21', 'J18'], hiddenSize: 16, projectionSize: 8, seed: 2 });
  const coder = new BrowserHeadCoder({ encoder: mlm.bert, tokenizer: mlm.tokenizer!, head, windowLength: 8 });
  expected = await coder.predict(notes);
  await saveHeadCoder(coder, join(directory, 'saved'));
  coder.dispose();
  hub = await startFakeHub({
    'org/laat': { files: { ...(await filesOf(join(directory, 'saved'))), 'README.md': '# card' } },
    'org/not-a-coder': { files: { 'config.json': '{}' } },
  });
});
afterAll(async () => {
  await hub?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('loadHeadCoder with a Hub id', () => {
  it('loads a coder saved by icd from the Hub (HF cache layout), then offline from the cache', async () => {
    const cacheDir = join(directory, 'cache');
    const loaded = await loadHeadCoder('org/laat', { hub: { endpoint: hub.endpoint, cacheDir } });
    expect(await loaded.predict(notes)).toEqual(expected);
    loaded.dispose();
    expect((await readdir(cacheDir)).some((name) => name === 'models--org--laat')).toBe(true);
    const count = hub.requests.length;
    const offline = await loadHeadCoder('org/laat', {
      hub: { endpoint: hub.endpoint, cacheDir, localFilesOnly: true },
    });
    expect(hub.requests.length).toBe(count);
    expect(await offline.predict(notes)).toEqual(expected);
    offline.dispose();
  });

  it('refuses a repo that holds no head coder, naming the missing file', async () => {
    const error = await loadHeadCoder('org/not-a-coder', {
      hub: { endpoint: hub.endpoint, cacheDir: join(directory, 'cache-2') },
    }).catch((caught: unknown) => caught);
    // HubError (a CheckpointError) from the `required` files the loader asks the Hub for.
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/head-coder\.json/);
  });
});
