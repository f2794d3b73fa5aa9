import { assertInteger, invalidArgument } from '@icd/core';
import { bertWordSplitter } from './bert-word-splitter.js';
import { learnWordPieceVocabulary } from './learn-wordpiece-vocabulary.js';
import { WordPieceVocabulary } from './wordpiece-vocabulary.js';

/**
 * Splits one text of the corpus into the words to count (normalise, then pre-tokenise).
 *
 * @example
 * ```ts
 * const splitWords: WordSplitter = (text) => text.toLowerCase().split(/\s+/).filter(Boolean);
 * new WordPieceTrainer({ splitWords });
 * ```
 */
export type WordSplitter = (text: string) => Iterable<string>;

/**
 * Options of {@link WordPieceTrainer}. Defaults are HF `WordPieceTrainer`'s except `specialTokens`.
 *
 * @example
 * ```ts
 * const options: WordPieceTrainerOptions = { vocabSize: 30_000, minFrequency: 2, lowercase: false, limitAlphabet: 1000 };
 * const vocabulary = await new WordPieceTrainer(options).train(readCorpusLines('notes/'));
 * ```
 */
export interface WordPieceTrainerOptions {
  /** Target vocabulary size, special tokens and alphabet included. Default 30000. */
  vocabSize?: number;
  /** A pair is merged only if its count is at least this (HF: `min_frequency`). Default 0. */
  minFrequency?: number;
  /**
   * Tokens given the first ids, in this order. Default `[PAD] [UNK] [CLS] [SEP] [MASK]` (BERT's), so the
   * vocabulary works with a BERT tokenizer; HF `WordPieceTrainer`'s default is none: pass `[]` for that.
   */
  specialTokens?: readonly string[];
  /** Keep at most this many characters in the alphabet, the most frequent (HF: `limit_alphabet`). */
  limitAlphabet?: number;
  /** Characters always in the alphabet, even when unseen (first character of each string is used). */
  initialAlphabet?: readonly string[];
  /** Prefix of non-initial pieces. Default `##`. */
  continuingSubwordPrefix?: string;
  /** Unknown token named in `tokenizer.json`. Default `[UNK]`. */
  unkToken?: string;
  /** Lower-case in the default splitter and in `tokenizer.json`'s BertNormalizer. Default true. */
  lowercase?: boolean;
  /** Strip accents (default: same as `lowercase`, like HF's `strip_accents: null`). */
  stripAccents?: boolean;
  /**
   * Advanced: the `##x` continuation tokens to number first, in this order (others follow in code-point
   * order, the default). HF numbers them in a random order on each run; passing the `##x` lines of an
   * HF-trained `vocab.txt`, in order, reproduces that HF vocabulary exactly.
   */
  continuationOrder?: readonly string[];
  /**
   * Word splitting of the corpus. Default: HF's BertNormalizer (with `lowercase` / `stripAccents`) then
   * BertPreTokenizer, i.e. what `tokenizer.train(files)` does with a BERT pipeline.
   */
  splitWords?: WordSplitter;
}

const defaultSpecialTokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * Trains a WordPiece vocabulary (`vocab.txt` / `tokenizer.json`) on a streamed corpus, with the algorithm
 * and tie-breaking of HuggingFace tokenizers' `WordPieceTrainer` (a BPE trainer with the `##`
 * continuing-subword prefix; see `docs/guide/tokenizer-trainer.md`). Only word counts are kept in
 * memory, never the corpus. Deterministic: the same corpus and options give the same vocabulary.
 *
 * Merge rule: repeatedly join the adjacent pair of pieces with the highest count
 * `count(a, b) = Σ_words count(word) · occurrences(a b in word)`, ties to the pair with smaller ids.
 *
 * @example
 * ```ts
 * const trainer = new WordPieceTrainer({ vocabSize: 8000, minFrequency: 2 });
 * const vocabulary = await trainer.train(readCorpusLines('notes/'));
 * await writeFile('vocab.txt', vocabulary.toVocabText());
 * ```
 */
export class WordPieceTrainer {
  readonly vocabSize: number;
  readonly minFrequency: number;
  readonly specialTokens: readonly string[];
  readonly limitAlphabet: number | undefined;
  readonly initialAlphabet: readonly string[];
  readonly continuingSubwordPrefix: string;
  readonly unkToken: string;
  readonly lowercase: boolean;
  readonly stripAccents: boolean | undefined;
  readonly continuationOrder: readonly string[];
  private readonly splitWords: WordSplitter;
  private readonly counts = new Map<string, number>();

  constructor(options: WordPieceTrainerOptions = {}) {
    const name = 'WordPieceTrainer';
    const {
      vocabSize = 30000,
      minFrequency = 0,
      specialTokens = defaultSpecialTokens,
      limitAlphabet,
      initialAlphabet = [],
      continuingSubwordPrefix = '##',
      unkToken = '[UNK]',
      lowercase = true,
      stripAccents,
      continuationOrder = [],
    } = options;
    assertInteger(name, 'vocabSize', vocabSize, { min: 1, max: 2 ** 24 });
    assertInteger(name, 'minFrequency', minFrequency, { min: 0 });
    if (limitAlphabet !== undefined) assertInteger(name, 'limitAlphabet', limitAlphabet, { min: 0 });
    if (
      !Array.isArray(specialTokens) ||
      specialTokens.some((token) => typeof token !== 'string' || token === '')
    ) {
      invalidArgument(name, 'specialTokens', 'an array of non-empty strings', specialTokens);
    }
    if (
      !Array.isArray(initialAlphabet) ||
      initialAlphabet.some((item) => typeof item !== 'string' || item === '')
    ) {
      invalidArgument(name, 'initialAlphabet', 'an array of non-empty strings', initialAlphabet);
    }
    if (typeof continuingSubwordPrefix !== 'string') {
      invalidArgument(name, 'continuingSubwordPrefix', 'a string', continuingSubwordPrefix);
    }
    if (typeof unkToken !== 'string' || unkToken === '')
      invalidArgument(name, 'unkToken', 'a non-empty string', unkToken);
    if (typeof lowercase !== 'boolean') invalidArgument(name, 'lowercase', 'a boolean', lowercase);
    if (stripAccents !== undefined && typeof stripAccents !== 'boolean') {
      invalidArgument(name, 'stripAccents', 'a boolean or undefined', stripAccents);
    }
    if (!Array.isArray(continuationOrder) || continuationOrder.some((token) => typeof token !== 'string')) {
      invalidArgument(name, 'continuationOrder', 'an array of strings', continuationOrder);
    }
    if (options.splitWords !== undefined && typeof options.splitWords !== 'function') {
      invalidArgument(name, 'splitWords', 'a function (text) => words', options.splitWords);
    }
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
    this.specialTokens = [...specialTokens];
    this.limitAlphabet = limitAlphabet;
    this.initialAlphabet = initialAlphabet.map((item) => String.fromCodePoint(item.codePointAt(0)!));
    this.continuingSubwordPrefix = continuingSubwordPrefix;
    this.unkToken = unkToken;
    this.lowercase = lowercase;
    this.stripAccents = stripAccents;
    this.continuationOrder = [...continuationOrder];
    this.splitWords = options.splitWords ?? bertWordSplitter(lowercase, stripAccents ?? lowercase);
  }

  /** Word counts gathered so far by {@link feed} / {@link train}. */
  get wordCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** Counts the words of one text (a line, a note). */
  feed(text: string): void {
    if (typeof text !== 'string') invalidArgument('WordPieceTrainer.feed', 'text', 'a string', text);
    const counts = this.counts;
    for (const word of this.splitWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }

  /**
   * Feeds every text of `corpus` (an array, a generator, or an async stream such as
   * {@link readCorpusLines}), then learns the vocabulary from all counts fed so far.
   */
  async train(corpus: Iterable<string> | AsyncIterable<string> = []): Promise<WordPieceVocabulary> {
    if (corpus === null || (typeof corpus !== 'object' && typeof corpus !== 'function')) {
      invalidArgument('WordPieceTrainer.train', 'corpus', 'an Iterable or AsyncIterable of strings', corpus);
    }
    if (Symbol.asyncIterator in corpus) {
      for await (const text of corpus) this.feed(text);
    } else if (Symbol.iterator in corpus) {
      for (const text of corpus) this.feed(text);
    } else {
      invalidArgument('WordPieceTrainer.train', 'corpus', 'an Iterable or AsyncIterable of strings', corpus);
    }
    return this.trainFromWordCounts(this.counts);
  }

  /** Learns the vocabulary from explicit word counts (HF: `BpeTrainer::do_train`). */
  trainFromWordCounts(wordCounts: ReadonlyMap<string, number>): WordPieceVocabulary {
    const name = 'WordPieceTrainer.trainFromWordCounts';
    if (!(wordCounts instanceof Map))
      invalidArgument(name, 'wordCounts', 'a Map<string, number>', wordCounts);
    for (const [word, count] of wordCounts) {
      if (typeof word !== 'string' || !Number.isInteger(count) || count < 0) {
        invalidArgument(name, 'wordCounts', `string keys and integer counts >= 0 (entry "${word}")`, count);
      }
    }
    const tokens = learnWordPieceVocabulary(wordCounts, {
      vocabSize: this.vocabSize,
      minFrequency: this.minFrequency,
      specialTokens: this.specialTokens,
      limitAlphabet: this.limitAlphabet,
      initialAlphabet: this.initialAlphabet,
      continuingSubwordPrefix: this.continuingSubwordPrefix,
      continuationOrder: this.continuationOrder,
    });
    return new WordPieceVocabulary(tokens, {
      specialTokens: this.specialTokens,
      unkToken: this.unkToken,
      continuingSubwordPrefix: this.continuingSubwordPrefix,
      lowercase: this.lowercase,
      stripAccents: this.stripAccents,
    });
  }
}
