import { join } from 'node:path';

/**
 * The folder of a model repo in a huggingface_hub cache: `models--org--name` with `blobs/` (files named
 * by ETag: the sha256 for LFS files, the git blob id otherwise), `snapshots/<commit>/<path>` (relative
 * symlinks to the blobs), `refs/<revision>` (the commit, no newline) and `.no_exist/<commit>/<path>`
 * (files known to be absent).
 *
 * @example
 * ```ts
 * repoCacheFolder('/home/me/.cache/huggingface/hub', 'google-bert/bert-base-uncased');
 * // '/home/me/.cache/huggingface/hub/models--google-bert--bert-base-uncased'
 * ```
 */
export function repoCacheFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`);
}
