import { assertFiniteNumber, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The global L2 norm of a set of gradients, N = ‖(‖g₁‖₂, …, ‖gₖ‖₂)‖₂ (one read-back).
 *
 * @example
 * ```ts
 * globalNorm(new Map([['a', tf.tensor([3])], ['b', tf.tensor([4])]])); // 5
 * ```
 */
export function globalNorm(gradients: ReadonlyMap<string, tf.Tensor>): number {
  if (!(gradients instanceof Map))
    invalidArgument('globalNorm', 'gradients', 'a Map of name to tf.Tensor', gradients);
  if (gradients.size === 0) return 0;
  const squared = tf.tidy(() =>
    tf.addN([...gradients.values()].map((gradient) => tf.sum(tf.square(gradient)))),
  );
  const norm = Math.sqrt(squared.dataSync()[0]!);
  squared.dispose();
  return norm;
}

/** {@link globalNorm} read back with `await data()` (GPU backends). @internal */
export async function globalNormAsync(gradients: ReadonlyMap<string, tf.Tensor>): Promise<number> {
  if (gradients.size === 0) return 0;
  const squared = tf.tidy(() =>
    tf.addN([...gradients.values()].map((gradient) => tf.sum(tf.square(gradient)))),
  );
  try {
    return Math.sqrt((await squared.data())[0]!);
  } finally {
    squared.dispose();
  }
}

/**
 * Rescales gradients so their global L2 norm is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`:
 * c = min(1, maxNorm / (N + 1e-6)), gᵢ ← c·gᵢ (Pascanu et al. 2013). Returns NEW tensors (the caller
 * disposes inputs and outputs) and the norm before clipping.
 *
 * @example
 * ```ts
 * const { gradients: clipped, totalNorm } = clipGradientsByGlobalNorm(gradients, 1.0);
 * tf.dispose([...clipped.values()]);
 * ```
 */
export function clipGradientsByGlobalNorm(
  gradients: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): { gradients: Map<string, tf.Tensor>; totalNorm: number } {
  assertFiniteNumber('clipGradientsByGlobalNorm', 'maxNorm', maxNorm, { min: Number.MIN_VALUE });
  const totalNorm = globalNorm(gradients);
  const coefficient = Math.min(1, maxNorm / (totalNorm + 1e-6));
  const clipped = new Map<string, tf.Tensor>();
  for (const [name, gradient] of gradients) {
    clipped.set(name, coefficient === 1 ? gradient.clone() : tf.tidy(() => tf.mul(gradient, coefficient)));
  }
  return { gradients: clipped, totalNorm };
}
