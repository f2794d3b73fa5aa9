import * as tf from '@tensorflow/tfjs-core';

/**
 * Layer normalisation over the last axis (Ba et al. 2016), as PyTorch `nn.LayerNorm`:
 * y = (x − μ) / √(σ² + ε) · γ + β, with μ and the biased variance σ² taken over the last axis.
 *
 * @example
 * ```ts
 * layerNorm(tf.tensor2d([[1, 2, 3]]), tf.ones([3]), tf.zeros([3]), 1e-12); // ≈ [[-1.2247, 0, 1.2247]]
 * ```
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normalized, gamma), beta);
  });
}
