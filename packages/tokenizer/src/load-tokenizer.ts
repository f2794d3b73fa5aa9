import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, invalidArgument, type SpecialTokens } from '@icd/core';
import { Tokenizer } from './tokenizer.js';

interface TokenizerConfig {
  do_lower_case?: boolean;
  strip_accents?: boolean | null;
  tokenize_chinese_chars?: boolean;
  never_split?: string[] | null;
  unk_token?: unknown;
  cls_token?: unknown;
  sep_token?: unknown;
  pad_token?: unknown;
  mask_token?: unknown;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CheckpointError({ file, message: 'cannot be read as JSON', cause });
  }
}

// tokenizer_config.json writes special tokens as strings or as {"content": ...} objects.
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { content?: unknown }).content === 'string'
  ) {
    return (value as { content: string }).content;
  }
  return undefined;
}

/**
 * Loads a tokenizer from a model folder: `tokenizer.json` when present (with the special-token names of
 * `tokenizer_config.json`), else `vocab.txt` + `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
 * `tokenize_chinese_chars`, `never_split`, special tokens) as `BertTokenizerFast` does. The only function
 * of this package that touches the file system.
 *
 * @throws CheckpointError when neither file is there or one is malformed.
 * @example
 * ```ts
 * const tokenizer = loadTokenizer('../shared/models/bert-base-uncased');
 * ```
 */
export function loadTokenizer(dir: string): Tokenizer {
  if (typeof dir !== 'string' || dir === '') invalidArgument('loadTokenizer', 'dir', 'a folder path', dir);
  const configFile = join(dir, 'tokenizer_config.json');
  const config = (existsSync(configFile) ? readJson(configFile) : {}) as TokenizerConfig;
  const specialTokens: { -readonly [K in keyof SpecialTokens]?: string } = {};
  for (const key of ['unk', 'cls', 'sep', 'pad', 'mask'] as const) {
    const name = tokenName(config[`${key}_token`]);
    if (name !== undefined) specialTokens[key] = name;
  }
  const jsonFile = join(dir, 'tokenizer.json');
  if (existsSync(jsonFile)) {
    try {
      return Tokenizer.fromJSON(readFileSync(jsonFile, 'utf8'), { specialTokens });
    } catch (cause) {
      throw new CheckpointError({ file: jsonFile, message: (cause as Error).message, cause });
    }
  }
  const vocabFile = join(dir, 'vocab.txt');
  if (!existsSync(vocabFile)) {
    throw new CheckpointError({ file: dir, message: 'has neither tokenizer.json nor vocab.txt' });
  }
  try {
    return Tokenizer.fromVocab(readFileSync(vocabFile, 'utf8'), {
      lowercase: config.do_lower_case ?? true,
      stripAccents: config.strip_accents ?? undefined,
      handleChineseChars: config.tokenize_chinese_chars ?? true,
      neverSplit: config.never_split ?? [],
      specialTokens,
    });
  } catch (cause) {
    throw new CheckpointError({ file: vocabFile, message: (cause as Error).message, cause });
  }
}
