/**
 * The output of tokenizing one text (or one text pair), aligned position by position, as HuggingFace
 * tokenizers' `Encoding`. All arrays have the same length: the number of tokens, specials and padding
 * included.
 *
 * Implementations may compute the array properties lazily from typed arrays; treat them as read-only.
 *
 * @example
 * ```ts
 * const encoding = tokenizer.encode('Chest pain');
 * encoding.tokens; // ['[CLS]', 'chest', 'pain', '[SEP]']
 * encoding.offsets; // [[0, 0], [0, 5], [6, 10], [0, 0]]
 * ```
 */
export interface Encoding {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
  /**
   * `[start, end)` character offsets (UTF-16 code units) of each token in the ORIGINAL input text,
   * `[0, 0]` for special and padding tokens. For a pair, offsets of second-sequence tokens refer to the
   * second text (use `sequenceIds` to tell them apart).
   */
  readonly offsets: readonly (readonly [number, number])[];
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: readonly number[];
  /** Segment ids: 0 for the first sequence (and its specials), 1 for the second. */
  readonly typeIds: readonly number[];
  /** 1 for special tokens added by the post-processor (`[CLS]`, `[SEP]`) and padding, 0 otherwise. */
  readonly specialTokensMask: readonly number[];
  /** Index of the pre-tokenized word each token comes from; `null` for specials and padding. */
  readonly wordIds: readonly (number | null)[];
  /** Which input sequence each token comes from (0 or 1); `null` for specials and padding. */
  readonly sequenceIds: readonly (number | null)[];
  /** Further windows of a text longer than `maxLength` when `returnOverflowing` / a stride was asked for. */
  readonly overflowing: readonly Encoding[];
}

/** Options of {@link TokenizerLike.encode}; implementations may accept more. */
export interface EncodeOptions {
  /** Add `[CLS]` / `[SEP]` (default true). */
  readonly addSpecialTokens?: boolean;
  /** Truncate to at most this many tokens, specials included. */
  readonly maxLength?: number;
  readonly truncation?: boolean | 'longest_first' | 'only_first' | 'only_second';
  /** Tokens shared by consecutive overflowing windows (HF `stride`). */
  readonly stride?: number;
  /** Keep the truncated remainder as `overflowing` windows (default false). */
  readonly returnOverflowing?: boolean;
  readonly padding?: boolean | 'longest' | 'max_length';
  readonly paddingSide?: 'right' | 'left';
  /** Pad lengths up to a multiple of this number (e.g. 8 for tensor cores). */
  readonly padToMultipleOf?: number;
}

/** Options of {@link TokenizerLike.decode}. */
export interface DecodeOptions {
  readonly skipSpecialTokens?: boolean;
  /**
   * transformers' `clean_up_tokenization_spaces`: remove the spaces decoding leaves before punctuation and
   * contractions over the whole text (`"should ' ve"` → `"should've"`). Default: the tokenizer's setting
   * (`tokenizer_config.json`'s value for `@icd/tokenizer`).
   */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/** The special tokens a BERT-style model needs, as strings present in the vocabulary. */
export interface SpecialTokens {
  readonly unk: string;
  readonly cls: string;
  readonly sep: string;
  readonly pad: string;
  readonly mask: string;
}

/**
 * What every consumer of a tokenizer needs: `@icd/bert` for long-note windows, `@icd/prompt` to place
 * the mask token, `@icd/keybert` to count a token budget. `@icd/tokenizer`'s `Tokenizer` implements it;
 * a user may wrap another tokenizer in it.
 *
 * @example
 * ```ts
 * function tokenBudget(tokenizer: TokenizerLike, text: string): number {
 *   return tokenizer.encode(text, null, { addSpecialTokens: false }).ids.length;
 * }
 * ```
 */
export interface TokenizerLike {
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding;
  encodeBatch(inputs: readonly (string | readonly [string, string])[], options?: EncodeOptions): Encoding[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  /** Id of a vocabulary token, `undefined` when absent. */
  tokenToId(token: string): number | undefined;
  /** Token of an id, `undefined` when out of range. */
  idToToken(id: number): string | undefined;
}
