import { invalidArgument, UnsupportedError } from '@icd/core';
import { BertNormalizer } from './bert-normalizer.js';
import type { Normalizer, NormalizerJson } from './normalizer.js';

function optionalBoolean(json: NormalizerJson, key: string): boolean | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    invalidArgument('createNormalizer', `${json.type}.${key}`, 'a boolean', value);
  return value;
}

/**
 * Builds a normalizer from its `tokenizer.json` form. Supported: `BertNormalizer`.
 *
 * @throws UnsupportedError for another `type`.
 * @example
 * ```ts
 * createNormalizer({ type: 'BertNormalizer', lowercase: false }).normalizeString('Ñu'); // 'Ñu'
 * ```
 */
export function createNormalizer(json: NormalizerJson): Normalizer {
  if (json === null || typeof json !== 'object')
    invalidArgument('createNormalizer', 'json', 'an object', json);
  switch (json.type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: optionalBoolean(json, 'clean_text'),
        handleChineseChars: optionalBoolean(json, 'handle_chinese_chars'),
        stripAccents: optionalBoolean(json, 'strip_accents'),
        lowercase: optionalBoolean(json, 'lowercase'),
      });
    default:
      throw new UnsupportedError({
        feature: `normalizer:${String(json.type)}`,
        message: `Normalizer type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'BertNormalizer'`,
      });
  }
}
