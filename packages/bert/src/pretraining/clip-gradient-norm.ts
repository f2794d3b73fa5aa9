import { assertFiniteNumber } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rescales gradients so their global L2 norm is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`:
 * N = ‖(‖g₁‖₂, …, ‖gₖ‖₂)‖₂, c = min(1, maxNorm / (N + 1e-6)), gᵢ ← c·gᵢ (Pascanu et al. 2013).
 * Returns NEW tensors (the caller disposes the inputs and outputs) and the norm before clipping.
 *
 * @example
 * ```ts
 * const { gradients: clipped, totalNorm } = clipGradientNorm(gradients, 1.0);
 * ```
 */
export function clipGradientNorm(
  gradients: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): { gradients: Map<string, tf.Tensor>; totalNorm: number } {
  assertFiniteNumber('clipGradientNorm', 'maxNorm', maxNorm, { min: Number.MIN_VALUE });
  const squared = tf.tidy(() =>
    tf.addN([...gradients.values()].map((gradient) => tf.sum(tf.square(gradient)))),
  );
  const totalNorm = Math.sqrt(squared.dataSync()[0]!);
  squared.dispose();
  const coefficient = Math.min(1, maxNorm / (totalNorm + 1e-6));
  const clipped = new Map<string, tf.Tensor>();
  for (const [name, gradient] of gradients) {
    clipped.set(name, coefficient === 1 ? gradient.clone() : tf.tidy(() => tf.mul(gradient, coefficient)));
  }
  return { gradients: clipped, totalNorm };
}
