import { CheckpointError, invalidArgument } from '@icd/core';
import { type FetchHubOptions, fetchPretrainedFiles } from '@icd/hub';
import type { PretrainedOptions } from './assemble-pretrained.js';

/**
 * Options of the main entry's `BertModel.fromPretrained(repo)` / `BertForMaskedLM.fromPretrained(repo)`
 * (over `fetch`, files in the Cache API): the checkpoint options, and where from (`revision`, `token`,
 * `localFilesOnly`, `endpoint`, `subfolder`, `fetch`, `cache`; see `@icd/hub`).
 *
 * @example
 * ```ts
 * const options: FetchPretrainedOptions = { revision: 'main', cache: await caches.open('my-models') };
 * ```
 */
export interface FetchPretrainedOptions extends PretrainedOptions, FetchHubOptions {}

/** @internal `config.json` and the safetensors bytes (one file or every shard) of a Hub repo. */
export async function fetchPretrainedWeights(
  fn: string,
  repo: string,
  options: FetchPretrainedOptions,
): Promise<{ config: Record<string, unknown>; weights: Uint8Array[] }> {
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  const { files, weights } = await fetchPretrainedFiles(repo, { ...options, include: ['model'] });
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(new TextDecoder().decode(files['config.json'])) as Record<string, unknown>;
  } catch (cause) {
    // As the Node entry does for a folder's config.json: a typed error that names the file.
    const file = [repo, options.subfolder, 'config.json'].filter(Boolean).join('/');
    throw new CheckpointError({ file, message: `is not valid JSON: ${(cause as Error).message}`, cause });
  }
  return { config, weights: weights.map((name) => files[name] as Uint8Array) };
}
