import { type AddedToken, AddedTokenMatcher, Segments } from '../added-vocabulary.js';
import type { Model } from '../models/model.js';
import { TokenSink } from '../models/token-sink.js';
import { NormalizedText } from '../normalizers/normalized-text.js';
import type { Normalizer } from '../normalizers/normalizer.js';
import { type PreTokenizer, WordRanges } from '../pre-tokenizers/pre-tokenizer.js';
import { EncodingData } from './encoding-data.js';

/**
 * The first half of `Tokenizer.encode` for one text: added tokens matched in the original text, the rest
 * normalized (keeping the alignment map), split into words, each word through the model, and token offsets
 * mapped back to the original text. Owns the scratch buffers, so one instance serves one thread.
 */
export class SequenceEncoder {
  private readonly rawMatcher: AddedTokenMatcher;
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly normalized = new NormalizedText();
  private readonly words = new WordRanges();
  private readonly sink = new TokenSink();
  private readonly rawSegments = new Segments();
  private readonly normalizedSegments = new Segments();

  constructor(
    private readonly normalizer: Normalizer,
    private readonly preTokenizer: PreTokenizer,
    private readonly model: Model,
    addedTokens: readonly AddedToken[],
  ) {
    this.rawMatcher = new AddedTokenMatcher(
      addedTokens.filter((token) => !token.normalized).map((token) => ({ token, pattern: token.content })),
    );
    // Normalized added tokens are looked for in the normalized text, in their normalized form (as HF).
    this.normalizedMatcher = new AddedTokenMatcher(
      addedTokens
        .filter((token) => token.normalized)
        .map((token) => ({ token, pattern: normalizer.normalizeString(token.content) })),
    );
  }

  /** Tokens of one sequence before truncation and specials: added tokens, then normalize → split → model. */
  encode(text: string, typeId: number): EncodingData {
    const sink = this.sink;
    sink.reset();
    let word = 0;
    const raw = this.rawSegments;
    raw.reset();
    if (this.rawMatcher.isEmpty) raw.push(0, text.length, -1);
    else this.rawMatcher.splitString(text, raw);
    for (let s = 0; s < raw.count; s++) {
      const start = raw.values[s * 3]!;
      const end = raw.values[s * 3 + 1]!;
      const id = raw.values[s * 3 + 2]!;
      if (id >= 0) {
        sink.push(id, start, end);
        sink.wordIds[sink.count - 1] = word++;
        continue;
      }
      const normalized = this.normalized;
      normalized.reset();
      this.normalizer.normalize(text, start, end, normalized);
      if (this.normalizedMatcher.isEmpty) {
        word = this.tokenizeNormalized(0, normalized.length, word);
        continue;
      }
      const inner = this.normalizedSegments;
      inner.reset();
      this.normalizedMatcher.split((index) => normalized.units[index]!, 0, normalized.length, inner);
      for (let k = 0; k < inner.count; k++) {
        const from = inner.values[k * 3]!;
        const to = inner.values[k * 3 + 1]!;
        const innerId = inner.values[k * 3 + 2]!;
        if (innerId < 0) word = this.tokenizeNormalized(from, to, word);
        else {
          sink.push(innerId, normalized.starts[from]!, normalized.ends[to - 1]!);
          sink.wordIds[sink.count - 1] = word++;
        }
      }
    }
    const count = sink.count;
    const data = new EncodingData(
      sink.ids.slice(0, count),
      new Int32Array(count).fill(typeId),
      sink.starts.slice(0, count),
      sink.ends.slice(0, count),
      sink.wordIds.slice(0, count),
      new Int8Array(count).fill(typeId),
      new Uint8Array(count),
      new Uint8Array(count).fill(1),
    );
    return data;
  }

  // Pre-tokenizes normalized units [from, to), runs the model on each word and maps offsets back to the
  // original text through the alignment map. Returns the next word index.
  private tokenizeNormalized(from: number, to: number, word: number): number {
    const { normalized, words, sink, model } = this;
    words.reset();
    this.preTokenizer.preTokenize(normalized, from, to, words);
    const ranges = words.ranges;
    const units = normalized.units;
    const starts = normalized.starts;
    const ends = normalized.ends;
    for (let w = 0; w < words.count; w++) {
      const first = sink.count;
      model.tokenize(units, ranges[w * 2]!, ranges[w * 2 + 1]!, sink);
      const tokenStarts = sink.starts;
      const tokenEnds = sink.ends;
      const wordIds = sink.wordIds;
      for (let t = first; t < sink.count; t++) {
        tokenStarts[t] = starts[tokenStarts[t]!]!;
        tokenEnds[t] = ends[tokenEnds[t]! - 1]!;
        wordIds[t] = word;
      }
      word++;
    }
    return word;
  }
}
