import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, DataFormatError, IcdError, invalidArgument } from '@icd/core';
import type { Tokenizer } from './tokenizer.js';
import { tokenizerFromFiles } from './tokenizer-from-files.js';

// The bytes of `file`, `undefined` when it does not exist; a folder or an unreadable file is an error.
function readIfPresent(file: string): Uint8Array | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError({ file, message: `cannot be read (${(cause as Error).message})`, cause });
  }
  if (!isFile) throw new CheckpointError({ file, message: 'is not a file' });
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new CheckpointError({ file, message: `cannot be read (${(cause as Error).message})`, cause });
  }
}

/**
 * Loads a tokenizer from a model folder: `tokenizer.json` when present, else `vocab.txt`, with
 * `tokenizer_config.json` (special-token names, casing, `never_split`, `clean_up_tokenization_spaces`) as
 * transformers' `BertTokenizerFast.from_pretrained` reads them ({@link tokenizerFromFiles} has the rules).
 * Node only (`@icd/tokenizer/node`); browsers pass the file contents to `tokenizerFromFiles`.
 *
 * @throws CheckpointError naming the file when the folder has neither file, or one is unreadable or
 * malformed.
 * @example
 * ```ts
 * import { loadTokenizer } from '@icd/tokenizer/node';
 * const tokenizer = loadTokenizer('../shared/models/bert-base-uncased');
 * ```
 */
export function loadTokenizer(dir: string): Tokenizer {
  if (typeof dir !== 'string' || dir === '') invalidArgument('loadTokenizer', 'dir', 'a folder path', dir);
  const configFile = join(dir, 'tokenizer_config.json');
  const jsonFile = join(dir, 'tokenizer.json');
  const vocabFile = join(dir, 'vocab.txt');
  const tokenizerConfig = readIfPresent(configFile);
  const tokenizerJson = readIfPresent(jsonFile);
  const vocab = tokenizerJson === undefined ? readIfPresent(vocabFile) : undefined;
  if (tokenizerJson === undefined && vocab === undefined) {
    throw new CheckpointError({ file: dir, message: 'has neither tokenizer.json nor vocab.txt' });
  }
  try {
    return tokenizerFromFiles({ tokenizerJson, vocab, tokenizerConfig });
  } catch (cause) {
    if (!IcdError.isInstance(cause)) throw cause;
    // Name the file on disk: errors that name tokenizer_config.json are the config's, the rest come from
    // the file the tokenizer was built from.
    const reported = DataFormatError.isInstance(cause) ? cause.file : undefined;
    const file = reported === 'tokenizer_config.json' ? configFile : tokenizerJson ? jsonFile : vocabFile;
    let message = (cause as Error).message;
    if (reported !== undefined && message.startsWith(`${reported}: `))
      message = message.slice(reported.length + 2);
    throw new CheckpointError({ file, message, cause });
  }
}
