import { BertNormalizer } from '../normalizers/bert-normalizer.js';
import { NormalizedText } from '../normalizers/normalized-text.js';
import { BertPreTokenizer } from '../pre-tokenizers/bert-pre-tokenizer.js';
import { WordRanges } from '../pre-tokenizers/pre-tokenizer.js';

/**
 * The trainer's default word splitter: HF's BertNormalizer then BertPreTokenizer, the words HF's
 * `tokenizer.train(files)` counts for a BERT pipeline. Reuses one buffer across calls (no per-word
 * objects besides the word strings themselves).
 *
 * @internal Used by `WordPieceTrainer` when no `splitWords` is given.
 */
export function bertWordSplitter(lowercase: boolean, stripAccents: boolean): (text: string) => string[] {
  const normalizer = new BertNormalizer({ lowercase, stripAccents });
  const preTokenizer = new BertPreTokenizer();
  const normalized = new NormalizedText();
  const ranges = new WordRanges();
  return (text: string): string[] => {
    normalized.reset();
    ranges.reset();
    normalizer.normalize(text, 0, text.length, normalized);
    preTokenizer.preTokenize(normalized, 0, normalized.length, ranges);
    const whole = normalized.toString();
    const words: string[] = new Array(ranges.count);
    for (let word = 0; word < ranges.count; word++) {
      words[word] = whole.slice(ranges.ranges[word * 2]!, ranges.ranges[word * 2 + 1]!);
    }
    return words;
  };
}
