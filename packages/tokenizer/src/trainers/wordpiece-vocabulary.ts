import { Tokenizer } from '../tokenizer.js';
import { buildTrainedTokenizerJson, type TrainedTokenizerJson } from './build-trained-tokenizer-json.js';

/**
 * How a {@link WordPieceVocabulary} was trained; decides its `tokenizer.json` pipeline.
 *
 * @example
 * ```ts
 * const settings: WordPieceVocabularySettings = {
 *   specialTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'],
 *   unkToken: '[UNK]',
 *   continuingSubwordPrefix: '##',
 *   lowercase: true,
 *   stripAccents: undefined,
 * };
 * new WordPieceVocabulary(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', '##b'], settings);
 * ```
 */
export interface WordPieceVocabularySettings {
  specialTokens: readonly string[];
  unkToken: string;
  continuingSubwordPrefix: string;
  lowercase: boolean;
  /** `undefined`: follows `lowercase` (HF `strip_accents: null`). */
  stripAccents: boolean | undefined;
}

/**
 * The result of {@link WordPieceTrainer}: tokens in id order, writable as `vocab.txt` (one token per
 * line, line n = id n, as BERT's `vocab.txt`) or as a HuggingFace `tokenizer.json` that Python
 * `tokenizers` / `transformers` and this package load.
 *
 * @example
 * ```ts
 * const vocabulary = new WordPieceTrainer({ vocabSize: 100 }).trainFromWordCounts(new Map([['fever', 3]]));
 * vocabulary.tokens.slice(0, 6); // ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'e']
 * vocabulary.toVocabText();      // '[PAD]\n[UNK]\n...'
 * vocabulary.toTokenizer().encode('fever').tokens; // ['[CLS]', 'fever', '[SEP]']
 * ```
 */
export class WordPieceVocabulary {
  readonly tokens: readonly string[];
  readonly settings: Readonly<WordPieceVocabularySettings>;

  constructor(tokens: readonly string[], settings: WordPieceVocabularySettings) {
    this.tokens = Object.freeze([...tokens]);
    this.settings = Object.freeze({ ...settings, specialTokens: [...settings.specialTokens] });
  }

  /** Number of tokens. */
  get size(): number {
    return this.tokens.length;
  }

  /** `vocab.txt` content: each token followed by `\n`, in id order (what HF's `WordPiece.save` writes). */
  toVocabText(): string {
    return this.tokens.length === 0 ? '' : `${this.tokens.join('\n')}\n`;
  }

  /** Token → id. */
  toVocabMap(): Map<string, number> {
    return new Map(this.tokens.map((token, id) => [token, id]));
  }

  /**
   * A HuggingFace `tokenizer.json` object (BertNormalizer, BertPreTokenizer, `[CLS] A [SEP]` /
   * `[CLS] A [SEP] B [SEP]` template when both tokens exist, WordPiece model and decoder), the layout
   * HF writes for a BERT tokenizer trained with `WordPieceTrainer`. Serialise with `JSON.stringify`.
   */
  toTokenizerJson(): TrainedTokenizerJson {
    return buildTrainedTokenizerJson(this.tokens, this.settings);
  }

  /** A ready {@link Tokenizer} over this vocabulary: `Tokenizer.fromJSON(this.toTokenizerJson())`. */
  toTokenizer(): Tokenizer {
    return Tokenizer.fromJSON(this.toTokenizerJson());
  }
}
