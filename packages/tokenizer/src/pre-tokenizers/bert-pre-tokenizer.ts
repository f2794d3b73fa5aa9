import type { NormalizedText } from '../normalizers/normalized-text.js';
import { characterClasses } from '../unicode/character-classes.js';
import { PreTokenizer, type PreTokenizerJson, type WordRanges } from './pre-tokenizer.js';

const classWord = 0;
const classSpace = 1;
const classPunctuation = 2;
const classSurrogate = 3;

let bmpClasses: Uint8Array | undefined;

function classTable(): Uint8Array {
  if (bmpClasses === undefined) {
    const { whitespace, punctuation } = characterClasses();
    bmpClasses = new Uint8Array(0x10000);
    for (let unit = 0; unit < 0x10000; unit++) {
      if (unit >= 0xd800 && unit <= 0xdfff) bmpClasses[unit] = classSurrogate;
      else if (whitespace.has(unit)) bmpClasses[unit] = classSpace;
      else if (punctuation.has(unit)) bmpClasses[unit] = classPunctuation;
    }
  }
  return bmpClasses;
}

/**
 * BERT's pre-tokenizer, identical to HuggingFace's `BertPreTokenizer`: splits on whitespace (dropped) and
 * isolates each punctuation character, with HF's definition of punctuation: ASCII punctuation (so `$`,
 * `+`, `^` count) plus Unicode categories P* (so `°` and `€`, which are symbols, do not).
 *
 * @example
 * ```ts
 * new BertPreTokenizer().preTokenizeString("Hi, you!");
 * // [['Hi', [0, 2]], [',', [2, 3]], ['you', [4, 7]], ['!', [7, 8]]]
 * ```
 */
export class BertPreTokenizer extends PreTokenizer {
  preTokenize(text: NormalizedText, from: number, to: number, words: WordRanges): void {
    const classes = classTable();
    const units = text.units;
    let start = -1;
    for (let i = from; i < to; i++) {
      const unit = units[i]!;
      let kind = classes[unit]!;
      if (kind === classWord) {
        if (start < 0) start = i;
        continue;
      }
      let width = 1;
      if (kind === classSurrogate) {
        const next = i + 1 < to ? units[i + 1]! : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const codePoint = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          const { whitespace, punctuation } = characterClasses();
          kind = whitespace.has(codePoint)
            ? classSpace
            : punctuation.has(codePoint)
              ? classPunctuation
              : classWord;
          width = 2;
        } else kind = classWord;
        if (kind === classWord) {
          if (start < 0) start = i;
          i += width - 1;
          continue;
        }
      }
      if (start >= 0) {
        words.push(start, i);
        start = -1;
      }
      if (kind === classPunctuation) words.push(i, i + width);
      i += width - 1;
    }
    if (start >= 0) words.push(start, to);
  }

  toJSON(): PreTokenizerJson {
    return { type: 'BertPreTokenizer' };
  }
}
