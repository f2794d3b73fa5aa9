import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { type CacheOptions, isHubId, readFolderFiles, resolvePretrainedFolder } from '@icd/hub/node';
import { HeadCoder as BrowserHeadCoder } from '../coder/head-coder.js';
import {
  type HeadCoderFilesOptions,
  type HeadCoderLoadOptions,
  headCoderFiles,
  headCoderFromFiles,
} from './head-coder-files.js';

/**
 * Writes a head coder to `directory` (created if needed): `head-coder.json`, `head/config.json`,
 * `head/model.safetensors` and `encoder/` (see `headCoderFiles`).
 *
 * @example
 * ```ts
 * await saveHeadCoder(coder, 'models/codiesp-laat');
 * ```
 */
export async function saveHeadCoder(
  coder: BrowserHeadCoder,
  directory: string,
  options: HeadCoderFilesOptions = {},
): Promise<void> {
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument('saveHeadCoder', 'directory', 'a folder path', directory);
  const files = await headCoderFiles(coder, options);
  for (const [name, content] of Object.entries(files)) {
    const path = join(directory, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/**
 * Loads a folder written by {@link saveHeadCoder} (validated as `headCoderFromFiles` does).
 *
 * @example
 * ```ts
 * const coder = await loadHeadCoder('models/codiesp-laat');
 * const [prediction] = await coder.predict([{ id: 'n1', text }]);
 * ```
 */
export async function loadHeadCoder(
  directory: string,
  options: HeadCoderLoadOptions & { readonly hub?: CacheOptions } = {},
): Promise<HeadCoder> {
  // A Hub id (`org/name` with no folder at that path): the saved coder's files from the HF cache.
  if (!existsSync(directory) && isHubId(directory))
    directory = await resolvePretrainedFolder(directory, {
      ...(options.hub ?? {}),
      required: ['head-coder.json', 'head/config.json', 'head/model.safetensors'],
    });
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory())
    throw new CheckpointError({
      file: directory,
      message: 'is not a folder (expected one written by saveHeadCoder)',
    });
  const coder = await headCoderFromFiles(
    await readFolderFiles(directory, { include: (name) => !name.endsWith('.onnx') }),
    options,
  );
  Object.setPrototypeOf(coder, HeadCoder.prototype);
  return coder as HeadCoder;
}

/**
 * `HeadCoder` with folder I/O.
 *
 * @example
 * ```ts
 * await coder.save('models/codiesp-laat');
 * const again = await HeadCoder.load('models/codiesp-laat');
 * ```
 */
export class HeadCoder extends BrowserHeadCoder {
  /** See {@link saveHeadCoder}. */
  async save(directory: string, options: HeadCoderFilesOptions = {}): Promise<void> {
    await saveHeadCoder(this, directory, options);
  }

  /** See {@link loadHeadCoder}. */
  static async load(directory: string, options: HeadCoderLoadOptions = {}): Promise<HeadCoder> {
    return loadHeadCoder(directory, options);
  }
}
