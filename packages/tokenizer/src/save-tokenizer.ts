import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import type { Tokenizer } from './tokenizer.js';
import { tokenizerFileContents } from './tokenizer-file-contents.js';

/**
 * Writes {@link tokenizerFileContents} to a model folder (created when missing) as transformers' `save_pretrained` lays it
 * out; {@link loadTokenizer} and `AutoTokenizer.from_pretrained` read it back with the same casing.
 * Node only (`@icd/tokenizer/node`).
 *
 * @throws CheckpointError naming the file that cannot be written.
 * @example
 * ```ts
 * import { loadTokenizer, saveTokenizer } from '@icd/tokenizer/node';
 * saveTokenizer(tokenizer, 'checkpoints/cased');
 * loadTokenizer('checkpoints/cased').encode('Chest').tokens; // ['[CLS]', 'Chest', '[SEP]']
 * ```
 */
export function saveTokenizer(tokenizer: Tokenizer, dir: string): string[] {
  if (typeof dir !== 'string' || dir === '') invalidArgument('saveTokenizer', 'dir', 'a folder path', dir);
  const files = tokenizerFileContents(tokenizer);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new CheckpointError({
      file: dir,
      message: `cannot be created (${(cause as Error).message})`,
      cause,
    });
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    try {
      writeFileSync(file, content);
    } catch (cause) {
      throw new CheckpointError({ file, message: `cannot be written (${(cause as Error).message})`, cause });
    }
    written.push(file);
  }
  return written;
}
