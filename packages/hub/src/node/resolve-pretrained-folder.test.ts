import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HubError } from '../hub-error.js';
import { matchesPattern } from '../repo-patterns.js';
import { type FakeHub, startFakeHub } from '../test/fake-hub.js';
import { downloadToCache } from './download-to-cache.js';
import { pretrainedFolder } from './pretrained-folder.js';
import { resolvePretrainedFolder } from './resolve-pretrained-folder.js';

const fnmatch = JSON.parse(
  readFileSync(new URL('../../fixtures/fnmatch-cases.json', import.meta.url), 'utf8'),
) as { cases: { path: string; pattern: string; matches: boolean }[] };

const weights = new Uint8Array(6000).map((_, i) => (i * 13) % 253);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const promptRepo = {
  'prompt.json': '{"format":"icd-prompt/1"}',
  'prompt.safetensors': 'soft prompt',
  'plm/config.json': '{"model_type":"bert"}',
  'plm/model.safetensors': 'plm weights',
  'plm/pytorch_model.bin': 'pickle',
  'plm/vocab.txt': '[PAD]\n[UNK]\n',
  'README.md': '# a prompt model',
};

let hub: FakeHub;
let noRanges: FakeHub;
const roots: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-hub-resolve-'));
  roots.push(dir);
  return dir;
};

beforeAll(async () => {
  const repos = {
    'org/prompt': { files: promptRepo },
    'org/tiny': { files: { 'config.json': '{"model_type":"bert"}', 'model.safetensors': weights } },
    'org/gated': { files: { 'config.json': '{}', 'model.safetensors': 'w' }, gated: true },
  };
  hub = await startFakeHub(repos);
  noRanges = await startFakeHub(repos, { ranges: false });
});
afterAll(async () => {
  await hub.close();
  await noRanges.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('matchesPattern', () => {
  it('answers as Python fnmatch on 210 path × pattern pairs (a trailing / means the folder)', () => {
    expect(fnmatch.cases).toHaveLength(210);
    const wrong = fnmatch.cases.filter((c) => matchesPattern(c.path, c.pattern) !== c.matches);
    expect(wrong).toEqual([]);
    expect(() => matchesPattern('a', '')).toThrow(/pattern/);
  });
});

describe('resolvePretrainedFolder', () => {
  it('fetches what allowPatterns names, never the pickle, and returns the snapshot folder', async () => {
    const cacheDir = temporary();
    const dir = await resolvePretrainedFolder('org/prompt', {
      endpoint: hub.endpoint,
      cacheDir,
      allowPatterns: ['prompt.*', 'plm/'],
      required: ['prompt.json', 'prompt.safetensors'],
    });
    expect(dir).toBe(join(cacheDir, 'models--org--prompt', 'snapshots', hub.commitOf('org/prompt')));
    expect(readdirSync(dir).sort()).toEqual(['plm', 'prompt.json', 'prompt.safetensors']);
    expect(readdirSync(join(dir, 'plm')).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(readFileSync(join(dir, 'plm/vocab.txt'), 'utf8')).toBe(promptRepo['plm/vocab.txt']);
    expect(hub.requests.some((r) => r.path.endsWith('.bin'))).toBe(false);
  });

  it('without allowPatterns: every file but the default ignored formats; subfolder; ignorePatterns: [] keeps all', async () => {
    const cacheDir = temporary();
    const all = await resolvePretrainedFolder('org/prompt', { endpoint: hub.endpoint, cacheDir });
    expect(readdirSync(all).sort()).toEqual(['README.md', 'plm', 'prompt.json', 'prompt.safetensors']);
    expect(existsSync(join(all, 'plm/pytorch_model.bin'))).toBe(false);
    const plm = await resolvePretrainedFolder('org/prompt', {
      endpoint: hub.endpoint,
      cacheDir,
      subfolder: 'plm',
      ignorePatterns: [],
    });
    expect(plm).toBe(join(all, 'plm'));
    expect(readFileSync(join(plm, 'pytorch_model.bin'), 'utf8')).toBe('pickle');
  });

  it('a required file missing is a notFound HubError online, notCached offline; bad options are typed', async () => {
    const cacheDir = temporary();
    const options = { endpoint: hub.endpoint, cacheDir, required: ['head.json'] };
    const online = await resolvePretrainedFolder('org/prompt', options).catch((e) => e);
    expect(HubError.isInstance(online) && online.reason).toBe('notFound');
    expect(online.file).toBe('head.json');
    await resolvePretrainedFolder('org/prompt', { endpoint: hub.endpoint, cacheDir, allowPatterns: ['x'] });
    const offline = await resolvePretrainedFolder('org/prompt', { ...options, localFilesOnly: true }).catch(
      (e) => e,
    );
    expect(offline).toMatchObject({ reason: 'notCached' });
    await expect(resolvePretrainedFolder('org/prompt', { allowPatterns: '*' as never })).rejects.toThrow(
      /allowPatterns/,
    );
    await expect(resolvePretrainedFolder('', {})).rejects.toThrow(/idOrFolder/);
    await expect(resolvePretrainedFolder('./no/such/folder', {})).rejects.toThrow(/neither/);
  });

  it('a local folder wins and is returned as is, with no request', async () => {
    const local = temporary();
    mkdirSync(join(local, 'org/prompt'), { recursive: true });
    const before = hub.requests.length;
    const cwd = process.cwd();
    process.chdir(local);
    try {
      await expect(resolvePretrainedFolder('org/prompt', { endpoint: hub.endpoint })).resolves.toBe(
        'org/prompt',
      );
    } finally {
      process.chdir(cwd);
    }
    expect(hub.requests.length).toBe(before);
  });

  it('localFilesOnly and HF_HUB_OFFLINE never touch the network; a stopped Hub falls back to the cache', async () => {
    const cacheDir = temporary();
    const options = { endpoint: hub.endpoint, cacheDir, allowPatterns: ['prompt.*'] };
    const dir = await resolvePretrainedFolder('org/prompt', options);
    const before = hub.requests.length;
    await expect(resolvePretrainedFolder('org/prompt', { ...options, localFilesOnly: true })).resolves.toBe(
      dir,
    );
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    await expect(resolvePretrainedFolder('org/prompt', options)).resolves.toBe(dir);
    await expect(pretrainedFolder('org/tiny', { endpoint: hub.endpoint, cacheDir })).rejects.toMatchObject({
      reason: 'notCached',
    });
    expect(hub.requests.length).toBe(before);
    vi.unstubAllEnvs();
    const stopped = await startFakeHub({ 'org/prompt': { files: promptRepo } });
    const cache2 = temporary();
    const there = await resolvePretrainedFolder('org/prompt', {
      ...options,
      endpoint: stopped.endpoint,
      cacheDir: cache2,
    });
    await stopped.close();
    await expect(
      resolvePretrainedFolder('org/prompt', { ...options, endpoint: stopped.endpoint, cacheDir: cache2 }),
    ).resolves.toBe(there);
  });
});

describe('the environment, as huggingface_hub reads it', () => {
  it('HF_ENDPOINT and HF_HOME (cache in $HF_HOME/hub), HF_HUB_CACHE over HF_HOME, HF_TOKEN for gated repos', async () => {
    const home = temporary();
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('HF_HOME', home);
    vi.stubEnv('HF_HUB_CACHE', '');
    vi.stubEnv('HF_TOKEN', '');
    const dir = await pretrainedFolder('org/tiny', { include: ['model'] });
    expect(dir).toBe(join(home, 'hub', 'models--org--tiny', 'snapshots', hub.commitOf('org/tiny')));
    expect(sha256(readFileSync(join(dir, 'model.safetensors')))).toBe(sha256(weights));
    const cache = temporary();
    vi.stubEnv('HF_HUB_CACHE', cache);
    const again = await resolvePretrainedFolder('org/tiny', { allowPatterns: ['config.json'] });
    expect(again.startsWith(join(cache, 'models--org--tiny'))).toBe(true);
    await expect(pretrainedFolder('org/gated', { include: ['model'] })).rejects.toMatchObject({
      reason: 'gated',
      status: 401,
    });
    // `huggingface-cli login` writes $HF_HOME/token; HF_TOKEN wins over it.
    writeFileSync(join(home, 'token'), `${hub.token}\n`);
    await expect(pretrainedFolder('org/gated', { include: ['model'] })).resolves.toMatch(/snapshots/);
    vi.stubEnv('HF_TOKEN', 'hf_someone_else');
    const denied = await pretrainedFolder('org/gated', { include: ['model'], cacheDir: temporary() }).catch(
      (e) => e,
    );
    expect(denied).toMatchObject({ reason: 'gated', status: 403 });
    expect(denied.message).toMatch(/accept its conditions/);
  });
});

describe('downloads that cannot resume', () => {
  it('a CDN that ignores Range: the retry restarts from zero and the blob is whole; nothing partial remains', async () => {
    const cacheDir = temporary();
    const options = { endpoint: noRanges.endpoint, cacheDir };
    noRanges.dropNext('model.safetensors', 2500);
    await expect(downloadToCache('org/tiny', 'model.safetensors', options)).rejects.toMatchObject({
      reason: 'network',
    });
    const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
    expect(readdirSync(blobs)).toEqual([`${sha256(weights)}.incomplete`]);
    const partial = join(blobs, `${sha256(weights)}.incomplete`);
    expect(statSync(partial).size).toBeLessThanOrEqual(2500);
    // What reached the disk depends on socket timing; make it the first 2500 bytes, as a cut run leaves.
    writeFileSync(partial, weights.subarray(0, 2500));
    const path = await downloadToCache('org/tiny', 'model.safetensors', options);
    // asked to resume, got the whole file (200): written from zero, not appended
    expect(noRanges.requests.at(-1)?.range).toBe('bytes=2500-');
    expect(sha256(readFileSync(path))).toBe(sha256(weights));
    expect(readFileSync(path).length).toBe(weights.length);
    expect(readdirSync(blobs)).toEqual([sha256(weights)]);
  });
});

describe('revisions', () => {
  it('a commit hash revision: resolved by the Hub once, then served from snapshots/<commit> offline with no refs/ needed', async () => {
    const cacheDir = temporary();
    const commit = hub.commitOf('org/tiny');
    const options = { endpoint: hub.endpoint, cacheDir, revision: commit, include: ['model' as const] };
    const dir = await pretrainedFolder('org/tiny', options);
    expect(dir).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', commit));
    expect(existsSync(join(cacheDir, 'models--org--tiny', 'refs', 'main'))).toBe(false);
    const before = hub.requests.length;
    await expect(pretrainedFolder('org/tiny', { ...options, localFilesOnly: true })).resolves.toBe(dir);
    expect(hub.requests.length).toBe(before);
    await expect(
      pretrainedFolder('org/tiny', { ...options, revision: 'main', localFilesOnly: true }),
    ).rejects.toMatchObject({ reason: 'notCached' });
    await expect(pretrainedFolder('org/tiny', { ...options, revision: 'v9.9' })).rejects.toMatchObject({
      reason: 'notFound',
      status: 404,
    });
  });
});
