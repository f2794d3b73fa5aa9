import type { TokenizerLike } from '@icd/core';
import { CheckpointError } from '@icd/core';
import type { BertConfig } from '../config/bert-config.js';

/**
 * The HuggingFace tokenizer files of any {@link TokenizerLike}: `vocab.txt` (one token per id, the
 * `BertTokenizer` format), `special_tokens_map.json`, `tokenizer_config.json`, and `tokenizer.json` when
 * the tokenizer serialises itself (`toJSON()`, as `@icd/tokenizer`'s fast-tokenizer format).
 *
 * @example
 * ```ts
 * tokenizerFiles(tokenizer, config)['vocab.txt']; // '[PAD]\n[unused0]\n...'
 * ```
 */
export function tokenizerFiles(tokenizer: TokenizerLike, config: BertConfig): Record<string, string> {
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const token = tokenizer.idToToken(id);
    if (token === undefined) {
      throw new CheckpointError({
        file: 'vocab.txt',
        message: `the tokenizer has no token for id ${id} (vocabSize ${tokenizer.vocabSize})`,
      });
    }
    lines.push(token);
  }
  const { unk, sep, pad, cls, mask } = tokenizer.specialTokens;
  const special = { unk_token: unk, sep_token: sep, pad_token: pad, cls_token: cls, mask_token: mask };
  const serializable = tokenizer as TokenizerLike & {
    toJSON?: () => unknown;
    toConfigJSON?: () => Record<string, unknown>;
  };
  // @icd/tokenizer's Tokenizer says its casing (do_lower_case, strip_accents, ...): without it transformers
  // reloads a cased tokenizer lower-cased.
  const settings = typeof serializable.toConfigJSON === 'function' ? serializable.toConfigJSON() : {};
  const files: Record<string, string> = {
    'vocab.txt': `${lines.join('\n')}\n`,
    'special_tokens_map.json': `${JSON.stringify(special, null, 2)}\n`,
    'tokenizer_config.json': `${JSON.stringify({ tokenizer_class: 'BertTokenizer', ...settings, model_max_length: config.maxPositionEmbeddings, ...special }, null, 2)}\n`,
  };
  if (typeof serializable.toJSON === 'function')
    files['tokenizer.json'] = JSON.stringify(serializable.toJSON());
  return files;
}
