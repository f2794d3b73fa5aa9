import { assertFiniteNumber, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { checkGradients, checkParameters, readOptimizerState, zeroVariable } from './optimizer-state.js';

/**
 * Options of {@link Adafactor}: HF transformers' `Adafactor` arguments in camelCase, with its defaults.
 * The prompt-learning setup (OpenPrompt's tutorial) is
 * `{ learningRate: 0.3, relativeStep: false, scaleParameter: false, warmupInit: false }` plus a schedule.
 *
 * @example
 * ```ts
 * const options: AdafactorOptions = { learningRate: 0.3, relativeStep: false, scaleParameter: false };
 * new Adafactor(prompt.weights, options);
 * ```
 */
export interface AdafactorOptions {
  /** External rate (HF `lr`). Refused with `relativeStep: true`; required with `relativeStep: false`. */
  readonly learningRate?: number;
  /** [ε₁ added to g², ε₂ lower bound of the parameter scale] (HF `eps`). Default [1e-30, 1e-3]. */
  readonly epsilon?: readonly [number, number];
  /** Threshold d of the update's RMS (HF `clip_threshold`). Default 1. */
  readonly clipThreshold?: number;
  /** Exponent of β₂ₜ = 1 − t^decayRate (HF `decay_rate`). Default −0.8. */
  readonly decayRate?: number;
  /** First-moment decay; `undefined` (default) keeps no first moment. */
  readonly beta1?: number;
  /** Weight decay λ: θ ← θ − λ·ρₜ·θ (HF `weight_decay`). Default 0. */
  readonly weightDecay?: number;
  /** Scale the rate by max(ε₂, RMS(θ)) (HF `scale_parameter`). Default true. */
  readonly scaleParameter?: boolean;
  /** Rate ρₜ = min(10⁻², 1/√t) (or warm-up) instead of an external one (HF `relative_step`). Default true. */
  readonly relativeStep?: boolean;
  /** With `relativeStep`: ρₜ = min(10⁻⁶·t, 1/√t) (HF `warmup_init`). Default false. */
  readonly warmupInit?: boolean;
}

/**
 * Adafactor (Shazeer & Stern 2018) exactly as HF transformers' `Adafactor.step`: per parameter with a
 * gradient, t ← t + 1; ρ = (relativeStep ? min(warmupInit ? 10⁻⁶t : 10⁻², 1/√t) : lr) ·
 * (scaleParameter ? max(ε₂, RMS(θ)) : 1); β₂ₜ = 1 − t^decayRate; u = g² + ε₁; for rank ≥ 2 factored
 * moments R ← β₂ₜR + (1−β₂ₜ)·mean_last(u), C ← β₂ₜC + (1−β₂ₜ)·mean_{−2}(u),
 * U = g · rsqrt(R / mean(R))⊗rsqrt(C); otherwise V ← β₂ₜV + (1−β₂ₜ)u, U = g·rsqrt(V);
 * U ← ρ · U / max(1, RMS(U)/d); with β₁, M ← β₁M + (1−β₁)U and U = M; θ ← θ − λρθ − U.
 * Parameters without a gradient are skipped. Slots: `exp_avg_sq_row.<name>`, `exp_avg_sq_col.<name>`
 * (rank ≥ 2) or `exp_avg_sq.<name>`, and `exp_avg.<name>` with `beta1`.
 *
 * @example
 * ```ts
 * const soft = new Adafactor(prompt.weights); // relative step: the rate is Adafactor's own
 * soft.applyGradients(gradients);
 * const tuned = new Adafactor(prompt.weights, { learningRate: 0.3, relativeStep: false, scaleParameter: false });
 * tuned.applyGradients(gradients, 0.15); // a scheduled rate
 * ```
 */
export class Adafactor implements Optimizer {
  readonly learningRate: number | undefined;
  readonly epsilon: readonly [number, number];
  readonly clipThreshold: number;
  readonly decayRate: number;
  readonly beta1: number | undefined;
  readonly weightDecay: number;
  readonly scaleParameter: boolean;
  readonly relativeStep: boolean;
  readonly warmupInit: boolean;
  private readonly slots = new Map<string, tf.Variable>();
  private readonly parameterSteps = new Map<string, number>();
  private stepCount = 0;

  constructor(
    readonly parameters: ReadonlyMap<string, tf.Variable>,
    options: AdafactorOptions = {},
  ) {
    const fn = 'Adafactor';
    checkParameters(fn, parameters);
    this.relativeStep = options.relativeStep ?? true;
    this.warmupInit = options.warmupInit ?? false;
    this.scaleParameter = options.scaleParameter ?? true;
    for (const key of ['relativeStep', 'warmupInit', 'scaleParameter'] as const) {
      if (typeof this[key] !== 'boolean') invalidArgument(fn, key, 'a boolean', options[key]);
    }
    if (options.learningRate !== undefined && this.relativeStep) {
      invalidArgument(
        fn,
        'learningRate',
        'absent with relativeStep: true (HF: cannot combine lr and relative_step)',
        options.learningRate,
      );
    }
    if (this.warmupInit && !this.relativeStep) {
      invalidArgument(fn, 'warmupInit', 'false unless relativeStep is true', this.warmupInit);
    }
    if (!this.relativeStep) {
      assertFiniteNumber(fn, 'learningRate', options.learningRate, { min: 0 });
    }
    this.learningRate = this.relativeStep ? undefined : options.learningRate;
    const epsilon = options.epsilon ?? [1e-30, 1e-3];
    if (!Array.isArray(epsilon) || epsilon.length !== 2)
      invalidArgument(fn, 'epsilon', 'a pair [ε₁, ε₂]', epsilon);
    assertFiniteNumber(fn, 'epsilon[0]', epsilon[0], { min: 0 });
    assertFiniteNumber(fn, 'epsilon[1]', epsilon[1], { min: 0 });
    this.epsilon = [epsilon[0], epsilon[1]];
    this.clipThreshold = options.clipThreshold ?? 1;
    assertFiniteNumber(fn, 'clipThreshold', this.clipThreshold, { min: Number.MIN_VALUE });
    this.decayRate = options.decayRate ?? -0.8;
    assertFiniteNumber(fn, 'decayRate', this.decayRate, { max: 0 });
    this.beta1 = options.beta1;
    if (this.beta1 !== undefined) assertFiniteNumber(fn, 'beta1', this.beta1, { min: 0, max: 0.999999 });
    this.weightDecay = options.weightDecay ?? 0;
    assertFiniteNumber(fn, 'weightDecay', this.weightDecay, { min: 0 });
  }

  /** `applyGradients` calls so far. */
  get step(): number {
    return this.stepCount;
  }

  private slotShapes(shape: readonly number[]): Record<string, readonly number[]> {
    const shapes: Record<string, readonly number[]> = {};
    if (this.beta1 !== undefined) shapes.exp_avg = shape;
    if (shape.length >= 2) {
      shapes.exp_avg_sq_row = shape.slice(0, -1);
      shapes.exp_avg_sq_col = [...shape.slice(0, -2), shape[shape.length - 1]!];
    } else shapes.exp_avg_sq = shape;
    return shapes;
  }

  private slot(kind: string, name: string, parameter: tf.Variable, shape: readonly number[]): tf.Variable {
    const key = `${kind}.${name}`;
    let variable = this.slots.get(key);
    if (!variable) {
      variable = zeroVariable(parameter, shape);
      this.slots.set(key, variable);
    }
    return variable;
  }

  /**
   * Updates the parameters named in `gradients` (others are untouched). `learningRate` (default
   * {@link learningRate}) is refused with `relativeStep`, where the rate is Adafactor's own.
   */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate?: number): void {
    const fn = 'Adafactor.applyGradients';
    if (this.relativeStep && learningRate !== undefined) {
      invalidArgument(
        fn,
        'learningRate',
        'absent: with relativeStep the rate is Adafactor’s own',
        learningRate,
      );
    }
    const rate = learningRate ?? this.learningRate;
    if (!this.relativeStep) assertFiniteNumber(fn, 'learningRate', rate, { min: 0 });
    checkGradients(fn, this.parameters, gradients);
    this.stepCount++;
    for (const [name, gradient] of gradients) {
      const parameter = this.parameters.get(name)!;
      const shapes = this.slotShapes(parameter.shape);
      const slots = Object.fromEntries(
        Object.entries(shapes).map(([kind, shape]) => [kind, this.slot(kind, name, parameter, shape)]),
      );
      const t = (this.parameterSteps.get(name) ?? 0) + 1;
      this.parameterSteps.set(name, t);
      const relative = this.relativeStep
        ? Math.min(this.warmupInit ? 1e-6 * t : 1e-2, 1 / Math.sqrt(t))
        : rate!;
      const beta2t = 1 - t ** this.decayRate;
      tf.tidy(() => {
        const g = tf.cast(gradient, 'float32');
        const rate = this.scaleParameter
          ? tf.mul(tf.maximum(rms(parameter), this.epsilon[1]), relative)
          : tf.scalar(relative);
        const squared = tf.add(tf.square(g), this.epsilon[0]);
        let update: tf.Tensor;
        if (slots.exp_avg_sq_row && slots.exp_avg_sq_col) {
          const row = tf.add(tf.mul(slots.exp_avg_sq_row, beta2t), tf.mul(tf.mean(squared, -1), 1 - beta2t));
          const column = tf.add(
            tf.mul(slots.exp_avg_sq_col, beta2t),
            tf.mul(tf.mean(squared, -2), 1 - beta2t),
          );
          slots.exp_avg_sq_row.assign(row);
          slots.exp_avg_sq_col.assign(column);
          const rowFactor = tf.expandDims(tf.rsqrt(tf.div(row, tf.mean(row, -1, true))), -1);
          const columnFactor = tf.expandDims(tf.rsqrt(column), -2);
          update = tf.mul(tf.mul(rowFactor, columnFactor), g);
        } else {
          const v = tf.add(tf.mul(slots.exp_avg_sq!, beta2t), tf.mul(squared, 1 - beta2t));
          slots.exp_avg_sq!.assign(v);
          update = tf.mul(tf.rsqrt(v), g);
        }
        update = tf.div(update, tf.maximum(tf.div(rms(update), this.clipThreshold), 1));
        update = tf.mul(update, rate);
        if (this.beta1 !== undefined) {
          const m = tf.add(tf.mul(slots.exp_avg!, this.beta1), tf.mul(update, 1 - this.beta1));
          slots.exp_avg!.assign(m);
          update = m;
        }
        let next: tf.Tensor = parameter;
        if (this.weightDecay !== 0) next = tf.sub(next, tf.mul(tf.mul(parameter, rate), this.weightDecay));
        parameter.assign(tf.sub(next, update));
      });
    }
  }

  /** Step counts and factored second moments (the optimizer's own tensors: do not dispose). */
  getState(): OptimizerState {
    return {
      kind: 'adafactor',
      step: this.stepCount,
      parameterSteps: Object.fromEntries(this.parameterSteps),
      tensors: new Map(this.slots),
    };
  }

  /** Restores a state from {@link getState}; a `CheckpointError` leaves this optimizer unchanged. */
  setState(state: OptimizerState): void {
    const read = readOptimizerState('adafactor', state, this.parameters, (_name, shape) =>
      this.slotShapes(shape),
    );
    this.dispose();
    for (const [key, tensor] of read.tensors) {
      this.slots.set(key, tf.variable(tensor, false));
      tensor.dispose();
    }
    this.parameterSteps.clear();
    for (const [name, steps] of read.parameterSteps) this.parameterSteps.set(name, steps);
    this.stepCount = read.step;
  }

  /** Releases the moment variables. */
  dispose(): void {
    for (const variable of this.slots.values()) variable.dispose();
    this.slots.clear();
  }
}

/** ‖x‖₂ / √n as a scalar tensor (HF `_rms`). */
function rms(x: tf.Tensor): tf.Scalar {
  return tf.div(tf.norm(x), Math.sqrt(x.size)) as tf.Scalar;
}
