import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../hub-error.js';
import { type FakeHub, startFakeHub } from '../test/fake-hub.js';
import { downloadToCache } from './download-to-cache.js';
import { hubEnvironment } from './hub-environment.js';

const weights = new Uint8Array(5000).map((_, i) => (i * 7) % 251);
const config = '{"model_type": "bert"}\n';
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
// The git blob id, from git itself: what the Hub sends as the ETag of a non-LFS file.
const gitBlobId = (text: string) =>
  execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();

let hub: FakeHub;
const roots: string[] = [];
const cacheDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-hub-'));
  roots.push(dir);
  return dir;
};
const storage = (dir: string) => join(dir, 'models--org--tiny');

beforeAll(async () => {
  hub = await startFakeHub({
    'org/tiny': { files: { 'config.json': config, 'model.safetensors': weights } },
    'org/gated': { files: { 'config.json': config }, gated: true },
  });
});
afterAll(async () => {
  await hub.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.HF_HUB_OFFLINE;
});

describe('downloadToCache', () => {
  it('lays the cache out as huggingface_hub does: blobs by ETag, relative snapshot links, refs/main', async () => {
    const dir = cacheDir();
    const options = { endpoint: hub.endpoint, cacheDir: dir };
    const path = await downloadToCache('org/tiny', 'model.safetensors', options);
    const commit = hub.commitOf('org/tiny');
    expect(path).toBe(join(storage(dir), 'snapshots', commit, 'model.safetensors'));
    expect(readFileSync(join(storage(dir), 'refs', 'main'), 'utf8')).toBe(commit); // no newline
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path)).toBe(`../../blobs/${sha256(weights)}`); // LFS: the sha256
    expect(readFileSync(path)).toEqual(Buffer.from(weights));
    await downloadToCache('org/tiny', 'config.json', options);
    expect(readdirSync(join(storage(dir), 'blobs')).sort()).toEqual(
      [gitBlobId(config), sha256(weights)].sort(),
    );
  });

  it('a second load needs no network: localFilesOnly, HF_HUB_OFFLINE, or the server stopped', async () => {
    const dir = cacheDir();
    const other = await startFakeHub({ 'org/tiny': { files: { 'config.json': config } } });
    const options = { endpoint: other.endpoint, cacheDir: dir };
    const first = await downloadToCache('org/tiny', 'config.json', options);
    const before = other.requests.length;
    expect(await downloadToCache('org/tiny', 'config.json', { ...options, localFilesOnly: true })).toBe(
      first,
    );
    process.env.HF_HUB_OFFLINE = '1';
    expect(await downloadToCache('org/tiny', 'config.json', options)).toBe(first);
    expect(other.requests.length).toBe(before);
    delete process.env.HF_HUB_OFFLINE;
    await other.close();
    expect(await downloadToCache('org/tiny', 'config.json', options)).toBe(first);
    await expect(downloadToCache('org/tiny', 'vocab.txt', options)).rejects.toMatchObject({
      reason: 'network',
    });
  });

  it('offline without the file in the cache: a notCached HubError, no request', async () => {
    const count = hub.requests.length;
    const error = await downloadToCache('org/tiny', 'config.json', {
      endpoint: hub.endpoint,
      cacheDir: cacheDir(),
      localFilesOnly: true,
    }).catch((e) => e);
    expect(HubError.isInstance(error) && error.reason).toBe('notCached');
    expect(hub.requests.length).toBe(count);
  });

  it('a connection dropped mid-file leaves no blob; the next call resumes with a Range request', async () => {
    const dir = cacheDir();
    const options = { endpoint: hub.endpoint, cacheDir: dir };
    hub.dropNext('model.safetensors', 1200);
    await expect(downloadToCache('org/tiny', 'model.safetensors', options)).rejects.toMatchObject({
      reason: 'network',
    });
    const blobs = join(storage(dir), 'blobs');
    expect(readdirSync(blobs)).toEqual([`${sha256(weights)}.incomplete`]);
    expect(existsSync(join(storage(dir), 'snapshots', hub.commitOf('org/tiny'), 'model.safetensors'))).toBe(
      false,
    );
    const path = await downloadToCache('org/tiny', 'model.safetensors', options);
    // resumes from what reached the disk (at most the 1200 bytes sent before the cut)
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(hub.requests.at(-1)?.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(1200);
    expect(sha256(readFileSync(path))).toBe(sha256(weights));
    expect(readdirSync(blobs)).toEqual([sha256(weights)]);
  });

  it('a cached file cut short is fetched again online (its size is not the one the Hub announces)', async () => {
    const dir = cacheDir();
    const options = { endpoint: hub.endpoint, cacheDir: dir };
    await downloadToCache('org/tiny', 'model.safetensors', options);
    await downloadToCache('org/tiny', 'config.json', options);
    const blobs = join(storage(dir), 'blobs');
    truncateSync(join(blobs, sha256(weights)), 100);
    writeFileSync(join(blobs, gitBlobId(config)), '{"model_ty');
    const path = await downloadToCache('org/tiny', 'model.safetensors', options);
    expect(sha256(readFileSync(path))).toBe(sha256(weights));
    const configPath = await downloadToCache('org/tiny', 'config.json', options);
    expect(readFileSync(configPath, 'utf8')).toBe(config);
    expect(readdirSync(blobs).sort()).toEqual([gitBlobId(config), sha256(weights)].sort());
  });

  it('bytes that do not match the announced sha256 are discarded, not cached', async () => {
    const dir = cacheDir();
    const lying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method !== 'HEAD' || !response.headers.get('x-linked-etag')) return response;
      const headers = new Headers(response.headers);
      headers.set('x-linked-etag', `"${'0'.repeat(64)}"`);
      return new Response(null, { status: response.status, headers });
    };
    const error = await downloadToCache('org/tiny', 'model.safetensors', {
      endpoint: hub.endpoint,
      cacheDir: dir,
      fetch: lying,
    }).catch((e) => e);
    expect(HubError.isInstance(error) && error.reason).toBe('integrity');
    expect(readdirSync(join(storage(dir), 'blobs'))).toEqual([]);
  });

  it('gated repos: 401 says to pass a token; options.token and HF_TOKEN work', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: cacheDir() };
    const error = await downloadToCache('org/gated', 'config.json', options).catch((e) => e);
    expect(error).toMatchObject({ reason: 'gated', status: 401, repo: 'org/gated' });
    expect(error.message).toMatch(/HF_TOKEN/);
    expect(
      readFileSync(
        await downloadToCache('org/gated', 'config.json', { ...options, token: hub.token }),
        'utf8',
      ),
    ).toBe(config);
    process.env.HF_TOKEN = hub.token;
    try {
      await expect(
        downloadToCache('org/gated', 'config.json', { ...options, cacheDir: cacheDir() }),
      ).resolves.toMatch(/config\.json$/);
    } finally {
      delete process.env.HF_TOKEN;
    }
  });

  it('404: a missing repo and a missing file (remembered in .no_exist, as Python does)', async () => {
    const dir = cacheDir();
    const options = { endpoint: hub.endpoint, cacheDir: dir };
    await expect(downloadToCache('org/nope', 'config.json', options)).rejects.toMatchObject({
      reason: 'notFound',
      status: 404,
    });
    const missing = await downloadToCache('org/tiny', 'vocab.txt', options).catch((e) => e);
    expect(missing).toMatchObject({ reason: 'notFound', status: 404 });
    expect(existsSync(join(storage(dir), '.no_exist', hub.commitOf('org/tiny'), 'vocab.txt'))).toBe(true);
    await expect(
      downloadToCache('org/tiny', 'vocab.txt', { ...options, localFilesOnly: true }),
    ).rejects.toMatchObject({ reason: 'notFound' });
  });

  it('rejects ids and paths that could leave the cache', async () => {
    await expect(downloadToCache('../x', 'config.json')).rejects.toThrow(/Hub model id/);
    await expect(downloadToCache('org/tiny', '../../etc/passwd')).rejects.toThrow(/relative file path/);
  });
});

describe('hubEnvironment', () => {
  it('reads HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE as huggingface_hub', () => {
    expect(hubEnvironment({ HF_HOME: '/h' }).cacheDir).toBe('/h/hub');
    expect(hubEnvironment({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir).toBe('/c');
    expect(hubEnvironment({ XDG_CACHE_HOME: '/x', HF_TOKEN_PATH: '/nonexistent' }).cacheDir).toBe(
      '/x/huggingface/hub',
    );
    expect(hubEnvironment({ HF_HOME: '/h' }).endpoint).toBe('https://huggingface.co');
    expect(hubEnvironment({ HF_ENDPOINT: 'https://hf-mirror.com/' }).endpoint).toBe('https://hf-mirror.com');
    expect(hubEnvironment({ HF_TOKEN: 'hf_x' }).token).toBe('hf_x');
    for (const on of ['1', 'ON', 'yes', 'True'])
      expect(hubEnvironment({ HF_HUB_OFFLINE: on }).offline).toBe(true);
    for (const off of ['0', '', 'no']) expect(hubEnvironment({ HF_HUB_OFFLINE: off }).offline).toBe(false);
    // the older names huggingface_hub still reads, after the new ones
    expect(hubEnvironment({ HF_HOME: '/h', HUGGINGFACE_HUB_CACHE: '/old' }).cacheDir).toBe('/old');
    expect(hubEnvironment({ HF_HUB_CACHE: '/c', HUGGINGFACE_HUB_CACHE: '/old' }).cacheDir).toBe('/c');
    expect(hubEnvironment({ HUGGING_FACE_HUB_TOKEN: 'hf_old' }).token).toBe('hf_old');
    expect(hubEnvironment({ HF_TOKEN: 'hf_new', HUGGING_FACE_HUB_TOKEN: 'hf_old' }).token).toBe('hf_new');
    expect(hubEnvironment({ TRANSFORMERS_OFFLINE: '1' }).offline).toBe(true);
  });
});
