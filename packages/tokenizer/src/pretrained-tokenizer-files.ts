import { CheckpointError, DataFormatError, IcdError, UnsupportedError } from '@icd/core';
import type { Tokenizer } from './tokenizer.js';
import { readTokenizerConfig, type TokenizerConfigJson } from './tokenizer-config.js';
import { tokenizerFromFiles } from './tokenizer-from-files.js';

/** @internal The tokenizer files of a model folder or Hub repo, by name (absent: not there). */
export type PretrainedTokenizerFiles = Readonly<Partial<Record<TokenizerFileName, Uint8Array>>>;

/** @internal The tokenizer files a model folder may have, all optional (`@icd/hub` fetches the same). */
export const pretrainedTokenizerFileNames = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'special_tokens_map.json',
] as const;

/** @internal */
export type TokenizerFileName = (typeof pretrainedTokenizerFileNames)[number];

// transformers classes whose vocab.txt tokenizer is BERT's WordPiece with BERT's basic tokenizer.
const wordPieceClasses =
  /^(Bert|DistilBert|Electra|MobileBert|SqueezeBert|RetriBert|ConvBert|LayoutLM|Lxmert)Tokenizer(Fast)?$/;

function parseJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new DataFormatError({ file, message: 'is not valid UTF-8 JSON', cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new DataFormatError({ file, message: 'must be a JSON object' });
  return value as Record<string, unknown>;
}

/**
 * @internal A tokenizer as transformers' `AutoTokenizer.from_pretrained` builds a BERT one from a folder:
 * `tokenizer.json` when present, else `vocab.txt` with `BertTokenizer`'s defaults (`do_lower_case`
 * true, `tokenize_chinese_chars` true, `strip_accents` following the lower-casing); the special tokens
 * of `tokenizer_config.json`, overridden by `special_tokens_map.json` as transformers does. A
 * `tokenizer_class` that is not a WordPiece BERT tokenizer, without `tokenizer.json`, is refused.
 * Errors name `where/<file>`.
 */
export function tokenizerFromPretrainedFiles(files: PretrainedTokenizerFiles, where: string): Tokenizer {
  const path = (name: string) => `${where.replace(/\/+$/, '')}/${name}`;
  const tokenizerJson = files['tokenizer.json'];
  const vocab = tokenizerJson === undefined ? files['vocab.txt'] : undefined;
  if (tokenizerJson === undefined && vocab === undefined)
    throw new CheckpointError({
      file: where,
      message:
        'has neither tokenizer.json nor vocab.txt (is it a BERT model? pass the repo or subfolder that has them)',
    });
  try {
    const configBytes = files['tokenizer_config.json'];
    const config = configBytes === undefined ? {} : parseJson(configBytes, 'tokenizer_config.json');
    const mapBytes = files['special_tokens_map.json'];
    if (mapBytes !== undefined) {
      const map = parseJson(mapBytes, 'special_tokens_map.json');
      readTokenizerConfig(map, 'special_tokens_map.json'); // its token fields, checked under its name
      for (const key of ['unk_token', 'cls_token', 'sep_token', 'pad_token', 'mask_token'])
        if (map[key] !== undefined && map[key] !== null) config[key] = map[key];
      // transformers takes the union of both files' additional_special_tokens.
      if (Array.isArray(map.additional_special_tokens))
        config.additional_special_tokens = [
          ...(Array.isArray(config.additional_special_tokens) ? config.additional_special_tokens : []),
          ...map.additional_special_tokens,
        ];
    }
    const tokenizerClass = config.tokenizer_class;
    if (
      tokenizerJson === undefined &&
      typeof tokenizerClass === 'string' &&
      !wordPieceClasses.test(tokenizerClass)
    )
      throw new UnsupportedError({
        feature: `tokenizer_class ${tokenizerClass}`,
        message: `${path('tokenizer_config.json')}: tokenizer_class ${JSON.stringify(tokenizerClass)} is not a BERT WordPiece tokenizer, and there is no tokenizer.json to build it from`,
      });
    // BertTokenizer without its basic tokenizer (whitespace, punctuation, casing): WordPiece only.
    if (tokenizerJson === undefined && config.do_basic_tokenize === false)
      throw new UnsupportedError({
        feature: 'do_basic_tokenize: false',
        message: `${path('tokenizer_config.json')}: do_basic_tokenize false (WordPiece without BERT's basic tokenizer) is not supported without a tokenizer.json`,
      });
    return tokenizerFromFiles({ tokenizerJson, vocab, tokenizerConfig: config as TokenizerConfigJson });
  } catch (cause) {
    if (!IcdError.isInstance(cause) || UnsupportedError.isInstance(cause)) throw cause;
    const reported = DataFormatError.isInstance(cause) ? cause.file : undefined;
    const file = reported ?? (tokenizerJson === undefined ? 'vocab.txt' : 'tokenizer.json');
    let message = (cause as Error).message;
    if (reported !== undefined && message.startsWith(`${reported}: `))
      message = message.slice(reported.length + 2);
    throw new CheckpointError({ file: path(file), message, cause });
  }
}
