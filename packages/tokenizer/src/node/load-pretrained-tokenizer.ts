import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { type CacheOptions, pretrainedFolder } from '@icd/hub/node';
import {
  type PretrainedTokenizerFiles,
  pretrainedTokenizerFileNames,
  tokenizerFromPretrainedFiles,
} from '../pretrained-tokenizer-files.js';
import type { Tokenizer } from '../tokenizer.js';

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CheckpointError({
      file,
      message: code === 'EISDIR' ? 'is not a file' : `cannot be read (${(cause as Error).message})`,
      cause,
    });
  }
}

/**
 * Loads a tokenizer from a model folder or a HuggingFace Hub id (`org/name`, used when no folder exists
 * at that path), as transformers' `AutoTokenizer.from_pretrained` builds a BERT tokenizer:
 * `tokenizer.json` when present, else `vocab.txt` (older repos such as Bio_ClinicalBERT) with
 * `BertTokenizer`'s defaults (`do_lower_case` true, `tokenize_chinese_chars` true, `strip_accents`
 * following the lower-casing) and what `tokenizer_config.json` sets, special tokens from it and from
 * `special_tokens_map.json` (which wins). A Hub id fetches only the tokenizer files into the
 * huggingface_hub cache shared with Python (`revision`, `token`, `localFilesOnly`, `endpoint`,
 * `subfolder`, `cacheDir`; `HF_HOME`, `HF_HUB_CACHE`, `HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_OFFLINE`).
 *
 * @throws HubError from `@icd/hub` (`gated`, `notFound`, `notCached`, `network`, `integrity`);
 * CheckpointError naming the file when there is no tokenizer or a file is malformed; UnsupportedError
 * for a non-BERT `tokenizer_class` without `tokenizer.json`.
 * @example
 * ```ts
 * import { loadPretrainedTokenizer } from '@icd/tokenizer/node';
 * const tokenizer = await loadPretrainedTokenizer('emilyalsentzer/Bio_ClinicalBERT');
 * const local = await loadPretrainedTokenizer('../shared/models/bert-base-uncased');
 * ```
 */
export async function loadPretrainedTokenizer(
  idOrFolder: string,
  options: CacheOptions = {},
): Promise<Tokenizer> {
  if (options === null || typeof options !== 'object')
    invalidArgument('loadPretrainedTokenizer', 'options', 'an options object', options);
  const dir = await pretrainedFolder(idOrFolder, { ...options, include: ['tokenizer'] });
  const files: { -readonly [K in keyof PretrainedTokenizerFiles]: PretrainedTokenizerFiles[K] } = {};
  for (const name of pretrainedTokenizerFileNames) {
    const bytes = await readIfPresent(join(dir, name));
    if (bytes !== undefined) files[name] = bytes;
  }
  return tokenizerFromPretrainedFiles(files, dir);
}
