import { assertFiniteNumber, assertInteger, CheckpointError, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Options of {@link AdamW}; defaults are PyTorch's except `weightDecay` (BERT's 0.01).
 *
 * @example
 * ```ts
 * const options: AdamWOptions = { weightDecay: 0.01, beta2: 0.98, epsilon: 1e-6 };
 * const optimizer = new AdamW(model.weights, options);
 * ```
 */
export interface AdamWOptions {
  /** β₁, decay of the first-moment estimate. Default 0.9. */
  readonly beta1?: number;
  /** β₂, decay of the second-moment estimate. Default 0.999. */
  readonly beta2?: number;
  /** ε, added to √v̂ (outside the square root, as PyTorch). Default 1e-8. */
  readonly epsilon?: number;
  /** Decoupled weight-decay coefficient λ. Default 0.01. */
  readonly weightDecay?: number;
  /** Which parameters are NOT decayed. Default {@link isNoDecayParameter}. */
  readonly noDecay?: (name: string) => boolean;
}

/**
 * HF Trainer's rule for parameters exempt from weight decay: biases and LayerNorm weights, recognised by
 * their HuggingFace names (`….bias`, `…LayerNorm.weight`, `…layer_norm.weight`, old `gamma`/`beta`).
 *
 * @example
 * ```ts
 * isNoDecayParameter('encoder.layer.0.attention.output.LayerNorm.weight'); // true
 * isNoDecayParameter('encoder.layer.0.attention.self.query.weight'); // false
 * ```
 */
export function isNoDecayParameter(name: string): boolean {
  return /(^|\.)bias$|layernorm|layer_norm|\.gamma$|\.beta$/i.test(name);
}

/**
 * Moment estimates of {@link AdamW}, by parameter name, for checkpoints.
 *
 * @example
 * ```ts
 * const state: AdamWState = optimizer.getState();
 * state.step; // updates so far
 * other.setState(state);
 * ```
 */
export interface AdamWState {
  /** Number of updates applied so far. */
  readonly step: number;
  readonly expAvg: ReadonlyMap<string, tf.Tensor>;
  readonly expAvgSq: ReadonlyMap<string, tf.Tensor>;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), step for step as `torch.optim.AdamW`:
 * θ ← θ(1 − ηλ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
 * Parameters are addressed by their HuggingFace names so weight-decay exemptions and checkpoints are
 * independent of tfjs' (globally unique) variable names. The learning rate is passed to each `applyGradients`, so
 * any schedule can drive it.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW(model.weights, { weightDecay: 0.01 });
 * optimizer.applyGradients(gradients, 5e-5); // gradients: Map<hfName, tf.Tensor>
 * ```
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly decay: Map<string, boolean>;
  private readonly expAvg = new Map<string, tf.Variable>();
  private readonly expAvgSq = new Map<string, tf.Variable>();
  private stepCount = 0;

  constructor(
    private readonly parameters: ReadonlyMap<string, tf.Variable>,
    options: AdamWOptions = {},
  ) {
    if (!(parameters instanceof Map) || parameters.size === 0) {
      invalidArgument('AdamW', 'parameters', 'a non-empty Map of name to tf.Variable', parameters);
    }
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    assertFiniteNumber('AdamW', 'beta1', this.beta1, { min: 0, max: 0.999999 });
    assertFiniteNumber('AdamW', 'beta2', this.beta2, { min: 0, max: 0.999999 });
    assertFiniteNumber('AdamW', 'epsilon', this.epsilon, { min: 0 });
    assertFiniteNumber('AdamW', 'weightDecay', this.weightDecay, { min: 0 });
    const noDecay = options.noDecay ?? isNoDecayParameter;
    this.decay = new Map([...parameters.keys()].map((name) => [name, !noDecay(name)]));
    for (const [name, parameter] of parameters) {
      const zeros = tf.zerosLike(parameter);
      this.expAvg.set(name, tf.variable(zeros, false));
      this.expAvgSq.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** Number of updates applied so far (PyTorch's `state['step']`). */
  get step(): number {
    return this.stepCount;
  }

  /** Names of the parameters that receive weight decay. */
  get decayedParameters(): string[] {
    return [...this.decay].filter(([, decayed]) => decayed).map(([name]) => name);
  }

  /** Applies one update with learning rate `learningRate`; `gradients` must hold every parameter. */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate: number): void {
    assertFiniteNumber('AdamW.applyGradients', 'learningRate', learningRate, { min: 0 });
    for (const name of this.parameters.keys()) {
      if (!gradients.has(name))
        invalidArgument('AdamW.applyGradients', 'gradients', `a gradient for '${name}'`, undefined);
    }
    this.stepCount++;
    const t = this.stepCount;
    // Scalars in float64 on the JS side, as PyTorch computes them in Python floats.
    const stepSize = learningRate / (1 - this.beta1 ** t);
    const biasCorrection2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    for (const [name, parameter] of this.parameters) {
      const gradient = gradients.get(name)!;
      const expAvg = this.expAvg.get(name)!;
      const expAvgSq = this.expAvgSq.get(name)!;
      tf.tidy(() => {
        const decayed =
          this.decay.get(name) && this.weightDecay > 0
            ? tf.mul(parameter, 1 - learningRate * this.weightDecay)
            : parameter;
        const m = tf.add(tf.mul(expAvg, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(expAvgSq, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), this.epsilon);
        expAvg.assign(m);
        expAvgSq.assign(v);
        parameter.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)));
      });
    }
  }

  /** The moment estimates and step (the maps hold the optimizer's own variables: do not dispose). */
  getState(): AdamWState {
    return { step: this.stepCount, expAvg: this.expAvg, expAvgSq: this.expAvgSq };
  }

  /** Restores a state saved from {@link getState}; shapes must match the parameters. */
  setState(state: {
    step: number;
    expAvg: ReadonlyMap<string, tf.Tensor>;
    expAvgSq: ReadonlyMap<string, tf.Tensor>;
  }): void {
    assertInteger('AdamW.setState', 'step', state?.step, { min: 0 });
    for (const [name, parameter] of this.parameters) {
      for (const [which, source, target] of [
        ['exp_avg', state.expAvg, this.expAvg],
        ['exp_avg_sq', state.expAvgSq, this.expAvgSq],
      ] as const) {
        const value = source.get(name);
        if (!value || value.shape.join() !== parameter.shape.join()) {
          throw new CheckpointError({
            message: `optimizer state ${which} for '${name}' is ${value ? `of shape [${value.shape}]` : 'missing'}, expected [${parameter.shape}]`,
            tensor: name,
          });
        }
        target.get(name)!.assign(value);
      }
    }
    this.stepCount = state.step;
  }

  /** Releases the moment variables. */
  dispose(): void {
    for (const variable of [...this.expAvg.values(), ...this.expAvgSq.values()]) variable.dispose();
    this.expAvg.clear();
    this.expAvgSq.clear();
  }
}
