import { describe, expect, it } from 'vitest';
import { type LearnWordPieceOptions, learnWordPieceVocabulary } from './learn-wordpiece-vocabulary.js';

const wordPiece = (overrides: Partial<LearnWordPieceOptions> = {}): LearnWordPieceOptions => ({
  vocabSize: 30000,
  minFrequency: 0,
  specialTokens: [],
  limitAlphabet: undefined,
  initialAlphabet: [],
  continuingSubwordPrefix: '##',
  ...overrides,
});

// The corpus of the HF course's BPE chapter, trained here with the `##` prefix. Worked by hand:
// ids b0 g1 h2 n3 p4 s5 u6, then ##g7 ##n8 ##s9 ##u10 (code-point order). Pair counts: (##u,##g) 20,
// (p,##u) 17, (##u,##n) 16, (h,##u) 15, (##g,##s) 5, (b,##u) 4. Merges: ##ug (20), ##un (16), hug (15),
// pun (12), then three pairs at count 5: (p,##ug)=(4,11) before (hug,##s)=(13,9) by smaller ids, then
// bun (4). Stale queue entries ((p,##u) 17 → 12 → 0, (h,##u) 15 → 0, ...) are re-queued, never merged.
const hugCorpus = new Map([
  ['hug', 10],
  ['pug', 5],
  ['pun', 12],
  ['bun', 4],
  ['hugs', 5],
]);
const hugVocabulary = ['b', 'g', 'h', 'n', 'p', 's', 'u', '##g', '##n', '##s', '##u'];
const hugMerges = ['##ug', '##un', 'hug', 'pun', 'pug', 'hugs', 'bun'];

describe('learnWordPieceVocabulary: hand-computed cases', () => {
  it('learns the merges of the worked example in order', () => {
    expect(learnWordPieceVocabulary(hugCorpus, wordPiece())).toEqual([...hugVocabulary, ...hugMerges]);
  });

  it('puts special tokens first and stops at vocabSize', () => {
    const tokens = learnWordPieceVocabulary(
      hugCorpus,
      wordPiece({ specialTokens: ['[UNK]', '[CLS]'], vocabSize: 17 }),
    );
    expect(tokens).toEqual(['[UNK]', '[CLS]', ...hugVocabulary, '##ug', '##un', 'hug', 'pun']);
  });

  it('stops at the first pair whose count is below minFrequency', () => {
    // Counts of the merges: 20, 16, 15, 12, 5, 5, 4.
    expect(learnWordPieceVocabulary(hugCorpus, wordPiece({ minFrequency: 12 }))).toEqual([
      ...hugVocabulary,
      '##ug',
      '##un',
      'hug',
      'pun',
    ]);
    expect(learnWordPieceVocabulary(hugCorpus, wordPiece({ minFrequency: 13 })).slice(11)).toEqual([
      '##ug',
      '##un',
      'hug',
    ]);
  });

  it('keeps the alphabet even when it alone exceeds vocabSize', () => {
    expect(learnWordPieceVocabulary(hugCorpus, wordPiece({ vocabSize: 3 }))).toEqual(hugVocabulary);
  });

  it("reproduces HF's own BpeTrainer unit test (no prefix, min_frequency 2)", () => {
    // tokenizers/src/models/bpe/trainer.rs `test_train`: 22 characters then 're', 'are', 'is'.
    const counts = new Map([
      ['roses', 1],
      ['are', 2],
      ['red', 1],
      ['voilets', 1],
      ['blue', 1],
      ['BERT', 1],
      ['is', 2],
      ['big', 1],
      ['and', 1],
      ['so', 1],
      ['GPT-2', 1],
    ]);
    const tokens = learnWordPieceVocabulary(
      counts,
      wordPiece({ continuingSubwordPrefix: '', minFrequency: 2 }),
    );
    expect(tokens).toEqual([...'-2BEGPRTabdegilnorstuv'.split(''), 're', 'are', 'is']);
  });

  it('limits the alphabet to the most frequent characters, ties to the smaller code point', () => {
    // a: 2, b: 1, c: 2 → limit 2 drops b; b is then skipped inside words ("aab" → a ##a).
    const counts = new Map([
      ['aab', 1],
      ['cc', 1],
    ]);
    expect(learnWordPieceVocabulary(counts, wordPiece({ limitAlphabet: 2 }))).toEqual([
      'a',
      'c',
      '##a',
      '##c',
      'aa',
      'cc',
    ]);
    // x and y tie at 1: y (larger code point) goes. As in HF, a dropped first character leaves the
    // next one as a continuation piece: "yx" becomes [##x].
    const tie = new Map([
      ['xy', 1],
      ['yx', 1],
      ['zz', 3],
    ]);
    expect(learnWordPieceVocabulary(tie, wordPiece({ limitAlphabet: 2 }))).toEqual([
      'x',
      'z',
      '##x',
      '##z',
      'zz',
    ]);
  });

  it('adds the initial alphabet even when unseen, and it survives the limit', () => {
    const counts = new Map([['ab', 5]]);
    // a: 5, b: 5, é: infinite → limit 2 keeps é and a (tie a/b broken by code point); "ab" becomes [a].
    expect(learnWordPieceVocabulary(counts, wordPiece({ initialAlphabet: ['é'], limitAlphabet: 2 }))).toEqual(
      ['a', 'é'],
    );
  });

  it('reuses a special token that equals a character or a merge', () => {
    const counts = new Map([['ab', 2]]);
    expect(learnWordPieceVocabulary(counts, wordPiece({ specialTokens: ['ab', 'a'] }))).toEqual([
      'ab',
      'a',
      'b',
      '##b',
    ]);
  });

  it('merges repeated characters left to right without overlap', () => {
    // "aaaa" = a ##a ##a ##a: (##a,##a) counts 2 → ##aa, giving a ##aa ##a (not a ##a ##aa); then the
    // three remaining pairs count 1 each and the smallest ids win: (a,##aa) → aaa, then (aaa,##a).
    const tokens = learnWordPieceVocabulary(new Map([['aaaa', 1]]), wordPiece());
    expect(tokens).toEqual(['a', '##a', '##aa', 'aaa', 'aaaa']);
  });
});
