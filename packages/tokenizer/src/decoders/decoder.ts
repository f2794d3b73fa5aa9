/**
 * The JSON of a decoder in `tokenizer.json`, tagged by `type`.
 *
 * @example
 * ```ts
 * const json: DecoderJson = { type: 'WordPiece', prefix: '##', cleanup: true };
 * createDecoder(json).decode(['chest', '##s']); // 'chests'
 * ```
 */
export interface DecoderJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * Turns tokens back into text. Subclasses MUST implement `decode` and `toJSON`.
 *
 * @example
 * ```ts
 * class SpaceJoin extends Decoder {
 *   decode(tokens) { return tokens.join(' '); }
 *   toJSON() { return { type: 'SpaceJoin' }; }
 * }
 * ```
 */
export abstract class Decoder {
  /** The text of `tokens`; `cleanup` overrides the decoder's own clean-up setting when given. */
  abstract decode(tokens: readonly string[], cleanup?: boolean): string;
  /** The `tokenizer.json` form of this decoder. */
  abstract toJSON(): DecoderJson;
}
