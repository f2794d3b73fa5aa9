import type { TokenSink } from './token-sink.js';

/**
 * The JSON of a model in `tokenizer.json`, tagged by `type`.
 *
 * @example
 * ```ts
 * const json: ModelJson = { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[UNK]': 0, chest: 1 } };
 * const model = createModel(json);
 * ```
 */
export interface ModelJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * Third stage: turns one pre-tokenized word into vocabulary tokens.
 *
 * Subclasses MUST implement `tokenize` (the hot path: read code units, append to a sink, allocate
 * nothing), the vocabulary look-ups and `toJSON`.
 *
 * @example
 * ```ts
 * class WholeWord extends Model {
 *   // one token per word, [UNK] (id 0) when absent
 *   tokenize(units, start, end, sink) { sink.push(this.tokenToId(String.fromCharCode(...units.subarray(start, end))) ?? 0, start, end); }
 *   ...
 * }
 * ```
 */
export abstract class Model {
  /** Appends the tokens of the word `units[start, end)` to `sink`, offsets in `units` coordinates. */
  abstract tokenize(units: Uint16Array, start: number, end: number, sink: TokenSink): void;
  /** Id of a vocabulary token, `undefined` when absent. */
  abstract tokenToId(token: string): number | undefined;
  /** Token of an id, `undefined` when out of range. */
  abstract idToToken(id: number): string | undefined;
  /** Number of ids (highest id + 1). */
  abstract get vocabSize(): number;
  /** The `tokenizer.json` form of this model. */
  abstract toJSON(): ModelJson;
}
