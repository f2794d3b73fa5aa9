import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { HubError } from '../hub-error.js';
import { inSubfolder, isHubId } from '../hub-options.js';
import { fetchRevisionInfo, pullRequestsWith } from '../revision-info.js';
import { chooseWeights, pickleMessage, shardNames, tokenizerFileNames } from '../weight-files.js';
import { repoCacheFolder } from './cache-layout.js';
import {
  type CacheOptions,
  cachedCommit,
  downloadToCache,
  settingsOf,
  writeRef,
} from './download-to-cache.js';

/**
 * Options of {@link pretrainedFolder}: what to fetch (`include`: `'model'` for `config.json` and the
 * safetensors weights, `'tokenizer'` for the tokenizer files the repo has), and where from
 * ({@link CacheOptions}).
 *
 * @example
 * ```ts
 * const options: PretrainedFolderOptions = { include: ['model', 'tokenizer'], revision: 'main' };
 * ```
 */
export interface PretrainedFolderOptions extends CacheOptions {
  /** What to fetch (default `['model', 'tokenizer']`). */
  readonly include?: readonly ('model' | 'tokenizer')[];
}

async function listSnapshot(folder: string, prefix = ''): Promise<string[]> {
  if (!existsSync(folder)) return [];
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listSnapshot(join(folder, entry.name), path)));
    else out.push(path);
  }
  return out;
}

/**
 * A local folder with a model's files, for the folder loaders (`fromPretrained(dir)`,
 * `loadTokenizer(dir)`): `idOrFolder` itself (joined with `subfolder`) when such a folder exists, else
 * the Hub repo of that id, downloaded into the huggingface_hub cache (only the files asked for:
 * `config.json`, `model.safetensors` or every shard of `model.safetensors.index.json`, tokenizer files)
 * and returned as `snapshots/<commit>/<subfolder>`. Offline it resolves the revision from `refs/` and
 * makes no request. Repos with only `pytorch_model.bin` are refused (never unpickled), naming a
 * `refs/pr/N` safetensors revision when the Hub has one. This is the one call for a package that takes
 * "a folder or a Hub id".
 *
 * @throws HubError (see {@link downloadToCache}); InvalidArgumentError when `idOrFolder` is neither.
 * @example
 * ```ts
 * import { pretrainedFolder } from '@icd/hub/node';
 * const dir = await pretrainedFolder('emilyalsentzer/Bio_ClinicalBERT', { include: ['model', 'tokenizer'] });
 * // then BertForMaskedLM.fromPretrained(dir) or loadTokenizer(dir)
 * ```
 */
export async function pretrainedFolder(
  idOrFolder: string,
  options: PretrainedFolderOptions = {},
): Promise<string> {
  if (typeof idOrFolder !== 'string' || idOrFolder === '')
    invalidArgument('pretrainedFolder', 'idOrFolder', 'a folder path or a Hub model id', idOrFolder);
  const { subfolder } = options;
  if (existsSync(idOrFolder)) {
    const folder = subfolder ? join(idOrFolder, subfolder) : idOrFolder;
    if (!statSync(folder).isDirectory())
      throw new CheckpointError({ file: folder, message: 'is not a folder' });
    return folder;
  }
  if (!isHubId(idOrFolder))
    throw new CheckpointError({
      file: idOrFolder,
      message: 'is neither an existing folder nor a Hub model id ("org/name")',
    });
  const repo = idOrFolder;
  const settings = settingsOf(options);
  const storage = repoCacheFolder(settings.cacheDir, repo);
  let commit: string | undefined;
  let files: readonly string[];
  if (settings.offline) {
    commit = await cachedCommit(storage, settings.revision);
    if (commit === undefined)
      throw new HubError({
        repo,
        reason: 'notCached',
        message: `revision "${settings.revision}" is not in the cache ${settings.cacheDir}, and the network is off (localFilesOnly or HF_HUB_OFFLINE): load it once online`,
      });
    files = await listSnapshot(join(storage, 'snapshots', commit));
  } else {
    try {
      const info = await fetchRevisionInfo(settings.connection, repo, settings.revision);
      commit = info.commit;
      files = info.files;
      await writeRef(storage, settings.revision, commit);
    } catch (error) {
      // No answer at all: fall back to the cache, as huggingface_hub does when the Hub is unreachable.
      const cached = await cachedCommit(storage, settings.revision);
      if (!HubError.isInstance(error) || error.reason !== 'network' || error.status !== undefined || !cached)
        throw error;
      return pretrainedFolder(idOrFolder, { ...options, localFilesOnly: true });
    }
  }
  const wanted: string[] = [];
  const include = options.include ?? ['model', 'tokenizer'];
  if (include.includes('model')) {
    const config = inSubfolder(subfolder, 'config.json');
    if (!files.includes(config))
      throw new HubError({
        repo,
        file: config,
        reason: settings.offline ? 'notCached' : 'notFound',
        message: 'is not in the repo at this revision (a model repo has one; check subfolder)',
      });
    wanted.push(config);
    const weights = chooseWeights(files, subfolder);
    if (weights.kind === 'pickle') {
      const prs = settings.offline
        ? []
        : await pullRequestsWith(settings.connection, repo, inSubfolder(subfolder, 'model.safetensors'));
      throw new HubError({
        repo,
        file: weights.file,
        reason: 'unsupported',
        message: pickleMessage(repo, prs),
      });
    }
    if (weights.kind === 'none')
      throw new HubError({
        repo,
        reason: settings.offline ? 'notCached' : 'notFound',
        message: `has no model.safetensors nor model.safetensors.index.json${subfolder ? ` in ${subfolder}/` : ''} at this revision`,
      });
    if (weights.kind === 'single') wanted.push(weights.file);
    else {
      const indexPath = await downloadToCache(repo, weights.index, { ...options, revision: commit });
      const shards = shardNames(await readFile(indexPath, 'utf8'));
      if (typeof shards === 'string') throw new CheckpointError({ file: indexPath, message: shards });
      wanted.push(...shards.map((shard) => inSubfolder(subfolder, shard)));
    }
  }
  if (include.includes('tokenizer'))
    for (const name of tokenizerFileNames)
      if (files.includes(inSubfolder(subfolder, name))) wanted.push(inSubfolder(subfolder, name));
  for (const path of wanted) await downloadToCache(repo, path, { ...options, revision: commit });
  return join(storage, 'snapshots', commit, subfolder ?? '');
}
