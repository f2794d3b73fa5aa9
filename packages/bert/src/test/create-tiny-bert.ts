import type { TokenizerLike } from '@icd/core';
import { MockTokenizer } from '@icd/core/test';
import { BertConfig, type BertConfigOptions } from '../config/bert-config.js';
import { BertForMaskedLM } from '../model/bert-for-masked-lm.js';

/**
 * The words of {@link createTinyTokenizer}'s vocabulary after the five specials (`[PAD]` 0, `[UNK]` 1,
 * `[CLS]` 2, `[SEP]` 3, `[MASK]` 4): short clinical words, so test notes read like notes.
 *
 * @example
 * ```ts
 * tinyBertWords.indexOf('pain') + 5; // the id of 'pain'
 * ```
 */
export const tinyBertWords: readonly string[] = [
  'the',
  'patient',
  'has',
  'chest',
  'pain',
  'fever',
  'cough',
  'acute',
  'chronic',
  'heart',
  'failure',
  'kidney',
  'disease',
  'diabetes',
  'mellitus',
  'type',
  'hypertension',
  'pneumonia',
  'myocardial',
  'infarction',
  'asthma',
  'no',
  'with',
  'and',
  'of',
  'history',
  'left',
  'right',
  'breath',
  'shortness',
  'yes',
  '.',
  ',',
];

/**
 * A tokenizer matching {@link createTinyBert}'s vocabulary: `@icd/core/test`'s `MockTokenizer` (lower
 * case, whitespace and punctuation split, no WordPiece) over {@link tinyBertWords}; unknown words map to
 * `[UNK]`.
 *
 * @example
 * ```ts
 * createTinyTokenizer().encode('Chest pain').ids; // [2, 8, 9, 3]
 * ```
 */
export function createTinyTokenizer(): TokenizerLike {
  return new MockTokenizer(tinyBertWords);
}

/**
 * Options of {@link createTinyBert}; every field of a `BertConfig` may be overridden.
 *
 * @example
 * ```ts
 * const options: TinyBertOptions = { numHiddenLayers: 1, seed: 3, addPoolingLayer: true };
 * const mlm = createTinyBert(options);
 * ```
 */
export interface TinyBertOptions extends BertConfigOptions {
  /** Seed of the weights (default 7): the same seed gives the same weights on every backend. */
  readonly seed?: number;
  /** Give the encoder a pooler (default false, as HF `BertForMaskedLM`). */
  readonly addPoolingLayer?: boolean;
}

/**
 * A real, tiny `BertForMaskedLM` for the tests of packages built on `@icd/bert` (prompts, heads,
 * Key-BERT): 2 layers, hidden size 16, 2 heads, intermediate size 32, 64 positions, a vocabulary of
 * the five specials + {@link tinyBertWords} (38 ids), with {@link createTinyTokenizer} attached as
 * `tokenizer`. Weights are drawn from N(0, 0.2²) with a fixed seed (tfjs' seeded generator runs in
 * JavaScript, so every backend gets the same values) and a forward pass takes milliseconds. Its
 * encoder is `model.bert` (a `BertModel`); dispose the model when done.
 *
 * @example
 * ```ts
 * const mlm = createTinyBert();
 * const { ids } = mlm.tokenizer!.encode('chest [MASK]'); // [2, 8, 4, 3]
 * const { logits } = await mlm.predictMasked({ inputIds: [ids] }); // logits.shape: [1, 4, 38]
 * mlm.dispose();
 * ```
 */
export function createTinyBert(options: TinyBertOptions = {}): BertForMaskedLM {
  const { seed = 7, addPoolingLayer = false, ...overrides } = options;
  const tokenizer = createTinyTokenizer();
  const config = new BertConfig({
    vocabSize: tokenizer.vocabSize,
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 64,
    initializerRange: 0.2,
    ...overrides,
  });
  return new BertForMaskedLM(config, { seed, addPoolingLayer, tokenizer });
}
