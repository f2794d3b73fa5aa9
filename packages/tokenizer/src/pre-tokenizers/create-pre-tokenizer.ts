import { invalidArgument, UnsupportedError } from '@icd/core';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import type { PreTokenizer, PreTokenizerJson } from './pre-tokenizer.js';

/**
 * Builds a pre-tokenizer from its `tokenizer.json` form. Supported: `BertPreTokenizer`.
 *
 * @throws UnsupportedError for another `type`.
 * @example
 * ```ts
 * createPreTokenizer({ type: 'BertPreTokenizer' }).preTokenizeString('a,b'); // [['a',[0,1]],[',',[1,2]],['b',[2,3]]]
 * ```
 */
export function createPreTokenizer(json: PreTokenizerJson): PreTokenizer {
  if (json === null || typeof json !== 'object')
    invalidArgument('createPreTokenizer', 'json', 'an object', json);
  switch (json.type) {
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    default:
      throw new UnsupportedError({
        feature: `preTokenizer:${String(json.type)}`,
        message: `Pre-tokenizer type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'BertPreTokenizer'`,
      });
  }
}
