import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { WordPieceTrainer } from './wordpiece-trainer.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpusLines = readFileSync(resolve(here, '../../fixtures/trainer-corpus.txt'), 'utf8').split('\n');
const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof import('tokenizers');

describe('WordPieceTrainer', () => {
  it('streams sync and async corpora to the same vocabulary, deterministically', async () => {
    const fromArray = await new WordPieceTrainer({ vocabSize: 400 }).train(corpusLines);
    async function* stream() {
      for (const line of corpusLines) yield line;
    }
    const fromStream = await new WordPieceTrainer({ vocabSize: 400 }).train(stream());
    const again = await new WordPieceTrainer({ vocabSize: 400 }).train(corpusLines);
    expect(fromArray.size).toBe(400);
    expect(fromStream.tokens).toEqual(fromArray.tokens);
    expect(again.tokens).toEqual(fromArray.tokens);
  });

  it('gives BERT special tokens the first ids, then the alphabet in code-point order', async () => {
    const vocabulary = await new WordPieceTrainer({ vocabSize: 200 }).train(['Fever, cough.']);
    expect(vocabulary.tokens.slice(0, 13)).toEqual(
      ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ',', '.', 'c', 'e', 'f', 'g', 'h', 'o'].slice(0, 13),
    );
    expect(new Set(vocabulary.tokens).size).toBe(vocabulary.size);
    expect(vocabulary.toVocabText().split('\n').slice(0, 3)).toEqual(['[PAD]', '[UNK]', '[CLS]']);
    expect(vocabulary.toVocabText().endsWith('\n')).toBe(true);
  });

  it('counts words with the BERT splitter, cased or not', () => {
    const uncased = new WordPieceTrainer();
    uncased.feed('Café CAFÉ café!');
    expect([...uncased.wordCounts]).toEqual([
      ['cafe', 3],
      ['!', 1],
    ]);
    const cased = new WordPieceTrainer({ lowercase: false });
    cased.feed('Café CAFÉ café!');
    expect(cased.wordCounts.get('Café')).toBe(1);
    expect(cased.wordCounts.get('CAFÉ')).toBe(1);
  });

  it('accepts an injected word splitter', async () => {
    const trainer = new WordPieceTrainer({ specialTokens: [], splitWords: (text) => text.split('|') });
    const vocabulary = await trainer.train(['ab|ab', 'ba']);
    expect(trainer.wordCounts).toEqual(
      new Map([
        ['ab', 2],
        ['ba', 1],
      ]),
    );
    // a, b, ##a, ##b, then (a,##b) count 2 → ab, then (b,##a) → ba.
    expect(vocabulary.tokens).toEqual(['a', 'b', '##a', '##b', 'ab', 'ba']);
    // With ##b numbered before ##a: same merges here (counts differ), other ids.
    const reordered = new WordPieceTrainer({
      specialTokens: [],
      continuationOrder: ['##b'],
    }).trainFromWordCounts(trainer.wordCounts);
    expect(reordered.tokens).toEqual(['a', 'b', '##b', '##a', 'ab', 'ba']);
  });

  it('writes a tokenizer.json that HF tokenizers loads and that covers every corpus word without [UNK]', async () => {
    // Enough room for every merge (the corpus exhausts its merges near 1,400 tokens).
    const vocabulary = await new WordPieceTrainer({ vocabSize: 5000 }).train(corpusLines);
    const json = vocabulary.toTokenizerJson();
    expect(json.added_tokens.map((token) => [token.id, token.content])).toEqual([
      [0, '[PAD]'],
      [1, '[UNK]'],
      [2, '[CLS]'],
      [3, '[SEP]'],
      [4, '[MASK]'],
    ]);
    const reference = hf.Tokenizer.fromString(JSON.stringify(json));
    expect(reference.getVocabSize(true)).toBe(vocabulary.size);
    const vocab = vocabulary.toVocabMap();
    for (const line of corpusLines.filter((text) => text.length > 0)) {
      const encoding = await reference.encode(line);
      const tokens = encoding.getTokens();
      expect(tokens[0]).toBe('[CLS]');
      expect(tokens.at(-1)).toBe('[SEP]');
      expect(tokens).not.toContain('[UNK]');
      expect(encoding.getIds()).toEqual(tokens.map((token) => vocab.get(token)));
    }
  });

  it("gives this package's Tokenizer over the trained vocabulary the ids HF gives", async () => {
    for (const lowercase of [true, false]) {
      const vocabulary = await new WordPieceTrainer({ vocabSize: 700, lowercase }).train(corpusLines);
      const ours = vocabulary.toTokenizer();
      const reference = hf.Tokenizer.fromString(JSON.stringify(vocabulary.toTokenizerJson()));
      for (const line of [...corpusLines, 'Unseen wörds: ¿qué? 肺炎 ﬁbrosis']) {
        const expected = await reference.encode(line);
        const actual = ours.encode(line);
        expect(actual.tokens).toEqual(expected.getTokens());
        expect(Array.from(actual.ids)).toEqual(expected.getIds());
      }
    }
  });

  it('round-trips a cased vocabulary through vocab.txt in HF WordPiece', async () => {
    const vocabulary = await new WordPieceTrainer({ vocabSize: 5000, lowercase: false }).train(corpusLines);
    expect(vocabulary.toTokenizerJson().normalizer).toEqual({
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: false,
    });
    const reference = hf.Tokenizer.fromString(JSON.stringify(vocabulary.toTokenizerJson()));
    const encoding = await reference.encode('Sjögren Müller β-blocker', null, { addSpecialTokens: false });
    expect(encoding.getTokens()).not.toContain('[UNK]');
    expect(encoding.getTokens().join(' ')).toContain('Sj');
  });

  it('omits the BERT template when [CLS] or [SEP] is missing', () => {
    const vocabulary = new WordPieceTrainer({ specialTokens: ['[UNK]'] }).trainFromWordCounts(
      new Map([['ab', 1]]),
    );
    expect(vocabulary.toTokenizerJson().post_processor).toBeNull();
    const twice = new WordPieceTrainer({ specialTokens: ['[UNK]', '[UNK]'] }).trainFromWordCounts(
      new Map([['a', 1]]),
    );
    expect(twice.tokens).toEqual(['[UNK]', 'a']);
    expect(twice.toTokenizerJson().added_tokens.map((token) => token.id)).toEqual([0]);
    expect(vocabulary.toTokenizerJson().model.vocab).toEqual({ '[UNK]': 0, a: 1, b: 2, '##b': 3, ab: 4 });
  });

  it('rejects bad options and inputs with InvalidArgumentError', async () => {
    const bad: [string, () => unknown][] = [
      ['vocabSize', () => new WordPieceTrainer({ vocabSize: 0 })],
      ['vocabSize', () => new WordPieceTrainer({ vocabSize: 1.5 })],
      ['minFrequency', () => new WordPieceTrainer({ minFrequency: -1 })],
      ['limitAlphabet', () => new WordPieceTrainer({ limitAlphabet: -2 })],
      ['specialTokens', () => new WordPieceTrainer({ specialTokens: [''] })],
      ['initialAlphabet', () => new WordPieceTrainer({ initialAlphabet: [''] })],
      ['continuingSubwordPrefix', () => new WordPieceTrainer({ continuingSubwordPrefix: 3 as never })],
      ['unkToken', () => new WordPieceTrainer({ unkToken: '' })],
      ['lowercase', () => new WordPieceTrainer({ lowercase: 'yes' as never })],
      ['stripAccents', () => new WordPieceTrainer({ stripAccents: 1 as never })],
      ['splitWords', () => new WordPieceTrainer({ splitWords: 'x' as never })],
      ['continuationOrder', () => new WordPieceTrainer({ continuationOrder: [1] as never })],
      ['text', () => new WordPieceTrainer().feed(42 as never)],
      ['wordCounts', () => new WordPieceTrainer().trainFromWordCounts({} as never)],
      ['wordCounts', () => new WordPieceTrainer().trainFromWordCounts(new Map([['a', -1]]))],
    ];
    for (const [argument, run] of bad) {
      let error: unknown;
      try {
        run();
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error), argument).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    await expect(new WordPieceTrainer().train(42 as never)).rejects.toThrow(/corpus/);
    expect(new WordPieceTrainer({ vocabSize: 5 }).trainFromWordCounts(new Map()).tokens).toEqual([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
    ]);
  });

  it('handles hostile words: emoji, lone surrogates, combining marks, empty texts', async () => {
    const vocabulary = await new WordPieceTrainer({ vocabSize: 100, lowercase: false }).train([
      '',
      '   ',
      '👍🏽👍🏽 x\uD800y',
      'e\u0301e\u0301',
    ]);
    expect(vocabulary.tokens).toContain('👍');
    expect(vocabulary.tokens).toContain('##🏽');
    expect(vocabulary.tokens.every((token) => token.length > 0)).toBe(true);
  });
});

describe('WordPieceVocabulary', () => {
  it('lists tokens as vocab.txt lines in id order', () => {
    const vocabulary = new WordPieceTrainer({ specialTokens: ['[UNK]'] }).trainFromWordCounts(
      new Map([['ab', 3]]),
    );
    expect(vocabulary.toVocabText()).toBe('[UNK]\na\nb\n##b\nab\n');
  });

  it('runs its TSDoc example', () => {
    const vocabulary = new WordPieceTrainer({ vocabSize: 100 }).trainFromWordCounts(new Map([['fever', 3]]));
    expect(vocabulary.tokens.slice(0, 6)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'e']);
    expect(vocabulary.toTokenizer().encode('fever').tokens).toEqual(['[CLS]', 'fever', '[SEP]']);
  });
});
