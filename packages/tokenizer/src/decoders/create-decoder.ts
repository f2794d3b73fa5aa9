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
    // Absent (or null) fields take HF's defaults; a present field of the wrong type is an error, not '##'.
    const { prefix = '##', cleanup = true } = json as { prefix?: unknown; cleanup?: unknown };
    if (prefix !== null && typeof prefix !== 'string')
      invalidArgument('createDecoder', 'WordPiece.prefix', 'a string', prefix);
    if (cleanup !== null && typeof cleanup !== 'boolean')
      invalidArgument('createDecoder', 'WordPiece.cleanup', 'a boolean', cleanup);
    return new WordPieceDecoder((prefix as string | null) ?? '##', (cleanup as boolean | null) ?? true);
  }
  throw new UnsupportedError({
    feature: `decoder:${String(json.type)}`,
    message: `Decoder type ${JSON.stringify(json.type)} is not supported; @icd/tokenizer reads 'WordPiece'`,
  });
}
