import type { NormalizedText } from './normalizers/normalized-text.js';
import { Normalizer, type NormalizerJson } from './normalizers/normalizer.js';
import { PreTokenizer, type PreTokenizerJson, type WordRanges } from './pre-tokenizers/pre-tokenizer.js';

// Stand-ins for a `null` normalizer / pre-tokenizer in tokenizer.json (HF skips the stage). Internal.

/** Copies the text unchanged. */
export class IdentityNormalizer extends Normalizer {
  normalize(text: string, from: number, to: number, out: NormalizedText): void {
    out.reserve(to - from);
    for (let i = from; i < to; i++) out.push(text.charCodeAt(i), i, i + 1);
  }

  toJSON(): NormalizerJson {
    throw new Error('IdentityNormalizer is written as null');
  }
}

/** The whole range is one word. */
export class WholeTextPreTokenizer extends PreTokenizer {
  preTokenize(_text: NormalizedText, from: number, to: number, words: WordRanges): void {
    if (to > from) words.push(from, to);
  }

  toJSON(): PreTokenizerJson {
    throw new Error('WholeTextPreTokenizer is written as null');
  }
}
