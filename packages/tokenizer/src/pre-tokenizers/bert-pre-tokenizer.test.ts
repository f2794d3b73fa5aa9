import { describe, expect, it } from 'vitest';
import { NormalizedText } from '../normalizers/normalized-text.js';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import { createPreTokenizer } from './create-pre-tokenizer.js';
import { WordRanges } from './pre-tokenizer.js';

describe('BertPreTokenizer', () => {
  it('splits on whitespace and isolates HF punctuation (ASCII punctuation + Unicode P*, not symbols)', () => {
    expect(new BertPreTokenizer().preTokenizeString('Hi, you! 1.5°C $3 €')).toEqual([
      ['Hi', [0, 2]],
      [',', [2, 3]],
      ['you', [4, 7]],
      ['!', [7, 8]],
      ['1', [9, 10]],
      ['.', [10, 11]],
      ['5°C', [11, 14]],
      ['$', [15, 16]],
      ['3', [16, 17]],
      ['€', [18, 19]],
    ]);
    expect(new BertPreTokenizer().preTokenizeString('')).toEqual([]);
    expect(new BertPreTokenizer().preTokenizeString(' \t\n ')).toEqual([]);
  });

  it('classifies every Unicode code point as the Rust binding does', async () => {
    const { bertPreTokenizer } = await import('tokenizers');
    const reference = bertPreTokenizer();
    const ours = new BertPreTokenizer();
    const mismatches: number[] = [];
    for (let from = 0; from < 0x110000; from += 0x8000) {
      // "a<c>a" for each code point c, joined by spaces: 1 word if c is a letter, 2 if a space, 3 if punctuation.
      const parts: string[] = [];
      for (let cp = from; cp < from + 0x8000; cp++) {
        if (cp < 0xd800 || cp > 0xdfff) parts.push(`a${String.fromCodePoint(cp)}a`);
      }
      const text = parts.join(' ');
      const expected = reference.preTokenizeString(text).map(([word]) => word);
      const actual = ours.preTokenizeString(text).map(([word]) => word);
      if (expected.length !== actual.length || expected.some((word, i) => word !== actual[i]))
        mismatches.push(from);
    }
    expect(mismatches).toEqual([]);
  });

  it('pre-tokenizes a range of a normalized buffer', () => {
    const text = new NormalizedText();
    text.reserve(9);
    for (const [i, c] of [...'ab,cd ef'].entries()) text.push(c.charCodeAt(0), i, i + 1);
    const words = new WordRanges();
    new BertPreTokenizer().preTokenize(text, 1, 7, words);
    expect(Array.from(words.ranges.subarray(0, words.count * 2))).toEqual([1, 2, 2, 3, 3, 5, 6, 7]);
    expect(createPreTokenizer({ type: 'BertPreTokenizer' }).toJSON()).toEqual({ type: 'BertPreTokenizer' });
    expect(() => createPreTokenizer({ type: 'Whitespace' })).toThrow(/not supported/);
  });
});
