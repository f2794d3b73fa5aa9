import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';

/**
 * Options of {@link readFolderFiles}.
 *
 * @example
 * ```ts
 * const options: ReadFolderFilesOptions = { include: (name) => !name.endsWith('.onnx') };
 * ```
 */
export interface ReadFolderFilesOptions {
  /** Which files to read, by `/`-separated path relative to the folder (default: every file). */
  readonly include?: (name: string) => boolean;
}

/** Files read as UTF-8 text; everything else (safetensors, ONNX, pickles) is bytes. */
const TEXT_FILE = /\.(json|jsonl|txt|md|yaml|yml|csv|tsv)$/i;

/**
 * Every file under `directory` (sub-folders included), by `/`-separated relative path: configs,
 * vocabularies and model cards as strings, weights as bytes — the `files` record that the browser-safe
 * `...FromFiles` loaders of @icd/bert, @icd/prompt, @icd/heads and @icd/pipeline take. Symbolic links
 * are followed, since a huggingface_hub cache snapshot links each file to a blob.
 *
 * @example
 * ```ts
 * const folder = await resolvePretrainedFolder('org/name');
 * const files = await readFolderFiles(folder); // { 'config.json': '{…}', 'model.safetensors': Uint8Array }
 * ```
 */
export async function readFolderFiles(
  directory: string,
  options: ReadFolderFilesOptions = {},
): Promise<Record<string, string | Uint8Array>> {
  const fn = 'readFolderFiles';
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument(fn, 'directory', 'a folder path', directory);
  if (options === null || typeof options !== 'object')
    invalidArgument(fn, 'options', 'an options object', options);
  if (options.include !== undefined && typeof options.include !== 'function')
    invalidArgument(fn, 'options.include', 'a function of the relative path', options.include);
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new CheckpointError({ file: directory, message: 'is not a folder' });
  const files: Record<string, string | Uint8Array> = {};
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const kind = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
      if (kind === undefined) continue; // a dangling link: nothing to read
      if (kind.isDirectory()) await walk(path);
      else if (kind.isFile()) {
        const name = relative(directory, path).split(sep).join('/');
        if (options.include && !options.include(name)) continue;
        files[name] = TEXT_FILE.test(name)
          ? await readFile(path, 'utf8')
          : new Uint8Array(await readFile(path));
      }
    }
  };
  await walk(directory);
  return files;
}
