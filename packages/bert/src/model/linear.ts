import * as tf from '@tensorflow/tfjs-core';

/**
 * A dense layer y = x·W + b on a `[rows, in]` matrix with `W` stored `[in, out]` (the transpose of
 * PyTorch's `nn.Linear.weight`), as one fused matMul-with-bias kernel.
 *
 * @example
 * ```ts
 * linear(tf.tensor2d([[1, 2]]), tf.tensor2d([[1], [1]]), tf.tensor1d([0.5])); // [[3.5]]
 * ```
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.fused.matMul({ a: x as tf.Tensor2D, b: weight as tf.Tensor2D, bias }) as tf.Tensor2D;
}
