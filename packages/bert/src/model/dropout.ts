import * as tf from '@tensorflow/tfjs-core';

/**
 * Dropout state of one forward pass. With a `seed`, site k of the pass draws its mask from seed + k,
 * so a seeded training step is reproducible; without one, masks are random.
 */
export class DropoutContext {
  private site = 0;

  constructor(
    readonly training: boolean,
    private readonly seed?: number,
  ) {}

  /** Inverted dropout (kept values scaled by 1/(1−rate)) when training, identity otherwise. */
  apply(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.training || rate === 0) return x;
    const seed = this.seed === undefined ? undefined : this.seed * 7919 + this.site++;
    return tf.dropout(x, rate, undefined, seed);
  }
}
