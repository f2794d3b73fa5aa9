/**
 * The model folder through the Cache API, one cache per version of the folder, so that a redeployed
 * model replaces the one a returning visitor has:
 * - `pipeline.json` network-first (a fresh copy when the server answers; the cached one offline);
 * - its version (`modelCacheName`: a hash of pipeline.json's format, hashes, creation time and file
 *   list) names the cache the other files go in, read cache-first from there (a file of one version
 *   never changes);
 * - once a version has loaded, `dropOtherModelCaches` deletes the caches of the others.
 * Falls back to plain `fetch` where the Cache API is missing (an insecure origin).
 */
import { canonicalJson, sha256Hex } from '@icd/pipeline';

/** Every model cache's name starts with this; the rest is the folder's version. */
export const MODEL_CACHE_PREFIX = 'icd-model-';

export interface FetchedFile {
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The cache name of a model folder's version, from its pipeline.json text. */
export async function modelCacheName(pipelineJson: string): Promise<string> {
  const pipeline = JSON.parse(pipelineJson) as Record<string, unknown>;
  const version = canonicalJson({
    format: pipeline.format,
    version: pipeline.version,
    hashes: pipeline.hashes ?? pipelineJson,
    created: pipeline.created,
    files: pipeline.files,
  });
  return `${MODEL_CACHE_PREFIX}${(await sha256Hex(version)).slice(0, 16)}`;
}

const hasCaches = () => typeof caches !== 'undefined';

/** pipeline.json, network-first: the server's copy when it answers, else the newest cached one. */
export async function fetchPipelineJson(url: string): Promise<{ text: string; cacheName: string }> {
  let text: string | undefined;
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.ok) text = await response.text();
  } catch {
    // offline: the cached copy below
  }
  if (text === undefined && hasCaches()) text = await (await caches.match(url))?.text();
  if (text === undefined)
    throw new Error(`cannot load ${url}: the server does not answer and nothing is cached`);
  const cacheName = await modelCacheName(text);
  if (hasCaches())
    await (await caches.open(cacheName)).put(
      url,
      new Response(text, { headers: { 'content-type': 'application/json' } }),
    );
  return { text, cacheName };
}

/** `fetch` of one version's files: from its cache when there, else fetched and kept. */
export function cachedFetch(cacheName: string, onFile: (url: string, bytes: number) => void) {
  return async (url: string): Promise<FetchedFile> => {
    const cache = hasCaches() ? await caches.open(cacheName) : undefined;
    let response = await cache?.match(url);
    if (!response) {
      response = await fetch(url);
      if (response.ok && cache) await cache.put(url, response.clone());
    }
    const buffer = await response.arrayBuffer();
    onFile(url, buffer.byteLength);
    return { ok: response.ok, status: response.status, arrayBuffer: async () => buffer };
  };
}

/** Deletes the model caches of every other version (and the demo's first, unversioned one). */
export async function dropOtherModelCaches(current: string): Promise<string[]> {
  if (!hasCaches()) return [];
  const stale = (await caches.keys()).filter(
    (name) => name !== current && (name.startsWith(MODEL_CACHE_PREFIX) || name === 'icd-model-v1'),
  );
  await Promise.all(stale.map((name) => caches.delete(name)));
  return stale;
}
