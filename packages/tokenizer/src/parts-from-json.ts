import { DataFormatError, type SpecialTokens } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import { createDecoder } from './decoders/create-decoder.js';
import { createModel } from './models/create-model.js';
import { createNormalizer } from './normalizers/create-normalizer.js';
import { createPostProcessor } from './post-processors/create-post-processor.js';
import { createPreTokenizer } from './pre-tokenizers/create-pre-tokenizer.js';
import type { TokenizerJson, TokenizerParts } from './tokenizer-parts.js';

/** Reads the stages of a `tokenizer.json` document (object or JSON text). */
export function partsFromJson(
  input: TokenizerJson | string,
  specialTokens?: Partial<SpecialTokens>,
): TokenizerParts {
  let json: TokenizerJson;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input) as TokenizerJson;
    } catch (cause) {
      throw new DataFormatError({ message: 'tokenizer.json is not valid JSON', cause });
    }
  } else json = input;
  if (json === null || typeof json !== 'object' || json.model === null || typeof json.model !== 'object') {
    throw new DataFormatError({ message: 'tokenizer.json must be an object with a "model" entry' });
  }
  const addedTokens: AddedToken[] = (json.added_tokens ?? []).map((token, index) => {
    if (typeof token?.content !== 'string' || !Number.isInteger(token.id) || token.id < 0) {
      throw new DataFormatError({
        message: `added_tokens[${index}] needs a string content and an integer id`,
      });
    }
    return {
      id: token.id,
      content: token.content,
      special: token.special ?? false,
      normalized: token.normalized ?? !(token.special ?? false),
      lstrip: token.lstrip ?? false,
      rstrip: token.rstrip ?? false,
      singleWord: token.single_word ?? false,
    };
  });
  return {
    normalizer: json.normalizer ? createNormalizer(json.normalizer) : null,
    preTokenizer: json.pre_tokenizer ? createPreTokenizer(json.pre_tokenizer) : null,
    model: createModel(json.model),
    postProcessor: json.post_processor ? createPostProcessor(json.post_processor) : null,
    decoder: json.decoder ? createDecoder(json.decoder) : null,
    addedTokens,
    specialTokens,
  };
}
