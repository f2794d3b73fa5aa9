import { assertFiniteNumber, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { checkGradients, checkParameters, readOptimizerState, zeroVariable } from './optimizer-state.js';

/**
 * Options of {@link AdamW}; defaults are PyTorch's except `weightDecay` (BERT's 0.01).
 *
 * @example
 * ```ts
 * const options: AdamWOptions = { learningRate: 5e-5, weightDecay: 0.01, beta2: 0.98, epsilon: 1e-6 };
 * const optimizer = new AdamW(model.weights, options);
 * ```
 */
export interface AdamWOptions {
  /** Base learning rate η (a schedule multiplies it). Default 1e-3, as PyTorch. */
  readonly learningRate?: number;
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
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), step for step as `torch.optim.AdamW`:
 * θ ← θ(1 − ηλ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * θ ← θ − (η / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε), with t the parameter's own update count.
 * A parameter without a gradient in a call is skipped entirely (no decay, no moment update), as
 * PyTorch skips parameters whose `.grad` is `None`; moments are allocated on a parameter's first
 * gradient, so frozen parameters cost no memory. Slots: `exp_avg.<name>`, `exp_avg_sq.<name>`.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW(model.weights, { learningRate: 5e-5, weightDecay: 0.01 });
 * optimizer.applyGradients(gradients); // gradients: Map<hfName, tf.Tensor>
 * optimizer.applyGradients(gradients, 2.5e-5); // a scheduled rate
 * ```
 */
export class AdamW implements Optimizer {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly decay: Map<string, boolean>;
  private readonly expAvg = new Map<string, tf.Variable>();
  private readonly expAvgSq = new Map<string, tf.Variable>();
  private readonly parameterSteps = new Map<string, number>();
  private stepCount = 0;

  constructor(
    readonly parameters: ReadonlyMap<string, tf.Variable>,
    options: AdamWOptions = {},
  ) {
    checkParameters('AdamW', parameters);
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    assertFiniteNumber('AdamW', 'learningRate', this.learningRate, { min: 0 });
    assertFiniteNumber('AdamW', 'beta1', this.beta1, { min: 0, max: 0.999999 });
    assertFiniteNumber('AdamW', 'beta2', this.beta2, { min: 0, max: 0.999999 });
    assertFiniteNumber('AdamW', 'epsilon', this.epsilon, { min: 0 });
    assertFiniteNumber('AdamW', 'weightDecay', this.weightDecay, { min: 0 });
    const noDecay = options.noDecay ?? isNoDecayParameter;
    if (typeof noDecay !== 'function')
      invalidArgument('AdamW', 'noDecay', 'a function name => boolean', noDecay);
    this.decay = new Map([...parameters.keys()].map((name) => [name, !noDecay(name)]));
  }

  /** `applyGradients` calls so far. */
  get step(): number {
    return this.stepCount;
  }

  /** Names of the parameters that receive weight decay. */
  get decayedParameters(): string[] {
    return [...this.decay].filter(([, decayed]) => decayed).map(([name]) => name);
  }

  /** Updates the parameters named in `gradients` (others are untouched) at `learningRate`. */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate: number = this.learningRate): void {
    assertFiniteNumber('AdamW.applyGradients', 'learningRate', learningRate, { min: 0 });
    checkGradients('AdamW.applyGradients', this.parameters, gradients);
    this.stepCount++;
    for (const [name, gradient] of gradients) {
      const parameter = this.parameters.get(name)!;
      let expAvg = this.expAvg.get(name);
      let expAvgSq = this.expAvgSq.get(name);
      if (!expAvg || !expAvgSq) {
        expAvg = zeroVariable(parameter);
        expAvgSq = zeroVariable(parameter);
        this.expAvg.set(name, expAvg);
        this.expAvgSq.set(name, expAvgSq);
      }
      const t = (this.parameterSteps.get(name) ?? 0) + 1;
      this.parameterSteps.set(name, t);
      // Scalars in float64 on the JS side, as PyTorch computes them in Python floats.
      const stepSize = learningRate / (1 - this.beta1 ** t);
      const biasCorrection2Sqrt = Math.sqrt(1 - this.beta2 ** t);
      const m0 = expAvg;
      const v0 = expAvgSq;
      tf.tidy(() => {
        const decayed =
          this.decay.get(name) && this.weightDecay > 0
            ? tf.mul(parameter, 1 - learningRate * this.weightDecay)
            : parameter;
        const m = tf.add(tf.mul(m0, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(v0, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), this.epsilon);
        m0.assign(m);
        v0.assign(v);
        parameter.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)));
      });
    }
  }

  /** Step counts and moments (`exp_avg.<name>`, `exp_avg_sq.<name>`; the optimizer's own tensors). */
  getState(): OptimizerState {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, value] of this.expAvg) tensors.set(`exp_avg.${name}`, value);
    for (const [name, value] of this.expAvgSq) tensors.set(`exp_avg_sq.${name}`, value);
    return {
      kind: 'adamw',
      step: this.stepCount,
      parameterSteps: Object.fromEntries(this.parameterSteps),
      tensors,
    };
  }

  /** Restores a state from {@link getState}; a `CheckpointError` leaves this optimizer unchanged. */
  setState(state: OptimizerState): void {
    const read = readOptimizerState('adamw', state, this.parameters, (_name, shape) => ({
      exp_avg: shape,
      exp_avg_sq: shape,
    }));
    this.dispose();
    for (const name of read.parameterSteps.keys()) {
      this.expAvg.set(name, tf.variable(read.tensors.get(`exp_avg.${name}`)!, false));
      this.expAvgSq.set(name, tf.variable(read.tensors.get(`exp_avg_sq.${name}`)!, false));
    }
    tf.dispose([...read.tensors.values()]);
    this.parameterSteps.clear();
    for (const [name, steps] of read.parameterSteps) this.parameterSteps.set(name, steps);
    this.stepCount = read.step;
  }

  /** Releases the moment variables. */
  dispose(): void {
    for (const variable of [...this.expAvg.values(), ...this.expAvgSq.values()]) variable.dispose();
    this.expAvg.clear();
    this.expAvgSq.clear();
  }
}
