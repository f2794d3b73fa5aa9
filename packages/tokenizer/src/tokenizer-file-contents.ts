import { invalidArgument } from '@icd/core';
import { Tokenizer } from './tokenizer.js';

/**
 * The tokenizer files of a model folder, by name (what `saveTokenizer` of `@icd/tokenizer/node` writes): `tokenizer.json`, `tokenizer_config.json` (with the
 * casing, so transformers does not fall back to lower-casing), `special_tokens_map.json` and `vocab.txt`
 * (every id in order, added tokens included). Browser-safe: write them wherever you like.
 *
 * @example
 * ```ts
 * const files = tokenizerFileContents(tokenizer);
 * JSON.parse(files['tokenizer_config.json']).do_lower_case; // false for a cased tokenizer
 * ```
 */
export function tokenizerFileContents(tokenizer: Tokenizer): Record<string, string> {
  if (!(tokenizer instanceof Tokenizer))
    invalidArgument('tokenizerFileContents', 'tokenizer', 'a Tokenizer', tokenizer);
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) lines.push(tokenizer.idToToken(id) ?? '');
  const { unk, cls, sep, pad, mask } = tokenizer.specialTokens;
  const special = { unk_token: unk, sep_token: sep, pad_token: pad, cls_token: cls, mask_token: mask };
  return {
    'tokenizer.json': JSON.stringify(tokenizer.toJSON()),
    'tokenizer_config.json': `${JSON.stringify(tokenizer.toConfigJSON(), null, 2)}\n`,
    'special_tokens_map.json': `${JSON.stringify(special, null, 2)}\n`,
    'vocab.txt': `${lines.join('\n')}\n`,
  };
}
