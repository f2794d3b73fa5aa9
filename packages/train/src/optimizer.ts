import type * as tf from '@tensorflow/tfjs-core';

/**
 * The serialisable state of an {@link Optimizer}: its update count, the per-parameter update counts
 * (a parameter that received no gradient has not been stepped, as in PyTorch) and its slot tensors by
 * `<slot>.<parameter name>` (e.g. `exp_avg.encoder.layer.0.attention.self.query.weight`). The tensors
 * belong to the optimizer: copy them before the optimizer is disposed.
 *
 * @example
 * ```ts
 * const state: OptimizerState = optimizer.getState();
 * state.kind; // 'adamw'
 * other.setState(state); // another AdamW over parameters of the same shapes
 * ```
 */
export interface OptimizerState {
  /** Which optimizer wrote it (`'adamw'`, `'adafactor'`); `setState` refuses another kind. */
  readonly kind: string;
  /** `applyGradients` calls so far. */
  readonly step: number;
  /** Updates each parameter has received (parameters never updated are absent). */
  readonly parameterSteps: Readonly<Record<string, number>>;
  /** Slot tensors by `<slot>.<parameter name>`. */
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
}

/**
 * What the {@link Trainer} needs from an optimizer. Parameters are addressed by name (a model's
 * HuggingFace names), never by tfjs variable name, so that checkpoints and weight-decay rules do not
 * depend on tfjs' globally unique variable names.
 *
 * Contract: `applyGradients` updates only the parameters present in `gradients` (a parameter without a
 * gradient, e.g. a frozen or unreached one, is left exactly as it is, moments and weight decay
 * included, as PyTorch skips parameters whose `.grad` is `None`); it never disposes the gradients.
 *
 * @example
 * ```ts
 * const optimizer: Optimizer = new AdamW(model.weights, { learningRate: 5e-5 });
 * optimizer.applyGradients(new Map([['classifier.weight', gradient]])); // at optimizer.learningRate
 * optimizer.applyGradients(gradients, 2.5e-5); // at a scheduled rate
 * optimizer.dispose();
 * ```
 */
export interface Optimizer {
  /** The parameters it may update, by name. */
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  /**
   * Base learning rate (what a schedule multiplies), or `undefined` when the optimizer computes its own
   * rate (Adafactor with `relativeStep`); then `applyGradients` refuses a `learningRate` argument.
   */
  readonly learningRate: number | undefined;
  /** `applyGradients` calls so far. */
  readonly step: number;
  /** One update; `learningRate` defaults to {@link Optimizer.learningRate}. */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate?: number): void;
  getState(): OptimizerState;
  /** Restores a state from `getState`; validates every tensor before assigning any. */
  setState(state: OptimizerState): void;
  /** Releases the slot tensors (not the parameters). */
  dispose(): void;
}
