import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { HubError } from '../hub-error.js';
import { checkRepoPath, isHubId } from '../hub-options.js';
import { fetchRevisionInfo } from '../revision-info.js';
import { repoCacheFolder } from './cache-layout.js';
import { type CacheOptions, cachedCommit, type Settings, settingsOf, writeRef } from './download-to-cache.js';

/** @internal A Hub revision to fetch files of: its commit, its file list, where it is cached. */
export interface RepoSnapshot {
  readonly repo: string;
  readonly commit: string;
  readonly files: readonly string[];
  readonly storage: string;
  readonly settings: Settings;
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
 * @internal `idOrFolder` as a local folder (`{ folder }`, joined with `subfolder`) when one exists at
 * that path, else the Hub revision it names: online from the revision API (writing `refs/`), offline
 * (or with the Hub unreachable and the revision cached) from `refs/` and the files of the snapshot.
 */
export async function openSnapshot(
  fn: string,
  idOrFolder: string,
  options: CacheOptions,
): Promise<{ readonly folder: string } | RepoSnapshot> {
  if (typeof idOrFolder !== 'string' || idOrFolder === '')
    invalidArgument(fn, 'idOrFolder', 'a folder path or a Hub model id', idOrFolder);
  const { subfolder } = options;
  if (subfolder !== undefined) checkRepoPath(fn, subfolder);
  if (existsSync(idOrFolder)) {
    const folder = subfolder ? join(idOrFolder, subfolder) : idOrFolder;
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new CheckpointError({ file: folder, message: 'is not a folder' });
    return { folder };
  }
  if (!isHubId(idOrFolder))
    throw new CheckpointError({
      file: idOrFolder,
      message: 'is neither an existing folder nor a Hub model id ("org/name")',
    });
  const repo = idOrFolder;
  const settings = settingsOf(options);
  const storage = repoCacheFolder(settings.cacheDir, repo);
  const offline = async (active: Settings): Promise<RepoSnapshot> => {
    const commit = await cachedCommit(storage, active.revision);
    if (commit === undefined)
      throw new HubError({
        repo,
        reason: 'notCached',
        message: `revision "${active.revision}" is not in the cache ${active.cacheDir}, and the network is off (localFilesOnly or HF_HUB_OFFLINE): load it once online`,
      });
    const files = await listSnapshot(join(storage, 'snapshots', commit));
    return { repo, commit, files, storage, settings: active };
  };
  if (settings.offline) return offline(settings);
  try {
    const info = await fetchRevisionInfo(settings.connection, repo, settings.revision);
    await writeRef(storage, settings.revision, info.commit);
    return { repo, commit: info.commit, files: info.files, storage, settings };
  } catch (error) {
    // No answer at all: fall back to the cache, as huggingface_hub does when the Hub is unreachable.
    const cached = await cachedCommit(storage, settings.revision);
    if (!HubError.isInstance(error) || error.reason !== 'network' || error.status !== undefined || !cached)
      throw error;
    return offline({ ...settings, offline: true });
  }
}
