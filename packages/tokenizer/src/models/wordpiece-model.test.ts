import { DataFormatError, InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import { WordPieceModel } from './wordpiece-model.js';

const vocab = {
  '[UNK]': 0,
  un: 1,
  '##aff': 2,
  '##able': 3,
  u: 4,
  '##n': 5,
  '##a': 6,
  a: 7,
  '😀': 8,
  '##b': 9,
};

describe('WordPieceModel', () => {
  it('greedy longest match first, ## continuations (the BERT paper example)', () => {
    const model = new WordPieceModel({ vocab });
    expect(model.tokenizeWord('unaffable')).toEqual([
      { id: 1, token: 'un', start: 0, end: 2 },
      { id: 2, token: '##aff', start: 2, end: 5 },
      { id: 3, token: '##able', start: 5, end: 9 },
    ]);
    // "una" → "un" + "##a": longest first piece wins even if it leaves a worse remainder.
    expect(model.tokenizeWord('una').map((t) => t.token)).toEqual(['un', '##a']);
  });

  it('one [UNK] for a word that cannot be covered or is over maxInputCharsPerWord code points', () => {
    const model = new WordPieceModel({ vocab, maxInputCharsPerWord: 3 });
    expect(model.tokenizeWord('unx')).toEqual([{ id: 0, token: '[UNK]', start: 0, end: 3 }]);
    expect(model.tokenizeWord('unaf').map((t) => t.token)).toEqual(['[UNK]']);
    // Three emoji are six code units but three characters: under the limit.
    expect(
      new WordPieceModel({ vocab: { ...vocab, '##😀': 10 }, maxInputCharsPerWord: 3 })
        .tokenizeWord('😀😀😀')
        .map((t) => t.id),
    ).toEqual([8, 10, 10]);
  });

  it('never ends a piece inside a surrogate pair', () => {
    const model = new WordPieceModel({ vocab: { '[UNK]': 0, '\ud83d': 1, '😀': 2 } });
    expect(model.tokenizeWord('😀').map((t) => t.id)).toEqual([2]);
    expect(model.tokenizeWord('😁').map((t) => t.id)).toEqual([0]);
  });

  it('a vocabulary without [UNK] works until a word needs it, then throws a DataFormatError', () => {
    const model = new WordPieceModel({ vocab: { a: 0, '##b': 1 } });
    expect(model.tokenizeWord('ab').map((t) => t.id)).toEqual([0, 1]);
    expect(() => model.tokenizeWord('c')).toThrow(DataFormatError);
    expect(() => model.tokenizeWord('c')).toThrow(/"\[UNK\]" is not in the vocabulary/);
  });

  it('validates its arguments and round-trips through tokenizer.json', () => {
    expect(() => new WordPieceModel({ vocab: { a: -1 } })).toThrow(InvalidArgumentError);
    expect(() => new WordPieceModel({ vocab, maxInputCharsPerWord: 0 })).toThrow(/maxInputCharsPerWord/);
    const model = createModel(new WordPieceModel({ vocab, maxInputCharsPerWord: 7 }).toJSON());
    expect(model.toJSON()).toMatchObject({ type: 'WordPiece', max_input_chars_per_word: 7, vocab });
    expect(model.vocabSize).toBe(10);
    expect(model.idToToken(2)).toBe('##aff');
    expect(() => createModel({ type: 'BPE' })).toThrow(/not supported/);
    expect(() => createModel({ type: 'WordPiece', vocab: [] })).toThrow(DataFormatError);
  });
});
