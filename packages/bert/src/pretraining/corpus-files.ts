import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertFiniteNumber, assertInteger, DataFormatError, invalidArgument } from '@icd/core';

/**
 * Options of {@link listCorpusFiles}.
 *
 * @example
 * ```ts
 * const options: ListCorpusFilesOptions = { extensions: ['.txt'] };
 * const files = await listCorpusFiles(['corpus/'], options);
 * ```
 */
export interface ListCorpusFilesOptions {
  /** File name endings to keep when walking a directory (files named directly are always kept). Default `['.txt']`. */
  readonly extensions?: readonly string[];
}

/**
 * Lists the text files of a corpus: each path is a file or a directory walked recursively. The result is
 * sorted by path, so the file order (and thus a seeded shuffle of it) is the same on every machine.
 *
 * @example
 * ```ts
 * const files = await listCorpusFiles(['../shared/data/codiesp/background/text_files_en']);
 * ```
 */
export async function listCorpusFiles(
  paths: readonly string[],
  options: ListCorpusFilesOptions = {},
): Promise<string[]> {
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((path) => typeof path !== 'string')) {
    invalidArgument('listCorpusFiles', 'paths', 'a non-empty array of file or directory paths', paths);
  }
  const extensions = options.extensions ?? ['.txt'];
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && extensions.some((ending) => entry.name.endsWith(ending))) files.push(path);
    }
  };
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch((cause: unknown) => {
      throw new DataFormatError({
        message: 'corpus path does not exist or cannot be read',
        file: absolute,
        cause,
      });
    });
    if (info.isDirectory()) await walk(absolute);
    else files.push(absolute);
  }
  if (files.length === 0) {
    throw new DataFormatError({
      message: `no corpus files ending in ${extensions.join(' or ')} under ${paths.join(', ')}`,
    });
  }
  return [...new Set(files)].sort();
}

/**
 * Options of {@link splitCorpusFiles}.
 *
 * @example
 * ```ts
 * const options: SplitCorpusFilesOptions = { heldOutFraction: 0.05, seed: 1 };
 * const { train, heldOut } = splitCorpusFiles(files, options);
 * ```
 */
export interface SplitCorpusFilesOptions {
  /** Share of files held out for evaluation, in (0, 1). */
  readonly heldOutFraction: number;
  /** Seed of the hash that assigns files. Default 0. */
  readonly seed?: number;
}

/**
 * Splits corpus files into a training and a held-out set BY FILE, so no document contributes to both.
 * Each file goes to the held-out set when a seeded FNV-1a hash of its base name falls below
 * `heldOutFraction`; the assignment of a file never changes when other files are added (unlike a shuffle).
 *
 * @example
 * ```ts
 * const { train, heldOut } = splitCorpusFiles(files, { heldOutFraction: 0.05, seed: 1 });
 * ```
 */
export function splitCorpusFiles(
  files: readonly string[],
  options: SplitCorpusFilesOptions,
): { train: string[]; heldOut: string[] } {
  if (!Array.isArray(files)) invalidArgument('splitCorpusFiles', 'files', 'an array of paths', files);
  assertFiniteNumber('splitCorpusFiles', 'heldOutFraction', options?.heldOutFraction, { min: 0, max: 1 });
  const seed = options.seed ?? 0;
  assertInteger('splitCorpusFiles', 'seed', seed, { min: 0, max: 2 ** 32 - 1 });
  const train: string[] = [];
  const heldOut: string[] = [];
  for (const file of files) {
    const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    (hashUnit(name, seed) < options.heldOutFraction ? heldOut : train).push(file);
  }
  return { train, heldOut };
}

/** FNV-1a over UTF-16 code units, mixed with the seed, mapped to [0, 1). */
function hashUnit(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  // Final avalanche so that names differing in the last character spread over the interval.
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 12), 0x297a2d39) >>> 0;
  return ((hash ^ (hash >>> 15)) >>> 0) / 4294967296;
}
