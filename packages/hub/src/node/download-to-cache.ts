import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HubError } from '../hub-error.js';
import { errorForResponse, hubFetch, hubHeaders } from '../hub-http.js';
import {
  checkHubId,
  checkRepoPath,
  type HubOptions,
  isCommitHash,
  normalizeEtag,
  resolveUrl,
} from '../hub-options.js';
import type { Connection } from '../revision-info.js';
import { withBlobLock } from './blob-lock.js';
import { repoCacheFolder } from './cache-layout.js';
import { hubEnvironment } from './hub-environment.js';

/**
 * {@link HubOptions} plus the cache folder (default: `HF_HUB_CACHE` / `$HF_HOME/hub`, as Python).
 *
 * @example
 * ```ts
 * const options: CacheOptions = { cacheDir: '/data/hf-cache', revision: 'main' };
 * ```
 */
export interface CacheOptions extends HubOptions {
  readonly cacheDir?: string;
}

/** @internal Options merged with the environment. */
export interface Settings {
  readonly connection: Connection;
  readonly cacheDir: string;
  readonly offline: boolean;
  readonly revision: string;
}

/** @internal */
export function settingsOf(options: CacheOptions): Settings {
  const environment = hubEnvironment();
  const fetcher = options.fetch ?? globalThis.fetch;
  return {
    connection: {
      endpoint: (options.endpoint ?? environment.endpoint).replace(/\/+$/, ''),
      token: options.token ?? environment.token,
      fetch: fetcher,
    },
    cacheDir: options.cacheDir ?? environment.cacheDir,
    offline: options.localFilesOnly ?? environment.offline,
    revision: options.revision ?? 'main',
  };
}

/** @internal The commit `refs/<revision>` names in the cache, if any. */
export async function cachedCommit(storage: string, revision: string): Promise<string | undefined> {
  if (isCommitHash(revision)) return revision;
  const ref = join(storage, 'refs', revision);
  if (!existsSync(ref)) return undefined;
  const commit = (await readFile(ref, 'utf8')).trim();
  return isCommitHash(commit) ? commit : undefined;
}

/** @internal Writes `refs/<revision>` as huggingface_hub does (the hash, no newline). */
export async function writeRef(storage: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const ref = join(storage, 'refs', revision);
  await mkdir(dirname(ref), { recursive: true });
  if (!existsSync(ref) || (await readFile(ref, 'utf8')) !== commit) await writeFile(ref, commit);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size;
}

async function linkPointer(pointer: string, blob: string): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  await rm(pointer, { force: true });
  try {
    await symlink(relative(dirname(pointer), blob), pointer);
  } catch {
    await copyFile(blob, pointer); // no symlinks (Windows without developer mode): copy, as Python does
  }
}

// GET the blob into `<blob>.incomplete`, resuming with a Range request, then check and rename.
async function downloadBlob(
  settings: Settings,
  repo: string,
  path: string,
  location: string,
  sameOrigin: boolean,
  blob: string,
  etag: string,
  size: number | undefined,
): Promise<void> {
  const incomplete = `${blob}.incomplete`;
  let start = existsSync(incomplete) ? (await stat(incomplete)).size : 0;
  if (size !== undefined && start > size) {
    await rm(incomplete, { force: true });
    start = 0;
  }
  const headers = hubHeaders(sameOrigin ? settings.connection.token : undefined, {
    'accept-encoding': 'identity',
  });
  if (start > 0) headers.set('range', `bytes=${start}-`);
  let response = await hubFetch(settings.connection.fetch, location, { headers }, repo, path);
  if (response.status === 416) {
    await response.body?.cancel();
    await rm(incomplete, { force: true });
    start = 0;
    headers.delete('range');
    response = await hubFetch(settings.connection.fetch, location, { headers }, repo, path);
  }
  if (!response.ok || response.body === null) throw errorForResponse(response, repo, path);
  const append = start > 0 && response.status === 206;
  // Written chunk by chunk through an open handle, so every byte received is on disk when the
  // connection drops (a piped write stream may discard its queue), and the resume starts after it.
  const handle = await open(incomplete, append ? 'a' : 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      await handle.write(chunk);
  } catch (cause) {
    const have = existsSync(incomplete) ? (await stat(incomplete)).size : 0;
    throw new HubError({
      repo,
      file: path,
      reason: 'network',
      message: `download interrupted after ${have} of ${size ?? '?'} bytes (${(cause as Error).message}); run again to resume (the partial file ${incomplete} is not used until complete and checked)`,
      cause,
    });
  } finally {
    await handle.close();
  }
  const got = (await stat(incomplete)).size;
  const problem =
    size !== undefined && got !== size
      ? `has ${got} bytes, the Hub announced ${size}`
      : /^[0-9a-f]{64}$/.test(etag) && (await sha256Of(incomplete)) !== etag
        ? `does not have the sha256 ${etag} the Hub announced`
        : undefined;
  if (problem !== undefined) {
    await rm(incomplete, { force: true });
    throw new HubError({
      repo,
      file: path,
      reason: 'integrity',
      message: `the download ${problem}; it was discarded, run again`,
    });
  }
  await rename(incomplete, blob);
}

/**
 * One file of a Hub model repo in the huggingface_hub cache, downloaded if needed (`hf_hub_download` in
 * Python, same layout and blob names, so files downloaded by either are found by the other). Returns the
 * path of the file in `snapshots/<commit>/`. Online it asks the Hub which commit the revision is (HEAD of
 * `resolve/<revision>/<path>`, unless `revision` is a cached commit hash), resumes a partial download
 * with a Range request and checks size and sha256 before the file enters the cache; offline
 * (`localFilesOnly` or `HF_HUB_OFFLINE`) it only reads the cache and makes no request.
 *
 * @throws HubError `gated` (401/403), `notFound` (404), `notCached` (offline, not cached), `integrity`,
 * `network` (no answer, or a dropped connection: the partial file stays outside the cache for a resume).
 * @example
 * ```ts
 * import { downloadToCache } from '@icd/hub/node';
 * const config = await downloadToCache('google-bert/bert-base-uncased', 'config.json');
 * // ~/.cache/huggingface/hub/models--google-bert--bert-base-uncased/snapshots/<commit>/config.json
 * ```
 */
export async function downloadToCache(
  repo: string,
  path: string,
  options: CacheOptions = {},
): Promise<string> {
  checkHubId('downloadToCache', repo);
  checkRepoPath('downloadToCache', path);
  const settings = settingsOf(options);
  if (settings.offline) return fromCache(settings, repo, path);
  try {
    return await download(settings, repo, path);
  } catch (error) {
    // No answer at all (not an HTTP error): use the cache if it has the file, as huggingface_hub does.
    if (!HubError.isInstance(error) || error.reason !== 'network' || error.status !== undefined) throw error;
    return fromCache(settings, repo, path).catch(() => Promise.reject(error));
  }
}

async function fromCache(settings: Settings, repo: string, path: string): Promise<string> {
  const storage = repoCacheFolder(settings.cacheDir, repo);
  const { revision } = settings;
  {
    const commit = await cachedCommit(storage, revision);
    const pointer = commit && join(storage, 'snapshots', commit, path);
    if (pointer && existsSync(pointer)) return pointer;
    if (commit && existsSync(join(storage, '.no_exist', commit, path)))
      throw new HubError({
        repo,
        file: path,
        reason: 'notFound',
        message: 'is not in the repo (cached answer)',
      });
    throw new HubError({
      repo,
      file: path,
      reason: 'notCached',
      message: `is not in the cache ${settings.cacheDir} for revision "${revision}", and the network is off (localFilesOnly or HF_HUB_OFFLINE): load it once online, or copy a huggingface_hub cache there`,
    });
  }
}

async function download(settings: Settings, repo: string, path: string): Promise<string> {
  const storage = repoCacheFolder(settings.cacheDir, repo);
  const { revision } = settings;
  if (isCommitHash(revision)) {
    const pointer = join(storage, 'snapshots', revision, path);
    if (existsSync(pointer)) return pointer;
  }
  const url = resolveUrl(settings.connection.endpoint, repo, revision, path);
  const headers = hubHeaders(settings.connection.token, { 'accept-encoding': 'identity' });
  let response = await hubFetch(
    settings.connection.fetch,
    url,
    { method: 'HEAD', headers, redirect: 'manual' },
    repo,
    path,
  );
  // Follow relative redirects (renamed repos) as Python does; an absolute one goes to the CDN.
  for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
    const target = response.headers.get('location');
    if (target === null || /^https?:/i.test(target)) break;
    response = await hubFetch(
      settings.connection.fetch,
      new URL(target, url).href,
      { method: 'HEAD', headers, redirect: 'manual' },
      repo,
      path,
    );
  }
  const commit = response.headers.get('x-repo-commit') ?? undefined;
  if (response.status === 404 && commit && response.headers.get('x-error-code') === 'EntryNotFound') {
    await writeRef(storage, revision, commit);
    const marker = join(storage, '.no_exist', commit, path);
    await mkdir(dirname(marker), { recursive: true });
    await writeFile(marker, '');
  }
  if (response.status >= 400) throw errorForResponse(response, repo, path);
  const etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  const sizeHeader = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  const size = sizeHeader === null ? undefined : Number(sizeHeader);
  if (commit === undefined || !isCommitHash(commit) || etag === undefined || /[/\\]|^\.\.?$/.test(etag))
    throw new HubError({
      repo,
      file: path,
      reason: 'network',
      message: `${url} did not answer as the Hub does (no X-Repo-Commit or ETag); check options.endpoint / HF_ENDPOINT`,
    });
  await writeRef(storage, revision, commit);
  const pointer = join(storage, 'snapshots', commit, path);
  const blob = join(storage, 'blobs', etag);
  const announced = Number.isFinite(size) ? size : undefined;
  // A cached file whose size is not the one the Hub announces (cut short by a full disk, a crash or a
  // hand edit) is dropped and fetched again, so a corrupt cache heals on the next online load.
  if (existsSync(pointer)) {
    if (announced === undefined || (await sizeOf(pointer)) === announced) return pointer;
    await rm(pointer, { force: true });
  }
  if (existsSync(blob) && announced !== undefined && (await sizeOf(blob)) !== announced)
    await rm(blob, { force: true });
  if (!existsSync(blob)) {
    await mkdir(dirname(blob), { recursive: true });
    const target = response.headers.get('location');
    const location = target === null ? url : new URL(target, url).href;
    const sameOrigin = new URL(location).origin === new URL(url).origin;
    // One writer of `<blob>.incomplete` at a time, in this process and across processes.
    await withBlobLock(blob, { repo, file: path }, () =>
      downloadBlob(settings, repo, path, location, sameOrigin, blob, etag, announced),
    );
  }
  await linkPointer(pointer, blob);
  return pointer;
}
