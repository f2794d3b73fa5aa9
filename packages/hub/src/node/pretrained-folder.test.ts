import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../test/fake-hub.js';
import { pretrainedFolder } from './pretrained-folder.js';

const config = '{"model_type": "bert"}';
const index = JSON.stringify({
  metadata: {},
  weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
});
let hub: FakeHub;
const roots: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-hub-folder-'));
  roots.push(dir);
  return dir;
};

beforeAll(async () => {
  hub = await startFakeHub({
    'org/sharded': {
      files: {
        'config.json': config,
        'model.safetensors.index.json': index,
        'model-00001-of-00002.safetensors': 'shard one',
        'model-00002-of-00002.safetensors': 'shard two',
        'pytorch_model.bin': 'never fetched',
        'vocab.txt': '[PAD]\n',
      },
    },
    'org/nested': {
      files: { 'encoder/config.json': config, 'encoder/model.safetensors': 'w', 'config.json': '{}' },
    },
    'org/pickle': {
      files: { 'config.json': config, 'pytorch_model.bin': 'pickle' },
      pullRequests: { 'refs/pr/2': { 'config.json': config, 'model.safetensors': 'converted' } },
    },
    'org/old-pickle': { files: { 'config.json': config, 'pytorch_model.bin': 'pickle' } },
  });
});
afterAll(async () => {
  await hub.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe('pretrainedFolder', () => {
  it('downloads config, every shard of the safetensors index and the tokenizer files, not the pickle', async () => {
    const cacheDir = temporary();
    const folder = await pretrainedFolder('org/sharded', {
      endpoint: hub.endpoint,
      cacheDir,
      include: ['model', 'tokenizer'] as const,
    });
    expect(folder).toBe(join(cacheDir, 'models--org--sharded', 'snapshots', hub.commitOf('org/sharded')));
    expect(readdirSync(folder).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'vocab.txt',
    ]);
    expect(hub.requests.some((r) => r.path.endsWith('pytorch_model.bin'))).toBe(false);
    const count = hub.requests.length;
    expect(
      await pretrainedFolder('org/sharded', {
        cacheDir,
        include: ['model', 'tokenizer'] as const,
        localFilesOnly: true,
      }),
    ).toBe(folder);
    expect(hub.requests.length).toBe(count);
  });

  it('subfolder: the files under it, the folder returned is the subfolder', async () => {
    const folder = await pretrainedFolder('org/nested', {
      endpoint: hub.endpoint,
      cacheDir: temporary(),
      include: ['model'] as const,
      subfolder: 'encoder',
    });
    expect(folder.endsWith(join(hub.commitOf('org/nested'), 'encoder'))).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('pickle-only repos are refused, pointing at the refs/pr/N safetensors conversion when there is one', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: temporary(), include: ['model'] as const };
    const error = await pretrainedFolder('org/pickle', options).catch((e) => e);
    expect(error).toMatchObject({ reason: 'unsupported' });
    expect(error.message).toMatch(/revision: 'refs\/pr\/2'/);
    expect(error.message).toMatch(/safe_serialization=True/);
    const converted = await pretrainedFolder('org/pickle', { ...options, revision: 'refs/pr/2' });
    expect(readFileSync(join(converted, 'model.safetensors'), 'utf8')).toBe('converted');
    expect(
      readFileSync(join(options.cacheDir, 'models--org--pickle', 'refs', 'refs', 'pr', '2'), 'utf8'),
    ).toBe(hub.commitOf('org/pickle', 'refs/pr/2'));
    const old = await pretrainedFolder('org/old-pickle', options).catch((e) => e);
    expect(old.message).not.toMatch(/refs\/pr/);
    expect(old.message).toMatch(/never loaded/);
    expect(hub.requests.some((r) => r.path.endsWith('pytorch_model.bin'))).toBe(false);
  });

  it('a local folder wins over the Hub, with no request', async () => {
    const local = temporary();
    const count = hub.requests.length;
    expect(await pretrainedFolder(local, { endpoint: hub.endpoint, include: ['model'] as const })).toBe(
      local,
    );
    expect(hub.requests.length).toBe(count);
  });

  it('finds a model in a cache laid out by Python huggingface_hub (refs/main, relative links to blobs), offline', async () => {
    const cacheDir = temporary();
    const storage = join(cacheDir, 'models--google-bert--bert-base-uncased');
    const commit = '86b5e0934494bd15c9632b12f734a8a67f723594';
    const blob = createHash('sha256').update('weights').digest('hex');
    mkdirSync(join(storage, 'blobs'), { recursive: true });
    mkdirSync(join(storage, 'refs'));
    mkdirSync(join(storage, 'snapshots', commit), { recursive: true });
    writeFileSync(join(storage, 'refs', 'main'), commit);
    writeFileSync(join(storage, 'blobs', blob), 'weights');
    writeFileSync(join(storage, 'blobs', 'e5b2a9e6c1f3'), config);
    symlinkSync(`../../blobs/${blob}`, join(storage, 'snapshots', commit, 'model.safetensors'));
    symlinkSync('../../blobs/e5b2a9e6c1f3', join(storage, 'snapshots', commit, 'config.json'));
    process.env.HF_HUB_CACHE = cacheDir;
    process.env.HF_HUB_OFFLINE = '1';
    try {
      const folder = await pretrainedFolder('google-bert/bert-base-uncased', { include: ['model'] as const });
      expect(readFileSync(join(folder, 'model.safetensors'), 'utf8')).toBe('weights');
      await expect(
        pretrainedFolder('google-bert/bert-base-cased', { include: ['model'] as const }),
      ).rejects.toMatchObject({
        reason: 'notCached',
      });
    } finally {
      delete process.env.HF_HUB_CACHE;
      delete process.env.HF_HUB_OFFLINE;
    }
  });

  it('with the Hub unreachable, a cached revision loads; an uncached one says the Hub is unreachable', async () => {
    const cacheDir = temporary();
    const other = await startFakeHub({
      'org/tiny': { files: { 'config.json': config, 'model.safetensors': 'w' } },
    });
    const options = { endpoint: other.endpoint, cacheDir, include: ['model'] as const };
    const folder = await pretrainedFolder('org/tiny', options);
    await other.close();
    expect(await pretrainedFolder('org/tiny', options)).toBe(folder);
    await expect(pretrainedFolder('org/other', options)).rejects.toMatchObject({ reason: 'network' });
    expect(existsSync(join(folder, 'model.safetensors'))).toBe(true);
  });

  it('refuses what is neither a folder nor an id', async () => {
    await expect(pretrainedFolder('./no/such/folder')).rejects.toThrow(
      /neither an existing folder nor a Hub model id/,
    );
  });
});
