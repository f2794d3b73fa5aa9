import { DataFormatError, invalidArgument } from '@icd/core';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { partsFromJson } from './parts-from-json.js';
import { Tokenizer } from './tokenizer.js';
import { readTokenizerConfig, type TokenizerConfigJson } from './tokenizer-config.js';
import type { TokenizerJson } from './tokenizer-parts.js';

/**
 * The contents of a model folder's tokenizer files, as text, bytes (UTF-8) or parsed JSON: what
 * {@link tokenizerFromFiles} reads in a browser, a worker or anywhere without a file system.
 *
 * @example
 * ```ts
 * const files: TokenizerFiles = {
 *   tokenizerJson: await (await fetch('/model/tokenizer.json')).text(),
 *   tokenizerConfig: await (await fetch('/model/tokenizer_config.json')).json(),
 * };
 * ```
 */
export interface TokenizerFiles {
  /** `tokenizer.json`; used when present. */
  readonly tokenizerJson?: string | Uint8Array | TokenizerJson | null;
  /** `vocab.txt`; used when there is no `tokenizer.json`. */
  readonly vocab?: string | Uint8Array | null;
  /** `tokenizer_config.json` (optional). */
  readonly tokenizerConfig?: string | Uint8Array | TokenizerConfigJson | null;
}

function text(value: string | Uint8Array, file: string): string {
  if (typeof value === 'string') return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch (cause) {
    throw new DataFormatError({ file, message: 'is not valid UTF-8', cause });
  }
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function parseConfig(value: TokenizerFiles['tokenizerConfig']): unknown {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string' && !isBytes(value)) return value;
  try {
    return JSON.parse(text(value, 'tokenizer_config.json'));
  } catch (cause) {
    if (DataFormatError.isInstance(cause)) throw cause;
    throw new DataFormatError({ file: 'tokenizer_config.json', message: 'is not valid JSON', cause });
  }
}

/**
 * A tokenizer from the contents of its files, as transformers' `BertTokenizerFast.from_pretrained` reads
 * a folder: `tokenizer.json` when given, else `vocab.txt`; `tokenizer_config.json` supplies the
 * special-token names, `clean_up_tokenization_spaces` (default true, as `BertTokenizer`) and, where it
 * sets them, `do_lower_case` / `strip_accents` / `tokenize_chinese_chars` (which win over the
 * `tokenizer.json` normalizer, as in transformers), plus `never_split` for `vocab.txt`. Browser-safe:
 * `loadTokenizer(dir)` of `@icd/tokenizer/node` reads the files and calls this.
 *
 * @throws DataFormatError naming the file and field for malformed contents; InvalidArgumentError when
 * neither `tokenizerJson` nor `vocab` is given.
 * @example
 * ```ts
 * const tokenizer = tokenizerFromFiles({
 *   tokenizerJson: new Uint8Array(await (await fetch('/bert/tokenizer.json')).arrayBuffer()),
 *   tokenizerConfig: await (await fetch('/bert/tokenizer_config.json')).text(),
 * });
 * tokenizer.decode(tokenizer.encode("you should've done this").ids, { skipSpecialTokens: true });
 * // "you should've done this"
 * ```
 */
export function tokenizerFromFiles(files: TokenizerFiles): Tokenizer {
  if (files === null || typeof files !== 'object')
    invalidArgument('tokenizerFromFiles', 'files', 'an object of file contents', files);
  const config = readTokenizerConfig(parseConfig(files.tokenizerConfig));
  const cleanUpTokenizationSpaces = config.cleanUpTokenizationSpaces ?? true;
  const { tokenizerJson, vocab } = files;
  if (tokenizerJson !== undefined && tokenizerJson !== null) {
    const source =
      typeof tokenizerJson === 'string' || isBytes(tokenizerJson)
        ? text(tokenizerJson, 'tokenizer.json')
        : tokenizerJson;
    const parts = partsFromJson(source, config.specialTokens);
    let normalizer = parts.normalizer;
    const { lowercase, stripAccents, handleChineseChars } = config;
    if (
      normalizer instanceof BertNormalizer &&
      ((lowercase !== undefined && lowercase !== normalizer.lowercase) ||
        (stripAccents !== undefined && stripAccents !== normalizer.stripAccents) ||
        (handleChineseChars !== undefined && handleChineseChars !== normalizer.handleChineseChars))
    ) {
      normalizer = new BertNormalizer({
        cleanText: normalizer.cleanText,
        lowercase: lowercase ?? normalizer.lowercase,
        stripAccents: stripAccents ?? normalizer.stripAccents,
        handleChineseChars: handleChineseChars ?? normalizer.handleChineseChars,
      });
    }
    return new Tokenizer({ ...parts, normalizer, cleanUpTokenizationSpaces });
  }
  if (vocab !== undefined && vocab !== null) {
    if (typeof vocab !== 'string' && !isBytes(vocab))
      invalidArgument('tokenizerFromFiles', 'files.vocab', 'the text or bytes of vocab.txt', vocab);
    return Tokenizer.fromVocab(text(vocab, 'vocab.txt'), {
      lowercase: config.lowercase ?? true,
      stripAccents: config.stripAccents,
      handleChineseChars: config.handleChineseChars ?? true,
      neverSplit: [...(config.neverSplit ?? []), ...config.addedTokens],
      additionalSpecialTokens: config.additionalSpecialTokens,
      specialTokens: config.specialTokens,
      cleanUpTokenizationSpaces,
    });
  }
  return invalidArgument('tokenizerFromFiles', 'files', 'an object with tokenizerJson or vocab', files);
}
