import type { EncoderOutputOptions, ForwardOptions, TokenizerLike } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Options of a forward pass: what to return, and whether dropout is on.
 *
 * @example
 * ```ts
 * const options: BertForwardOptions = { outputHiddenStates: true, outputAttentions: true, training: false };
 * const output = model.forward({ inputIds: [[101, 7592, 102]] }, options);
 * disposeOutput(output);
 * ```
 */
export interface BertForwardOptions extends EncoderOutputOptions, ForwardOptions {}

/**
 * Options of {@link BertModel}'s constructor.
 *
 * @example
 * ```ts
 * const options: BertModelOptions = { seed: 42, addPoolingLayer: true };
 * const model = new BertModel(new BertConfig({ numHiddenLayers: 4, hiddenSize: 256, numAttentionHeads: 4 }), options);
 * ```
 */
export interface BertModelOptions {
  /** Include the pooler (`pooler.dense`, tanh over `[CLS]`), as HF `add_pooling_layer` (default true). */
  readonly addPoolingLayer?: boolean;
  /** Seed of the N(0, initializerRange²) initialisation of weights not given in `initialWeights`. */
  readonly seed?: number;
  /** Starting values by HF name (no `bert.` prefix), in memory layout (linear weights `[in, out]`). */
  readonly initialWeights?: ReadonlyMap<string, tf.Tensor>;
  /** A tokenizer to keep with the model; `save` writes its files. */
  readonly tokenizer?: TokenizerLike;
}
