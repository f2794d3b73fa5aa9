import {
  assertInteger,
  type DecodeOptions,
  type EncodeOptions,
  invalidArgument,
  type SpecialTokens,
  type TokenizerLike,
} from '@icd/core';
import type { AddedToken } from './added-vocabulary.js';
import { buildVocabulary } from './build-vocabulary.js';
import { cleanUpTokenization } from './decoders/clean-up-tokenization.js';
import type { Decoder } from './decoders/decoder.js';
import { Encoding } from './encoding/encoding.js';
import type { EncodingData } from './encoding/encoding-data.js';
import { padEncodings } from './encoding/pad-encodings.js';
import { type ResolvedEncodeOptions, resolveEncodeOptions } from './encoding/resolve-encode-options.js';
import { SequenceEncoder } from './encoding/sequence-encoder.js';
import { truncateForEncode } from './encoding/truncate-encodings.js';
import { IdentityNormalizer, WholeTextPreTokenizer } from './identity-stages.js';
import type { Model } from './models/model.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { partsFromJson } from './parts-from-json.js';
import { type FromVocabOptions, partsFromVocab } from './parts-from-vocab.js';
import type { PostProcessor } from './post-processors/post-processor.js';
import { TemplateProcessing } from './post-processors/template-processing.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { resolveSpecialTokenNames } from './special-token-names.js';
import { type TokenizerConfigJson, tokenizerConfigOf } from './tokenizer-config.js';
import type { FromJsonOptions, TokenizerJson, TokenizerParts } from './tokenizer-parts.js';

/**
 * A BERT WordPiece tokenizer composed of HuggingFace-style stages (normalizer → pre-tokenizer → model →
 * post-processor, decoder for the way back), giving the ids, tokens and offsets of HF's Rust `tokenizers`
 * on the same `tokenizer.json`. Offsets are UTF-16 positions in the ORIGINAL text. Build it from data with
 * {@link Tokenizer.fromJSON} / {@link Tokenizer.fromVocab}; {@link loadTokenizer} reads files.
 *
 * One instance reuses internal buffers: do not share it between worker threads (each worker builds its own).
 *
 * @example
 * ```ts
 * const tokenizer = Tokenizer.fromJSON(readFileSync('tokenizer.json', 'utf8'));
 * const { ids, offsets, overflowing } = tokenizer.encode(note, null, { maxLength: 512, stride: 128 });
 * ```
 */
export class Tokenizer implements TokenizerLike {
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: Model;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder | null;
  readonly addedTokens: readonly AddedToken[];
  readonly specialTokens: SpecialTokens;
  /**
   * Whether {@link Tokenizer.decode} removes the spaces before punctuation and contractions in the whole
   * text (transformers' `clean_up_tokenization_spaces`, read from `tokenizer_config.json`), by default.
   */
  readonly cleanUpTokenizationSpaces: boolean;
  private readonly vocabulary: (string | undefined)[];
  private readonly addedIds = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly sequenceEncoder: SequenceEncoder;

  constructor(parts: TokenizerParts) {
    this.normalizer = parts.normalizer;
    this.preTokenizer = parts.preTokenizer;
    this.model = parts.model;
    this.postProcessor = parts.postProcessor;
    this.decoder = parts.decoder;
    this.addedTokens = parts.addedTokens ?? [];
    if (!Array.isArray(this.addedTokens))
      invalidArgument('Tokenizer', 'addedTokens', 'an array of added tokens', this.addedTokens);
    const cleanUp = parts.cleanUpTokenizationSpaces ?? false;
    if (typeof cleanUp !== 'boolean')
      invalidArgument('Tokenizer', 'cleanUpTokenizationSpaces', 'a boolean', cleanUp);
    this.cleanUpTokenizationSpaces = cleanUp;
    this.vocabulary = buildVocabulary(this.model, this.addedTokens, this.postProcessor);
    for (const token of this.addedTokens) {
      this.addedIds.set(token.content, token.id);
      if (token.special) this.specialIds.add(token.id);
    }
    this.sequenceEncoder = new SequenceEncoder(
      this.normalizer ?? new IdentityNormalizer(),
      this.preTokenizer ?? new WholeTextPreTokenizer(),
      this.model,
      this.addedTokens,
    );
    const template = this.postProcessor instanceof TemplateProcessing ? this.postProcessor.single : [];
    const specials = template.filter((piece) => piece.kind === 'special').map((piece) => piece.id);
    const unk = 'unkToken' in this.model ? String(this.model.unkToken) : '[UNK]';
    this.specialTokens = resolveSpecialTokenNames('Tokenizer', parts.specialTokens, {
      unk,
      cls: specials[0] ?? '[CLS]',
      sep: specials.at(-1) ?? '[SEP]',
      pad: '[PAD]',
      mask: '[MASK]',
    });
  }

  /**
   * A tokenizer from a HuggingFace `tokenizer.json` (parsed object, its text or its UTF-8 bytes).
   *
   * @example
   * ```ts
   * const tokenizer = Tokenizer.fromJSON(readFileSync('bert-base-uncased/tokenizer.json', 'utf8'));
   * ```
   */
  static fromJSON(
    tokenizerJson: TokenizerJson | string | Uint8Array,
    options: FromJsonOptions = {},
  ): Tokenizer {
    if (options === null || typeof options !== 'object')
      invalidArgument('fromJSON', 'options', 'an object', options);
    return new Tokenizer({
      ...partsFromJson(tokenizerJson, options.specialTokens ?? undefined),
      cleanUpTokenizationSpaces: options.cleanUpTokenizationSpaces,
    });
  }

  /**
   * A BERT tokenizer from the text of a `vocab.txt`, as `BertTokenizerFast(vocab_file, ...)` builds it.
   *
   * @example
   * ```ts
   * const tokenizer = Tokenizer.fromVocab(readFileSync('vocab.txt', 'utf8'), { lowercase: false });
   * ```
   */
  static fromVocab(vocabText: string, options: FromVocabOptions = {}): Tokenizer {
    return new Tokenizer(partsFromVocab(vocabText, options));
  }

  /** Number of ids, added tokens included. */
  get vocabSize(): number {
    return this.vocabulary.length;
  }

  tokenToId(token: string): number | undefined {
    return this.addedIds.get(token) ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.vocabulary[id] : undefined;
  }

  /**
   * Encodes a text (or a pair): ids, tokens, offsets into the original text, masks, overflowing windows.
   *
   * @example
   * ```ts
   * const encoding = tokenizer.encode(longNote, null, { maxLength: 512, stride: 128 });
   * const windows = [encoding, ...encoding.overflowing];
   * ```
   */
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding {
    const resolved = resolveEncodeOptions('encode', options);
    return new Encoding(
      this.padAll([this.encodeResolved(text, pair ?? null, resolved)], resolved)[0]!,
      this.vocabulary,
    );
  }

  /**
   * Encodes several texts or pairs; `padding: 'longest'` pads to the longest of the batch.
   *
   * @example
   * ```ts
   * tokenizer.encodeBatch(['chest pain', ['fever', 'cough']], { padding: true }).map((e) => e.ids.length);
   * ```
   */
  encodeBatch(inputs: readonly (string | readonly [string, string])[], options?: EncodeOptions): Encoding[] {
    if (!Array.isArray(inputs))
      invalidArgument('encodeBatch', 'inputs', 'an array of strings or pairs', inputs);
    const resolved = resolveEncodeOptions('encodeBatch', options);
    const data = inputs.map((input, index) => {
      if (typeof input === 'string') return this.encodeResolved(input, null, resolved);
      if (Array.isArray(input) && input.length === 2)
        return this.encodeResolved(input[0], input[1], resolved);
      return invalidArgument('encodeBatch', `inputs[${index}]`, 'a string or a [text, pair] tuple', input);
    });
    return this.padAll(data, resolved).map((encoding) => new Encoding(encoding, this.vocabulary));
  }

  private encodeResolved(text: string, pair: string | null, options: ResolvedEncodeOptions): EncodingData {
    if (typeof text !== 'string') invalidArgument('encode', 'text', 'a string', text);
    if (pair !== null && typeof pair !== 'string')
      invalidArgument('encode', 'pair', 'a string or null', pair);
    let first = this.sequenceEncoder.encode(text, 0);
    let second = pair === null ? null : this.sequenceEncoder.encode(pair, 1);
    if (options.truncation !== null) {
      const added = options.addSpecialTokens ? (this.postProcessor?.addedTokens(second !== null) ?? 0) : 0;
      [first, second] = truncateForEncode(first, second, added, options);
    }
    if (this.postProcessor !== null)
      return this.postProcessor.process(first, second, options.addSpecialTokens);
    const single = first.withSequence(0, 0);
    return second === null ? single : single.merge(second.withSequence(1, 1));
  }

  private padAll(encodings: EncodingData[], options: ResolvedEncodeOptions): EncodingData[] {
    if (options.padding === null) return encodings;
    const padId = this.tokenToId(this.specialTokens.pad);
    if (padId === undefined) {
      invalidArgument(
        'encode',
        'padding',
        `off: the pad token ${JSON.stringify(this.specialTokens.pad)} is not in the vocabulary`,
        options.padding,
      );
    }
    return padEncodings(encodings, options, padId);
  }

  /**
   * Text of `ids`: tokens joined by the decoder (WordPiece: `##` pieces glued, specials kept unless
   * `skipSpecialTokens`), then, with `cleanUpTokenizationSpaces` (default: this tokenizer's
   * {@link Tokenizer.cleanUpTokenizationSpaces}, read from `tokenizer_config.json`), transformers'
   * clean-up of spaces before punctuation and contractions over the whole text.
   *
   * @example
   * ```ts
   * tokenizer.decode(tokenizer.encode('Chest pain.').ids, { skipSpecialTokens: true }); // 'chest pain.'
   * ```
   */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids))
      invalidArgument('decode', 'ids', 'an array of ids', ids);
    if (options === null || typeof options !== 'object')
      invalidArgument('decode', 'options', 'an object', options);
    const skip = options.skipSpecialTokens ?? false;
    if (typeof skip !== 'boolean') invalidArgument('decode', 'skipSpecialTokens', 'a boolean', skip);
    const cleanUp = options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces;
    if (typeof cleanUp !== 'boolean')
      invalidArgument('decode', 'cleanUpTokenizationSpaces', 'a boolean', cleanUp);
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      assertInteger('decode', `ids[${i}]`, id, { min: 0, max: this.vocabulary.length - 1 });
      const token = this.vocabulary[id];
      if (token === undefined) invalidArgument('decode', `ids[${i}]`, 'an id with a token', id);
      if (skip && this.specialIds.has(id)) continue;
      tokens.push(token);
    }
    const text = this.decoder === null ? tokens.join(' ') : this.decoder.decode(tokens);
    return cleanUp ? cleanUpTokenization(text) : text;
  }

  /**
   * The `tokenizer_config.json` of this tokenizer (`do_lower_case`, `strip_accents`,
   * `tokenize_chinese_chars`, `clean_up_tokenization_spaces`, special-token names), written beside
   * `tokenizer.json` so that transformers and `loadTokenizer` reload the same casing.
   *
   * @example
   * ```ts
   * writeFileSync('tokenizer_config.json', JSON.stringify(tokenizer.toConfigJSON(), null, 2));
   * ```
   */
  toConfigJSON(): TokenizerConfigJson {
    return tokenizerConfigOf(this);
  }

  /**
   * The `tokenizer.json` document of this tokenizer, loadable by Python's `tokenizers.Tokenizer.from_str`
   * and `transformers`' `PreTrainedTokenizerFast(tokenizer_file=...)`.
   *
   * @example
   * ```ts
   * writeFileSync('tokenizer.json', JSON.stringify(tokenizer.toJSON()));
   * ```
   */
  toJSON(): TokenizerJson {
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.addedTokens.map((token) => ({
        id: token.id,
        content: token.content,
        single_word: token.singleWord,
        lstrip: token.lstrip,
        rstrip: token.rstrip,
        normalized: token.normalized,
        special: token.special,
      })),
      normalizer: this.normalizer?.toJSON() ?? null,
      pre_tokenizer: this.preTokenizer?.toJSON() ?? null,
      post_processor: this.postProcessor?.toJSON() ?? null,
      decoder: this.decoder?.toJSON() ?? null,
      model: this.model.toJSON(),
    };
  }
}
