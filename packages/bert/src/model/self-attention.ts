import * as tf from '@tensorflow/tfjs-core';
import type { DropoutContext } from './dropout.js';
import { leadingSlice } from './leading-slice.js';
import { linear } from './linear.js';

/** The weights of one multi-head self-attention block (memory layout, see `linear`). */
export interface SelfAttentionWeights {
  readonly queryWeight: tf.Tensor;
  readonly queryBias: tf.Tensor;
  readonly keyWeight: tf.Tensor;
  readonly keyBias: tf.Tensor;
  readonly valueWeight: tf.Tensor;
  readonly valueBias: tf.Tensor;
}

/** Shapes of one attention call. */
export interface AttentionShape {
  readonly batch: number;
  readonly length: number;
  readonly heads: number;
  readonly headSize: number;
}

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017, eq. 1) as HF `BertSelfAttention`:
 * softmax(Q·Kᵀ/√d + M)·V per head, where M is the additive key mask (0 for tokens, the float32 minimum
 * for padding) computed once per forward pass, `[batch, 1, 1, length]`.
 *
 * `hidden` is `[batch·length, hiddenSize]`; returns the context `[batch·length, hiddenSize]` and the
 * attention probabilities `[batch, heads, length, length]` (when `returnProbabilities`).
 *
 * Two equivalent schedules: one batched matMul over `[batch, heads]` (best where batched matMul is
 * fast: cpu, webgl, webgpu, tensorflow), or, on wasm, one 2-D matMul per (sequence, head). tfjs-wasm
 * runs 2-D untransposed matMuls through XNNPACK (~30-40 GFLOP/s here) but batched or transposed ones
 * through a plain loop (~2-3 GFLOP/s), so Kᵀ is materialised once per layer and each head's product is
 * a 2-D one on a block taken with {@link leadingSlice}.
 */
export function selfAttention(
  hidden: tf.Tensor,
  weights: SelfAttentionWeights,
  additiveMask: tf.Tensor,
  shape: AttentionShape,
  attentionDropout: number,
  dropout: DropoutContext,
  returnProbabilities = true,
): { context: tf.Tensor2D; probabilities?: tf.Tensor4D } {
  const { batch, length, heads, headSize } = shape;
  const split = [batch, length, heads, headSize];
  // Scale Q before the product: the same result as HF's scaling of the scores, on S·d values not S².
  const query = tf.transpose(
    tf.reshape(
      tf.mul(linear(hidden, weights.queryWeight, weights.queryBias), 1 / Math.sqrt(headSize)),
      split,
    ),
    [0, 2, 1, 3],
  );
  const keyTransposed = tf.transpose(
    tf.reshape(linear(hidden, weights.keyWeight, weights.keyBias), split),
    [0, 2, 3, 1],
  );
  const value = tf.transpose(
    tf.reshape(linear(hidden, weights.valueWeight, weights.valueBias), split),
    [0, 2, 1, 3],
  );
  if (tf.getBackend() !== 'wasm') {
    const probabilities = tf.softmax(tf.add(tf.matMul(query, keyTransposed), additiveMask)) as tf.Tensor4D;
    const context = tf.matMul(dropout.apply(probabilities, attentionDropout), value);
    return {
      context: tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * length, heads * headSize]),
      probabilities,
    };
  }
  const pairs = batch * heads;
  const row = (tensor: tf.Tensor, index: number, rows: number, columns: number) =>
    tf.reshape(leadingSlice(tensor, index), [rows, columns]) as tf.Tensor2D;
  const queries = tf.reshape(query, [pairs, length, headSize]);
  const keys = tf.reshape(keyTransposed, [pairs, headSize, length]);
  const values = tf.reshape(value, [pairs, length, headSize]);
  const masks = tf.reshape(additiveMask, [batch, 1, length]);
  const probabilities: tf.Tensor[] = [];
  const contexts: tf.Tensor[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    // One tidy per block: scores and slices are freed as soon as the block's context exists, so peak
    // memory holds one [length, length] score matrix instead of batch·heads of them.
    const { context, probability } = tf.tidy(() => {
      const scores = tf.add(
        tf.matMul(row(queries, pair, length, headSize), row(keys, pair, headSize, length)),
        row(masks, Math.floor(pair / heads), 1, length),
      );
      const probabilities = tf.softmax(scores);
      const blockContext = tf.matMul(
        dropout.apply(probabilities, attentionDropout) as tf.Tensor2D,
        row(values, pair, length, headSize),
      );
      return returnProbabilities
        ? { context: blockContext, probability: probabilities }
        : { context: blockContext };
    });
    contexts.push(context);
    if (probability) probabilities.push(probability);
  }
  // [batch·heads, length, headSize] → [batch, length, heads·headSize]
  const context = tf.transpose(
    tf.reshape(tf.stack(contexts), [batch, heads, length, headSize]),
    [0, 2, 1, 3],
  );
  return {
    context: tf.reshape(context, [batch * length, heads * headSize]),
    ...(returnProbabilities
      ? { probabilities: tf.reshape(tf.stack(probabilities), [batch, heads, length, length]) as tf.Tensor4D }
      : {}),
  };
}
