import { invalidArgument } from '@icd/core';
import { HubError } from './hub-error.js';
import { errorForResponse, hubFetch, hubHeaders } from './hub-http.js';
import {
  checkHubId,
  checkRepoPath,
  defaultEndpoint,
  type HubOptions,
  inSubfolder,
  resolveUrl,
} from './hub-options.js';
import { defaultIgnorePatterns, matchesPattern } from './repo-patterns.js';
import type { Connection } from './revision-info.js';
import { fetchRevisionInfo, pullRequestsWith } from './revision-info.js';
import { chooseWeights, pickleMessage, shardNames, tokenizerFileNames } from './weight-files.js';

/**
 * The part of the browser Cache API (`caches.open(name)`) used here; pass your own or `false`.
 *
 * @example
 * ```ts
 * const cache: ResponseCache = await caches.open('icd-hub');
 * ```
 */
export interface ResponseCache {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
}

/**
 * {@link HubOptions} for browsers: `cache` is a Cache API cache (default `caches.open('icd-hub')` where
 * `caches` exists, as transformers.js keeps `transformers-cache`), `false` for none.
 *
 * @example
 * ```ts
 * const options: FetchHubOptions = { revision: 'main', cache: await caches.open('my-app-models') };
 * ```
 */
export interface FetchHubOptions extends HubOptions {
  readonly cache?: ResponseCache | false;
}

async function openCache(option: ResponseCache | false | undefined): Promise<ResponseCache | undefined> {
  if (option === false) return undefined;
  if (option !== undefined) return option;
  const storage = (globalThis as { caches?: { open(name: string): Promise<ResponseCache> } }).caches;
  return storage ? storage.open('icd-hub') : undefined;
}

async function cachedBytes(
  connection: Connection,
  cache: ResponseCache | undefined,
  offline: boolean,
  url: string,
  repo: string,
  file: string | undefined,
): Promise<Uint8Array> {
  const hit = await cache?.match(url);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  if (offline)
    throw new HubError({
      repo,
      file,
      reason: 'notCached',
      message: `is not in the browser cache and localFilesOnly is set (${url})`,
    });
  const response = await hubFetch(
    connection.fetch,
    url,
    { headers: hubHeaders(connection.token) },
    repo,
    file,
  );
  if (!response.ok) throw errorForResponse(response, repo, file);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    // The connection dropped mid-body (fetch rejects with a bare TypeError): nothing is cached.
    throw new HubError({
      repo,
      file,
      reason: 'network',
      message: `download interrupted (${(cause as Error)?.message ?? String(cause)}); nothing was cached, run again (${url})`,
      cause,
    });
  }
  const announced = response.headers.get('content-length');
  if (announced !== null && !response.headers.get('content-encoding') && Number(announced) !== bytes.length)
    throw new HubError({
      repo,
      file,
      reason: 'integrity',
      message: `got ${bytes.length} of ${announced} bytes; run again`,
    });
  await cache?.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

/** @internal A revision's listing (from the cache, else the Hub) and a getter of its files. */
async function openRevision(fn: string, repo: string, options: FetchHubOptions) {
  checkHubId(fn, repo);
  if (options.subfolder !== undefined) checkRepoPath(fn, options.subfolder);
  const connection: Connection = {
    endpoint: (options.endpoint ?? defaultEndpoint).replace(/\/+$/, ''),
    token: options.token,
    fetch: options.fetch ?? globalThis.fetch,
  };
  const cache = await openCache(options.cache);
  const offline = options.localFilesOnly ?? false;
  const revision = options.revision ?? 'main';
  const listingUrl = `${connection.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  let info: { commit: string; files: readonly string[] };
  const cachedListing = await cache?.match(listingUrl);
  if (cachedListing) info = (await cachedListing.json()) as typeof info;
  else if (offline)
    throw new HubError({
      repo,
      reason: 'notCached',
      message: `revision "${revision}" is not in the browser cache and localFilesOnly is set`,
    });
  else {
    info = await fetchRevisionInfo(connection, repo, revision);
    await cache?.put(
      listingUrl,
      new Response(JSON.stringify(info), { headers: { 'content-type': 'application/json' } }),
    );
  }
  const { subfolder } = options;
  const get = (name: string) =>
    cachedBytes(
      connection,
      cache,
      offline,
      resolveUrl(connection.endpoint, repo, info.commit, inSubfolder(subfolder, name)),
      repo,
      inSubfolder(subfolder, name),
    );
  return { info, offline, connection, get };
}

/**
 * The files of a Hub model repo over `fetch`, kept in the Cache API (browsers, workers; also Node with
 * `cache: false` or your own cache): with `model`, `config.json` and the safetensors weights (one file,
 * or every shard of `model.safetensors.index.json`); with `tokenizer`, the tokenizer files the repo has.
 * Names are relative to `subfolder`. The repo's file list comes from the revision API and is cached too,
 * so `localFilesOnly` works once the repo was loaded.
 *
 * @throws HubError as the Node download does (`gated`, `notFound`, `notCached`, `unsupported` for
 * pickle-only repos, `integrity`, `network`).
 * @example
 * ```ts
 * import { fetchPretrainedFiles } from '@icd/hub';
 * const { files } = await fetchPretrainedFiles('google-bert/bert-base-uncased', { include: ['model'] });
 * const model = await BertModel.fromSafetensors(files['model.safetensors'], files['config.json']);
 * ```
 */
export async function fetchPretrainedFiles(
  repo: string,
  options: FetchHubOptions & { readonly include?: readonly ('model' | 'tokenizer')[] } = {},
): Promise<{
  readonly commit: string;
  readonly files: Readonly<Record<string, Uint8Array>>;
  readonly weights: readonly string[];
}> {
  const { info, offline, connection, get } = await openRevision('fetchPretrainedFiles', repo, options);
  const { subfolder } = options;
  const files: Record<string, Uint8Array> = {};
  const weights: string[] = [];
  const include = options.include ?? ['model', 'tokenizer'];
  if (include.includes('model')) {
    files['config.json'] = await get('config.json');
    const choice = chooseWeights(info.files, subfolder);
    if (choice.kind === 'pickle') {
      const prs = offline
        ? []
        : await pullRequestsWith(connection, repo, inSubfolder(subfolder, 'model.safetensors'));
      throw new HubError({
        repo,
        file: choice.file,
        reason: 'unsupported',
        message: pickleMessage(repo, prs),
      });
    }
    if (choice.kind === 'none')
      throw new HubError({
        repo,
        reason: 'notFound',
        message: 'has no model.safetensors nor model.safetensors.index.json at this revision',
      });
    if (choice.kind === 'single') weights.push('model.safetensors');
    else {
      const index = await get('model.safetensors.index.json');
      files['model.safetensors.index.json'] = index;
      const shards = shardNames(new TextDecoder().decode(index));
      if (typeof shards === 'string')
        throw new HubError({ repo, file: choice.index, reason: 'network', message: shards });
      weights.push(...shards);
    }
    for (const name of weights) files[name] = await get(name);
  }
  if (include.includes('tokenizer'))
    for (const name of tokenizerFileNames)
      if (info.files.includes(inSubfolder(subfolder, name))) files[name] = await get(name);
  return { commit: info.commit, files, weights };
}

/**
 * Any files of a Hub repo over `fetch`, kept in the Cache API: the browser counterpart of
 * `resolvePretrainedFolder` of `@icd/hub/node`, for loaders that take files (`promptModelFromFiles`,
 * `headCoderFromFiles`). The repo's files (relative to `subfolder`) that match `allowPatterns` (fnmatch,
 * default all) and none of `ignorePatterns` (default {@link defaultIgnorePatterns}: pickles and other
 * frameworks' weights), plus every `required` file, which must exist. Cache-first, as transformers.js: a
 * cached revision is not asked for again (pass a commit hash, or clear the cache, to see a new commit).
 *
 * @throws HubError `notFound` (`notCached` offline) naming a missing `required` file, and as
 * {@link fetchPretrainedFiles}; InvalidArgumentError for bad patterns.
 * @example
 * ```ts
 * import { fetchRepoFiles } from '@icd/hub';
 * const { files } = await fetchRepoFiles('my-org/cardiology-prompt', { allowPatterns: ['prompt.*', 'plm/'] });
 * const model = await promptModelFromFiles(files);
 * ```
 */
export async function fetchRepoFiles(
  repo: string,
  options: FetchHubOptions & {
    readonly allowPatterns?: readonly string[];
    readonly ignorePatterns?: readonly string[];
    readonly required?: readonly string[];
  } = {},
): Promise<{ readonly commit: string; readonly files: Readonly<Record<string, Uint8Array>> }> {
  const patterns = (name: string, value: unknown): readonly string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || p === ''))
      invalidArgument('fetchRepoFiles', `options.${name}`, 'an array of non-empty strings', value);
    return value as string[];
  };
  const allow = patterns('allowPatterns', options.allowPatterns);
  const ignore = patterns('ignorePatterns', options.ignorePatterns) ?? defaultIgnorePatterns;
  const required = patterns('required', options.required) ?? [];
  const { info, offline, get } = await openRevision('fetchRepoFiles', repo, options);
  const { subfolder } = options;
  const prefix = subfolder ? `${subfolder.replace(/\/+$/, '')}/` : '';
  const inside = info.files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
  for (const path of required)
    if (!inside.includes(path))
      throw new HubError({
        repo,
        file: inSubfolder(subfolder, path),
        reason: offline ? 'notCached' : 'notFound',
        message: 'is not in the repo at this revision (check the id, revision and subfolder)',
      });
  const files: Record<string, Uint8Array> = {};
  for (const path of inside)
    if (
      required.includes(path) ||
      ((allow === undefined || allow.some((p) => matchesPattern(path, p))) &&
        !ignore.some((p) => matchesPattern(path, p)))
    )
      files[path] = await get(path);
  return { commit: info.commit, files };
}
