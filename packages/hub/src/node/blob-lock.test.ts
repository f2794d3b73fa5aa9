import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../hub-error.js';
import { type FakeHub, startFakeHub } from '../test/fake-hub.js';
import { withBlobLock } from './blob-lock.js';
import { downloadToCache } from './download-to-cache.js';

const weights = new Uint8Array(40_000).map((_, i) => (i * 31) % 255);
const hash = createHash('sha256').update(weights).digest('hex');
let hub: FakeHub;
const roots: string[] = [];
const temporary = () => {
  const dir = mkdtempSync(join(tmpdir(), 'icd-hub-lock-'));
  roots.push(dir);
  return dir;
};
const cdnGets = () => hub.requests.filter((r) => r.method === 'GET' && r.path === `/cdn/${hash}`).length;

beforeAll(async () => {
  hub = await startFakeHub({ 'org/tiny': { files: { 'config.json': '{}', 'model.safetensors': weights } } });
});
afterAll(async () => {
  await hub.close();
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe('one writer per blob', () => {
  it('three concurrent loads of one file in a process download it once', async () => {
    const options = { endpoint: hub.endpoint, cacheDir: temporary() };
    const before = cdnGets();
    const paths = await Promise.all(
      [1, 2, 3].map(() => downloadToCache('org/tiny', 'model.safetensors', options)),
    );
    expect(new Set(paths).size).toBe(1);
    expect(cdnGets() - before).toBe(1);
    expect(
      createHash('sha256')
        .update(readFileSync(paths[0] as string))
        .digest('hex'),
    ).toBe(hash);
    expect(readdirSync(join(options.cacheDir, 'models--org--tiny', 'blobs'))).toEqual([hash]);
  });

  it('waits for another process holding the lock, then uses the blob it wrote', async () => {
    const cacheDir = temporary();
    const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
    mkdirSync(blobs, { recursive: true });
    const lock = join(blobs, `${hash}.incomplete.icd-lock`);
    writeFileSync(lock, String(process.pid)); // a live pid: as another process downloading
    setTimeout(() => {
      writeFileSync(join(blobs, hash), weights);
      rmSync(lock);
    }, 300);
    const before = cdnGets();
    const started = Date.now();
    const path = await downloadToCache('org/tiny', 'model.safetensors', { endpoint: hub.endpoint, cacheDir });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(cdnGets()).toBe(before);
    expect(readFileSync(path)).toEqual(Buffer.from(weights));
  });

  it('takes over the lock of a process that is gone', async () => {
    const cacheDir = temporary();
    const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
    mkdirSync(blobs, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number; // exited: its pid is free
    writeFileSync(join(blobs, `${hash}.incomplete.icd-lock`), String(gone));
    const path = await downloadToCache('org/tiny', 'model.safetensors', { endpoint: hub.endpoint, cacheDir });
    expect(readFileSync(path)).toEqual(Buffer.from(weights));
    expect(readdirSync(blobs)).toEqual([hash]);
  });

  it('gives up with a HubError naming the lock when the holder never finishes', async () => {
    const dir = temporary();
    const blob = join(dir, 'blob');
    writeFileSync(`${blob}.incomplete.icd-lock`, String(process.pid));
    let ran = false;
    const error = await withBlobLock(
      blob,
      { repo: 'org/tiny', file: 'model.safetensors' },
      async () => {
        ran = true;
      },
      { timeoutMs: 150, pollMs: 20 },
    ).catch((e) => e);
    expect(HubError.isInstance(error) && error.message).toMatch(/icd-lock/);
    expect(ran).toBe(false);
    expect(existsSync(blob)).toBe(false);
  });
});
