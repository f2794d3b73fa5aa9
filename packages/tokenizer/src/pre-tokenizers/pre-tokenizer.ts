import { NormalizedText } from '../normalizers/normalized-text.js';

/**
 * The JSON of a pre-tokenizer in `tokenizer.json`, tagged by `type`.
 *
 * @example
 * ```ts
 * const json: PreTokenizerJson = { type: 'BertPreTokenizer' };
 * createPreTokenizer(json).preTokenizeString('Hi, you!');
 * ```
 */
export interface PreTokenizerJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * A growable list of `[start, end)` word ranges, reused across calls.
 *
 * @example
 * ```ts
 * const words = new WordRanges();
 * words.push(0, 5);
 * words.count; // 1
 * ```
 */
export class WordRanges {
  ranges = new Int32Array(256);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  push(start: number, end: number): void {
    if (this.count * 2 + 2 > this.ranges.length) {
      const grown = new Int32Array(this.ranges.length * 2);
      grown.set(this.ranges);
      this.ranges = grown;
    }
    this.ranges[this.count * 2] = start;
    this.ranges[this.count * 2 + 1] = end;
    this.count++;
  }
}

/**
 * Second stage: splits normalized text into words, each tokenized separately by the model.
 *
 * Subclasses MUST implement `preTokenize` and `toJSON`; `preTokenizeString` is derived.
 *
 * @example
 * ```ts
 * class SpaceSplit extends PreTokenizer {
 *   preTokenize(text, from, to, words) {
 *     let start = from;
 *     for (let i = from; i <= to; i++) {
 *       if (i === to || text.units[i] === 32) { if (i > start) words.push(start, i); start = i + 1; }
 *     }
 *   }
 *   toJSON() { return { type: 'SpaceSplit' }; }
 * }
 * ```
 */
export abstract class PreTokenizer {
  /** Appends the word ranges of units `[from, to)` of `text` to `words` (non-empty, in order). */
  abstract preTokenize(text: NormalizedText, from: number, to: number, words: WordRanges): void;

  /** The `tokenizer.json` form of this pre-tokenizer. */
  abstract toJSON(): PreTokenizerJson;

  /**
   * Words of a string with their `[start, end)` UTF-16 offsets (HF `pre_tokenize_str`; the Rust binding
   * counts code points instead).
   */
  preTokenizeString(text: string): [string, [number, number]][] {
    const normalized = new NormalizedText();
    normalized.reserve(text.length);
    for (let i = 0; i < text.length; i++) normalized.push(text.charCodeAt(i), i, i + 1);
    const words = new WordRanges();
    this.preTokenize(normalized, 0, normalized.length, words);
    const out: [string, [number, number]][] = [];
    for (let w = 0; w < words.count; w++) {
      const start = words.ranges[w * 2]!;
      const end = words.ranges[w * 2 + 1]!;
      out.push([text.slice(start, end), [start, end]]);
    }
    return out;
  }
}
