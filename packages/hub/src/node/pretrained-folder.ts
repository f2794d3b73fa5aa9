import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { HubError } from '../hub-error.js';
import { inSubfolder } from '../hub-options.js';
import { pullRequestsWith } from '../revision-info.js';
import { chooseWeights, pickleMessage, shardNames, tokenizerFileNames } from '../weight-files.js';
import { type CacheOptions, downloadToCache } from './download-to-cache.js';
import { openSnapshot } from './repo-snapshot.js';

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
  const include = options.include ?? ['model', 'tokenizer'];
  if (!Array.isArray(include) || include.some((part) => part !== 'model' && part !== 'tokenizer'))
    invalidArgument('pretrainedFolder', 'options.include', "an array of 'model' and 'tokenizer'", include);
  const snapshot = await openSnapshot('pretrainedFolder', idOrFolder, options);
  if ('folder' in snapshot) return snapshot.folder;
  const { repo, commit, files, storage, settings } = snapshot;
  const { subfolder } = options;
  const fileOptions = { ...options, revision: commit, localFilesOnly: settings.offline };
  const wanted: string[] = [];
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
      const indexPath = await downloadToCache(repo, weights.index, fileOptions);
      const shards = shardNames(await readFile(indexPath, 'utf8'));
      if (typeof shards === 'string') throw new CheckpointError({ file: indexPath, message: shards });
      wanted.push(...shards.map((shard) => inSubfolder(subfolder, shard)));
    }
  }
  if (include.includes('tokenizer'))
    for (const name of tokenizerFileNames)
      if (files.includes(inSubfolder(subfolder, name))) wanted.push(inSubfolder(subfolder, name));
  for (const path of wanted) await downloadToCache(repo, path, fileOptions);
  return join(storage, 'snapshots', commit, subfolder ?? '');
}
