import type { EncoderOutput, MaskedLMOutput, TokenizerLike } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { BertForwardOptions } from './bert-model-options.js';

/**
 * Options of {@link BertForMaskedLM}'s constructor.
 *
 * @example
 * ```ts
 * const options: BertForMaskedLMOptions = { seed: 1, addPoolingLayer: false };
 * const mlm = new BertForMaskedLM(new BertConfig({ vocabSize: 8000 }), options);
 * ```
 */
export interface BertForMaskedLMOptions {
  /** Give the encoder a pooler (default false, as HF `BertForMaskedLM`). */
  readonly addPoolingLayer?: boolean;
  /** Seed of the initialisation of weights not given. */
  readonly seed?: number;
  /** Starting values by HF `BertForMaskedLM` name (`bert.…`, `cls.predictions.…`), memory layout. */
  readonly initialWeights?: ReadonlyMap<string, tf.Tensor>;
  readonly tokenizer?: TokenizerLike;
}

/**
 * Options of {@link BertForMaskedLM.forwardMasked}: a forward pass's options plus the positions to score.
 *
 * @example
 * ```ts
 * const options: BertMaskedLMForwardOptions = { positions: [4, 16 + 2], training: true, dropoutSeed: 3 };
 * const { logits } = mlm.forwardMasked(batch, options); // [2, vocabSize]
 * ```
 */
export interface BertMaskedLMForwardOptions extends BertForwardOptions {
  /** Flat indices `row · sequence + column` (numbers or a rank-1 int32 tensor); `logits` is then `[n, vocab]`. */
  readonly positions?: tf.Tensor | readonly number[];
}

/**
 * Forward output of the masked LM: logits plus the encoder outputs asked for.
 *
 * @example
 * ```ts
 * const output: BertMaskedLMOutput = mlm.forwardMasked({ inputIds: [[101, 103, 102]] });
 * output.logits.shape; // [1, 3, vocabSize]
 * disposeOutput(output);
 * ```
 */
export type BertMaskedLMOutput = MaskedLMOutput<tf.Tensor> & EncoderOutput<tf.Tensor>;
