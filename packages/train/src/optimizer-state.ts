import { CheckpointError, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerState } from './optimizer.js';

/** Checks that `gradients` only names parameters of `parameters`, with matching shapes. @internal */
export function checkGradients(
  fn: string,
  parameters: ReadonlyMap<string, tf.Variable>,
  gradients: ReadonlyMap<string, tf.Tensor>,
): void {
  if (!(gradients instanceof Map)) invalidArgument(fn, 'gradients', 'a Map of name to tf.Tensor', gradients);
  for (const [name, gradient] of gradients) {
    const parameter = parameters.get(name);
    if (!parameter) invalidArgument(fn, 'gradients', `names of this optimizer's parameters`, name);
    if (gradient.shape.join() !== parameter.shape.join()) {
      invalidArgument(
        fn,
        'gradients',
        `a gradient of shape [${parameter.shape}] for '${name}'`,
        gradient.shape,
      );
    }
  }
}

/** Checks the parameter map given to an optimizer's constructor. @internal */
export function checkParameters(fn: string, parameters: ReadonlyMap<string, tf.Variable>): void {
  if (!(parameters instanceof Map) || parameters.size === 0) {
    invalidArgument(fn, 'parameters', 'a non-empty Map of name to tf.Variable', parameters);
  }
  for (const [name, parameter] of parameters) {
    if (!(parameter instanceof tf.Variable))
      invalidArgument(fn, 'parameters', `a tf.Variable for '${name}'`, parameter);
  }
}

/**
 * Validates `state` against `parameters` and `slots` (slot name → expected shape of a parameter), and
 * returns copies of the tensors by slot key, or throws a `CheckpointError` before anything is assigned.
 * @internal
 */
export function readOptimizerState(
  kind: string,
  state: OptimizerState,
  parameters: ReadonlyMap<string, tf.Variable>,
  slotShapes: (name: string, shape: readonly number[]) => Readonly<Record<string, readonly number[]>>,
): { step: number; parameterSteps: Map<string, number>; tensors: Map<string, tf.Tensor> } {
  const fail = (message: string, tensor?: string): never => {
    throw new CheckpointError({ message: `optimizer state: ${message}`, ...(tensor ? { tensor } : {}) });
  };
  if (typeof state !== 'object' || state === null) fail('not an object');
  if (state.kind !== kind) fail(`was written by '${String(state.kind)}', this optimizer is '${kind}'`);
  if (!Number.isInteger(state.step) || state.step < 0 || state.step > Number.MAX_SAFE_INTEGER) {
    fail(`step must be an integer >= 0, got ${String(state.step)}`);
  }
  if (!(state.tensors instanceof Map)) fail('tensors must be a Map');
  const parameterSteps = new Map<string, number>();
  for (const [name, steps] of Object.entries(state.parameterSteps ?? {})) {
    if (!parameters.has(name)) fail(`names an unknown parameter '${name}'`, name);
    if (!Number.isInteger(steps) || steps < 1 || steps > state.step) {
      fail(
        `the update count of '${name}' must be an integer in [1, ${state.step}], got ${String(steps)}`,
        name,
      );
    }
    parameterSteps.set(name, steps);
  }
  const expected = new Set<string>();
  for (const name of parameterSteps.keys()) {
    const parameter = parameters.get(name)!;
    for (const [slot, shape] of Object.entries(slotShapes(name, parameter.shape))) {
      const key = `${slot}.${name}`;
      expected.add(key);
      const tensor = state.tensors.get(key);
      if (!tensor) fail(`'${key}' is missing`, name);
      if (tensor!.shape.join() !== shape.join()) {
        fail(`'${key}' is of shape [${tensor!.shape}], expected [${shape}]`, name);
      }
    }
  }
  for (const key of state.tensors.keys()) if (!expected.has(key)) fail(`unexpected tensor '${key}'`);
  const tensors = new Map<string, tf.Tensor>();
  for (const key of expected) tensors.set(key, state.tensors.get(key)!.clone());
  return { step: state.step, parameterSteps, tensors };
}

/** A non-trainable variable of zeros of `shape` (default: `like`'s shape). @internal */
export function zeroVariable(like: tf.Tensor, shape: readonly number[] = like.shape): tf.Variable {
  const zeros = tf.zeros(shape as number[], 'float32');
  const variable = tf.variable(zeros, false);
  zeros.dispose();
  return variable;
}
