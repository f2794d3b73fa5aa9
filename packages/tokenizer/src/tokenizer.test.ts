import { readFileSync } from 'node:fs';
import { DataFormatError, InvalidArgumentError, type TokenizerLike } from '@icd/core';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the fixture generator
import { referenceEncoding } from '../scripts/reference-encoding.mjs';
import { Tokenizer } from './tokenizer.js';

const fixture = new URL('../fixtures/uncased-tokenizer.json', import.meta.url);
const json = readFileSync(fixture, 'utf8');
const tokenizer = Tokenizer.fromJSON(json);

// A deterministic generator (mulberry32) for fuzz strings.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pieces = [
  'chest',
  'Pain',
  'HEMOGLOBIN',
  'café',
  'niño',
  ' ',
  ' ',
  '  ',
  '\n',
  '\t',
  ',',
  '.',
  '-',
  '[MASK]',
  '[SEP]',
  '[mask]',
  '😀',
  '👨\u200d👩',
  '\u200d',
  '\u0000',
  '\u0007',
  '\ud800',
  '\udfff',
  'ﬁ',
  'İ',
  'ß',
  'ΣΑΣ',
  '中国',
  'e\u0301',
  '\u00a0',
  '\u3000',
  '١٢',
  'x'.repeat(50),
  '12.5',
  'mg/dl',
  'ǅ',
  '\ufffd',
  '𠀀',
  'ᄀ',
  '가',
];

describe('Tokenizer', () => {
  let rust: import('tokenizers').Tokenizer;
  beforeAll(async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    rust = Rust.fromString(json);
  });

  it('implements TokenizerLike', () => {
    const like: TokenizerLike = tokenizer;
    expect(like.specialTokens).toEqual({
      unk: '[UNK]',
      cls: '[CLS]',
      sep: '[SEP]',
      pad: '[PAD]',
      mask: '[MASK]',
    });
    expect(like.vocabSize).toBe(rust.getVocabSize(true));
    expect(like.tokenToId('chest')).toBe(rust.tokenToId('chest'));
    expect(like.idToToken(5)).toBe(rust.idToToken(5));
    expect(like.tokenToId('not-a-token')).toBeUndefined();
    expect(like.idToToken(1e9)).toBeUndefined();
  });

  it('matches the Rust binding on 400 random hostile strings (ids, tokens, offsets, word ids)', async () => {
    const next = random(7);
    for (let n = 0; n < 400; n++) {
      let text = '';
      const length = Math.floor(next() * 30);
      for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)];
      const expected = referenceEncoding(await rust.encode(text), text, null);
      const actual = tokenizer.encode(text);
      expect({
        text,
        ids: actual.ids,
        offsets: actual.offsets,
        wordIds: actual.wordIds,
        tokens: actual.tokens,
      }).toEqual({
        text,
        ids: expected.ids,
        offsets: expected.offsets,
        wordIds: expected.wordIds,
        tokens: expected.tokens,
      });
    }
  });

  // No timed assertion (speed lives in bench/src/tokenizer): a quadratic pass over 5 MB would not finish
  // within the generous test timeout, which is what this guards.
  it('encodes a 5 MB note; a 1 MB one exactly like the Rust binding', async () => {
    const unit = 'Chest pain, fever 38.5 °C; hemoglobin 12.5 g/dl. Niño con corazón 😀 中国 ';
    const unitIds = tokenizer.encode(unit, null, { addSpecialTokens: false }).ids;
    const note = unit.repeat(70_000);
    expect(note.length).toBeGreaterThan(5_000_000);
    const ours = tokenizer.encode(note);
    // The note repeats a unit that ends in a space: its encoding repeats the unit's tokens.
    expect(ours.length).toBe(unitIds.length * 70_000 + 2);
    expect(Array.from(ours.idsArray.subarray(1 + unitIds.length * 69_999, -1))).toEqual(unitIds);
    const smaller = unit.repeat(14_000);
    expect(tokenizer.encode(smaller).idsArray).toEqual(
      Int32Array.from((await rust.encode(smaller)).getIds()),
    );
  }, 120_000);

  it('edge inputs: empty, whitespace only, only removed characters', () => {
    for (const text of ['', '   \n\t ', '\u0000\u200d\ufeff']) {
      expect(tokenizer.encode(text).tokens).toEqual(['[CLS]', '[SEP]']);
      expect(tokenizer.encode(text, null, { addSpecialTokens: false }).length).toBe(0);
    }
  });

  it('encodeBatch pads to the longest, left or right, to a multiple', () => {
    const batch = tokenizer.encodeBatch(['chest pain', ['fever', 'chest pain was normal']], {
      padding: true,
      padToMultipleOf: 4,
      paddingSide: 'left',
    });
    // [CLS] fever [SEP] chest pain was normal [SEP] is 8 long, already a multiple of 4.
    expect(batch.map((e) => e.length)).toEqual([8, 8]);
    expect(batch[0]!.attentionMask).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(batch[0]!.tokens).toEqual(['[PAD]', '[PAD]', '[PAD]', '[PAD]', '[CLS]', 'chest', 'pain', '[SEP]']);
    expect(batch[0]!.specialTokensMask).toEqual([1, 1, 1, 1, 1, 0, 0, 1]);
    expect(batch[1]!.typeIds).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(batch[1]!.sequenceIds).toEqual([null, 0, null, 1, 1, 1, 1, null]);
    expect(batch[1]!.wordIds).toEqual([null, 0, null, 0, 1, 2, 3, null]);
    const single = tokenizer.encode('chest pain', null, { padding: 'max_length', maxLength: 6 });
    expect(single.tokens).toEqual(['[CLS]', 'chest', 'pain', '[SEP]', '[PAD]', '[PAD]']);
  });

  it('overflowing windows are only returned when asked for (returnOverflowing or a stride)', () => {
    const text = 'chest pain with fever and cough '.repeat(5);
    expect(tokenizer.encode(text, null, { maxLength: 8 }).overflowing).toEqual([]);
    const windows = tokenizer.encode(text, null, { maxLength: 8, returnOverflowing: true }).overflowing;
    expect(windows.length).toBeGreaterThan(3);
    expect(windows.every((w) => w.tokens[0] === '[CLS]' && w.tokens.at(-1) === '[SEP]')).toBe(true);
    expect(tokenizer.encode(text, null, { maxLength: 8, stride: 2 }).overflowing.length).toBeGreaterThan(3);
  });

  it('rejects bad arguments with InvalidArgumentError naming the argument', () => {
    expect(() => tokenizer.encode(42 as unknown as string)).toThrow(
      /Argument 'text' passed to 'encode' must be a string/,
    );
    expect(() => tokenizer.encode('a', null, { maxLength: 0 })).toThrow(InvalidArgumentError);
    expect(() => tokenizer.encode('a', null, { maxLength: 1 })).toThrow(
      /stride < maxLength - 2 special tokens/,
    );
    expect(() => tokenizer.encode('a b c', null, { maxLength: 4, stride: 2 })).toThrow(/Argument 'stride'/);
    expect(() => tokenizer.encode('a', null, { padding: 'max_length' })).toThrow(/Argument 'maxLength'/);
    expect(() => tokenizer.encode('a b c', null, { truncation: 'only_second', maxLength: 3 })).toThrow(
      /truncation/,
    );
    expect(() => tokenizer.encode('a', null, { paddingSide: 'top' as 'left' })).toThrow(/'paddingSide'/);
    expect(() => tokenizer.encodeBatch([['a'] as unknown as [string, string]])).toThrow(/inputs\[0\]/);
    expect(() => tokenizer.decode([1e9])).toThrow(/ids\[0\]/);
    const huge = 'chest pain '.repeat(400);
    expect(() => tokenizer.encode(huge, huge, { maxLength: 8, stride: 1 })).toThrow(/would combine/);
  });

  it('decode: WordPiece pieces glued, specials skipped on request', () => {
    const ids = tokenizer.encode('Chest painful, unaffable').ids;
    expect(tokenizer.decode(ids)).toBe('[CLS] chest painful, unaffable [SEP]');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('chest painful, unaffable');
    // The Rust decoder cleans " ," per token; the whole-text clean-up (off for a bare tokenizer.json) adds nothing here.
    expect(tokenizer.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: true })).toBe(
      'chest painful, unaffable',
    );
  });

  it('toJSON is read back by the Rust binding with identical encodings', async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    const reloaded = Rust.fromString(JSON.stringify(tokenizer.toJSON()));
    const text = 'The Patient [MASK] showed café 中国 😀 pain.';
    expect((await reloaded.encode(text, 'fever')).getIds()).toEqual(tokenizer.encode(text, 'fever').ids);
    expect(Tokenizer.fromJSON(tokenizer.toJSON()).encode(text).ids).toEqual(tokenizer.encode(text).ids);
  });

  it('null stages and BertProcessing read from tokenizer.json behave as in the Rust binding', async () => {
    const { Tokenizer: Rust } = await import('tokenizers');
    const base = JSON.parse(json);
    const variants = [
      { ...base, normalizer: null },
      { ...base, pre_tokenizer: null, normalizer: null },
      { ...base, post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } },
      { ...base, post_processor: null, decoder: null },
    ];
    const text = 'Chest Pain, café [MASK] un affable';
    for (const variant of variants) {
      const reference = Rust.fromString(JSON.stringify(variant));
      const ours = Tokenizer.fromJSON(variant);
      const expected = referenceEncoding(await reference.encode(text, 'fever'), text, 'fever');
      const actual = ours.encode(text, 'fever');
      expect([actual.ids, actual.offsets, actual.typeIds]).toEqual([
        expected.ids,
        expected.offsets,
        expected.typeIds,
      ]);
      expect(ours.decode(actual.ids)).toBe(await reference.decode(expected.ids, false));
      // The toJSON round trip keeps the null stages and the post-processor type.
      expect(Tokenizer.fromJSON(ours.toJSON()).toJSON()).toEqual(ours.toJSON());
    }
  });

  it('fromVocab builds what BertTokenizerFast builds from vocab.txt', async () => {
    const vocabText = `${Object.entries(JSON.parse(json).model.vocab as Record<string, number>)
      .sort((a, b) => a[1] - b[1])
      .map(([token]) => token)
      .join('\n')}\n`;
    const fromVocab = Tokenizer.fromVocab(vocabText, { neverSplit: ['[NEVER]'] });
    const text = 'Chest [MASK] pain [NEVER] café';
    expect(fromVocab.encode(text).tokens).toEqual([
      '[CLS]',
      'chest',
      '[MASK]',
      'pain',
      '[NEVER]',
      'cafe',
      '[SEP]',
    ]);
    expect(fromVocab.encode(text).ids.slice(0, 4)).toEqual(tokenizer.encode(text).ids.slice(0, 4));
    expect(() => Tokenizer.fromVocab('a\nb\n')).toThrow(/lacks the cls token/);
    expect(() => Tokenizer.fromVocab('')).toThrow(/empty/);
    // A vocab.txt without [UNK]: fine until a word needs it, then a DataFormatError (HF: "Missing [UNK]").
    const noUnk = Tokenizer.fromVocab('[PAD]\n[CLS]\n[SEP]\n[MASK]\nchest\n');
    expect(noUnk.encode('Chest').tokens).toEqual(['[CLS]', 'chest', '[SEP]']);
    expect(() => noUnk.encode('chest pain')).toThrow(DataFormatError);
    expect(() => noUnk.encode('chest pain')).toThrow(/unknown token "\[UNK\]" is not in the vocabulary/);
  });
});
