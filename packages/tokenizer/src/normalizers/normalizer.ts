import { NormalizedText } from './normalized-text.js';

/**
 * The JSON of a normalizer in `tokenizer.json`, tagged by `type`.
 *
 * @example
 * ```ts
 * const json: NormalizerJson = { type: 'BertNormalizer', lowercase: true, strip_accents: null };
 * createNormalizer(json);
 * ```
 */
export interface NormalizerJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * First stage of the pipeline: rewrites the input text (cleaning, lower-casing, ...) while keeping, for
 * each output code unit, the range of the original text it comes from.
 *
 * Subclasses MUST implement `normalize` and `toJSON`. `normalizeString` is derived from `normalize`.
 *
 * @example
 * ```ts
 * class UpperCase extends Normalizer {
 *   normalize(text, from, to, out) {
 *     out.reserve(to - from);
 *     for (let i = from; i < to; i++) out.push(text.toUpperCase().charCodeAt(i), i, i + 1);
 *   }
 *   toJSON() { return { type: 'UpperCase' }; }
 * }
 * ```
 */
export abstract class Normalizer {
  /** Appends the normalized form of `text.slice(from, to)` to `out`, with alignments to `text`. */
  abstract normalize(text: string, from: number, to: number, out: NormalizedText): void;

  /** The `tokenizer.json` form of this normalizer. */
  abstract toJSON(): NormalizerJson;

  /** The normalized text (HF `normalize_str`). */
  normalizeString(text: string): string {
    const out = new NormalizedText();
    this.normalize(text, 0, text.length, out);
    return out.toString();
  }
}
