import type { SpecialTokens } from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import type { Decoder } from './decoders/decoder.js';
import type { Model } from './models/model.js';
import type { Normalizer } from './normalizers/normalizer.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';

/**
 * The stages a {@link Tokenizer} composes; `null` skips a stage, as in `tokenizer.json`.
 *
 * @example
 * ```ts
 * const tokenizer = new Tokenizer({ normalizer: new BertNormalizer(), preTokenizer: new BertPreTokenizer(),
 *   model: new WordPieceModel({ vocab }), postProcessor: null, decoder: new WordPieceDecoder() });
 * ```
 */
export interface TokenizerParts {
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: Model;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder | null;
  readonly addedTokens?: readonly AddedToken[];
  /**
   * Names of the special tokens; missing (or `null`) ones are guessed (`[PAD]`, `[MASK]`, the template's
   * first/last).
   */
  readonly specialTokens?: Partial<Record<keyof SpecialTokens, string | null>> | null;
  /**
   * Default of `decode`'s `cleanUpTokenizationSpaces` (transformers' `clean_up_tokenization_spaces`):
   * default false, as a bare `tokenizer.json` read by HF `tokenizers` decodes.
   */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/**
 * Options of {@link Tokenizer.fromJSON}: what `tokenizer_config.json` adds to a `tokenizer.json`.
 *
 * @example
 * ```ts
 * Tokenizer.fromJSON(tokenizerJsonText, { cleanUpTokenizationSpaces: true, specialTokens: { mask: '[MASK]' } });
 * ```
 */
export interface FromJsonOptions {
  /** Special-token names (`null` or absent: guessed from the template and the usual BERT names). */
  readonly specialTokens?: Partial<Record<keyof SpecialTokens, string | null>> | null;
  /**
   * Whether `decode` cleans up spaces by default (`clean_up_tokenization_spaces`). Default false: the
   * Rust `tokenizers` reading this file alone does not; {@link tokenizerFromFiles} and `loadTokenizer` read
   * it from `tokenizer_config.json` (default true there, as transformers' `BertTokenizer`).
   */
  readonly cleanUpTokenizationSpaces?: boolean;
}

/**
 * The `tokenizer.json` document (the fields this package reads and writes).
 *
 * @example
 * ```ts
 * const json = JSON.parse(readFileSync('tokenizer.json', 'utf8')) as TokenizerJson;
 * json.model.type; // 'WordPiece'
 * Tokenizer.fromJSON(json);
 * ```
 */
export interface TokenizerJson {
  readonly version?: string;
  readonly truncation?: unknown;
  readonly padding?: unknown;
  readonly added_tokens?: readonly {
    id: number;
    content: string;
    single_word?: boolean;
    lstrip?: boolean;
    rstrip?: boolean;
    normalized?: boolean;
    special?: boolean;
  }[];
  readonly normalizer?: { type: string; [key: string]: unknown } | null;
  readonly pre_tokenizer?: { type: string; [key: string]: unknown } | null;
  readonly post_processor?: { type: string; [key: string]: unknown } | null;
  readonly decoder?: { type: string; [key: string]: unknown } | null;
  readonly model: { type: string; [key: string]: unknown };
}
