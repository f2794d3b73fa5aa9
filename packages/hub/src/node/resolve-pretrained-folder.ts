import { join } from 'node:path';
import { invalidArgument } from '@icd/core';
import { HubError } from '../hub-error.js';
import { inSubfolder } from '../hub-options.js';
import { defaultIgnorePatterns, matchesPattern } from '../repo-patterns.js';
import { type CacheOptions, downloadToCache } from './download-to-cache.js';
import { openSnapshot } from './repo-snapshot.js';

/**
 * Options of {@link resolvePretrainedFolder}: which files of the repo (`allowPatterns`,
 * `ignorePatterns`: fnmatch patterns as `snapshot_download`'s `allow_patterns` / `ignore_patterns` in
 * Python, relative to `subfolder`; `*` also crosses `/`, a pattern ending in `/` means the whole
 * folder), which must be there (`required`), and where from ({@link CacheOptions}).
 *
 * @example
 * ```ts
 * const options: ResolveFolderOptions = { allowPatterns: ['head-coder.json', 'head/', 'encoder/'], required: ['head-coder.json'] };
 * ```
 */
export interface ResolveFolderOptions extends CacheOptions {
  /** Files to fetch (default: all, but `ignorePatterns`). */
  readonly allowPatterns?: readonly string[];
  /** Files never to fetch (default {@link defaultIgnorePatterns}; `[]` for none). */
  readonly ignorePatterns?: readonly string[];
  /** Paths that must be in the repo (a `HubError` `notFound` / `notCached` names the first missing). */
  readonly required?: readonly string[];
}

function checkPatterns(name: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || p === ''))
    invalidArgument('resolvePretrainedFolder', `options.${name}`, 'an array of non-empty strings', value);
  return value as string[];
}

/**
 * A local folder with the files a loader needs, for anything that takes "a folder or a Hub id" (heads,
 * prompt models, the CLI's `--model`): `idOrFolder` itself (joined with `subfolder`) when such a folder
 * exists, untouched; else the Hub repo of that id, its files that match `allowPatterns` and none of
 * `ignorePatterns` downloaded into the huggingface_hub cache, returned as
 * `<cache>/models--org--name/snapshots/<commit>/<subfolder>`. Honours `revision`, `token`,
 * `localFilesOnly`, `endpoint`, `cacheDir` and `HF_HOME` / `HF_HUB_CACHE` / `HF_ENDPOINT` / `HF_TOKEN`
 * / `HF_HUB_OFFLINE` (offline: no request; the snapshot's cached files). For a BERT model folder
 * (config, safetensors weights or shards, pickle refusal) use `pretrainedFolder`.
 *
 * @throws HubError `notFound` / `notCached` when a `required` file is missing, and those of
 * `downloadToCache`; InvalidArgumentError for bad options; CheckpointError when `idOrFolder` is
 * neither a folder nor an id.
 * @example
 * ```ts
 * import { resolvePretrainedFolder } from '@icd/hub/node';
 * const dir = await resolvePretrainedFolder('my-org/codiesp-laat', { required: ['head-coder.json'] });
 * const coder = await loadHeadCoder(dir);
 * ```
 */
export async function resolvePretrainedFolder(
  idOrFolder: string,
  options: ResolveFolderOptions = {},
): Promise<string> {
  const allow = checkPatterns('allowPatterns', options.allowPatterns);
  const ignore = checkPatterns('ignorePatterns', options.ignorePatterns) ?? defaultIgnorePatterns;
  const required = checkPatterns('required', options.required) ?? [];
  const snapshot = await openSnapshot('resolvePretrainedFolder', idOrFolder, options);
  if ('folder' in snapshot) return snapshot.folder;
  const { repo, commit, files, storage, settings } = snapshot;
  const { subfolder } = options;
  const prefix = subfolder ? `${subfolder.replace(/\/+$/, '')}/` : '';
  const inside = files.filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length));
  for (const path of required)
    if (!inside.includes(path))
      throw new HubError({
        repo,
        file: inSubfolder(subfolder, path),
        reason: settings.offline ? 'notCached' : 'notFound',
        message: settings.offline
          ? `is not in the cached snapshot ${commit} (offline): load it once online`
          : 'is not in the repo at this revision (check the id, revision and subfolder)',
      });
  const wanted = inside.filter(
    (path) =>
      required.includes(path) ||
      ((allow === undefined || allow.some((p) => matchesPattern(path, p))) &&
        !ignore.some((p) => matchesPattern(path, p))),
  );
  const fileOptions = { ...options, revision: commit, localFilesOnly: settings.offline };
  for (const path of wanted) await downloadToCache(repo, inSubfolder(subfolder, path), fileOptions);
  return join(storage, 'snapshots', commit, subfolder ?? '');
}
