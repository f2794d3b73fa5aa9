import { invalidArgument, UnsupportedError } from '@icd/core';
import type { Decoder, DecoderJson } from './decoder.js';
import { WordPieceDecoder } from './wordpiece-decoder.js';

/**
 * Builds a decoder from its `tokenizer.json` form. Supported: `WordPiece`.
 *
 * @throws UnsupportedError for another `type`.
 * @example
 * ```ts
 * createDecoder({ type: 'WordPiece', prefix: '##', cleanup: true }).decode(['a', '##b']); // 'ab'
 * ```
 */
export function createDecoder(json: DecoderJson): Decoder {
  if (json === null || typeof json !== 'object') invalidArgument('createDecoder', 'json', 'an object', json);
  if (json.type === 'WordPiece') {
    return new WordPieceDecoder(
      typeof json.prefix === 'string' ? json.prefix : '##',
      typeof json.cleanup === 'boolean' ? json.cleanup : true,
    );
  }
  throw new UnsupportedError({
    feature: `decoder:${String(json.type)}`,
    message: `Decoder type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'WordPiece'`,
  });
}
