import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import { applyActivation } from './activations.js';
import { layerNorm } from './layer-norm.js';
import { linear } from './linear.js';

/**
 * The transform of HF `BertPredictionHeadTransform`: LayerNorm(act(h·W_t + b_t)) on `[..., hidden]`,
 * returning the same shape. Run inside `tf.tidy`.
 */
export function maskedLMTransform(
  head: ReadonlyMap<string, tf.Tensor>,
  config: BertConfig,
  hidden: tf.Tensor,
): tf.Tensor {
  const get = (name: string) => head.get(name) as tf.Tensor;
  const flat = tf.reshape(hidden, [-1, config.hiddenSize]);
  const transformed = layerNorm(
    applyActivation(
      linear(
        flat,
        get('cls.predictions.transform.dense.weight'),
        get('cls.predictions.transform.dense.bias'),
      ),
      config.hiddenAct,
    ),
    get('cls.predictions.transform.LayerNorm.weight'),
    get('cls.predictions.transform.LayerNorm.bias'),
    config.layerNormEps,
  );
  return tf.reshape(transformed, hidden.shape);
}

/**
 * The decoder: t·Wᵀ + b on `[..., hidden]` → `[..., vocab]` with W `[vocab, hidden]`. Wᵀ is materialised
 * once: tfjs-wasm's fast matMul path has no transposed operand. Run inside `tf.tidy`.
 */
export function maskedLMDecode(weight: tf.Tensor, bias: tf.Tensor, transformed: tf.Tensor): tf.Tensor {
  const [vocab, width] = weight.shape as [number, number];
  const logits = linear(tf.reshape(transformed, [-1, width]), tf.transpose(weight), bias);
  return tf.reshape(logits, [...transformed.shape.slice(0, -1), vocab]);
}

/**
 * `[n]` int32 flat positions `row · sequence + column` into a `[batch, sequence]` batch, checked to be
 * integers in range (a tensor's with an in-graph min/max). A new tensor the caller disposes.
 */
export function toPositions(
  fn: string,
  positions: tf.Tensor | readonly number[],
  limit: number,
): tf.Tensor1D {
  const expected = `flat indices row · sequence + column in [0, ${limit - 1}]`;
  if (positions instanceof tf.Tensor) {
    if (positions.rank !== 1 || positions.dtype !== 'int32') {
      invalidArgument(fn, 'positions', 'a rank-1 int32 tensor', `${positions.dtype} [${positions.shape}]`);
    }
    // Checked on the values themselves (still on the CPU for a tensor made from indices, on WebGPU too),
    // so no GPU buffer is read synchronously.
    for (const position of positions.dataSync() as Int32Array) {
      if (position < 0 || position >= limit) invalidArgument(fn, 'positions', expected, position);
    }
    return positions.clone() as tf.Tensor1D;
  }
  if (!Array.isArray(positions))
    invalidArgument(fn, 'positions', 'an array or int32 tensor of indices', positions);
  for (const position of positions) {
    if (!Number.isInteger(position) || position < 0 || position >= limit) {
      invalidArgument(fn, 'positions', expected, position);
    }
  }
  return tf.tensor1d(positions as number[], 'int32');
}
