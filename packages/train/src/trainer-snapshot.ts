import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerState } from './optimizer.js';
import type { ResolvedTrainerOptions } from './resolve-trainer-options.js';
import type { EvaluationEntry, HistoryEntry, TrainerSnapshot, TrainerState } from './trainer-options.js';

interface Position {
  step: number;
  epoch: number;
  batchesInEpoch: number;
  microBatches: number;
  history: readonly HistoryEntry[];
  evaluations: readonly EvaluationEntry[];
}

/** Copies of every tensor and the JSON state. @internal */
export function takeSnapshot<B>(
  options: ResolvedTrainerOptions<B>,
  parameters: ReadonlyMap<string, tf.Variable>,
  position: Position,
): TrainerSnapshot {
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, variable] of parameters) tensors.set(`parameter.${name}`, variable.clone());
  const optimizers: Record<string, { kind: string; step: number; parameterSteps: Record<string, number> }> =
    {};
  for (const group of options.groups) {
    const state = group.optimizer.getState();
    optimizers[group.name] = {
      kind: state.kind,
      step: state.step,
      parameterSteps: { ...state.parameterSteps },
    };
    for (const [key, tensor] of state.tensors) tensors.set(`optimizer.${group.name}.${key}`, tensor.clone());
  }
  const state: TrainerState = {
    format: 'icd-train/1',
    step: position.step,
    epoch: position.epoch,
    batchesInEpoch: position.batchesInEpoch,
    microBatches: position.microBatches,
    options: {
      seed: options.seed,
      totalSteps: options.totalSteps,
      accumulationSteps: options.accumulationSteps,
      groups: options.groups.map((group) => group.name),
      fingerprint: { ...options.fingerprint },
    },
    optimizers,
    history: position.history.map((entry) => ({ ...entry })),
    evaluations: position.evaluations.map((entry) => ({ ...entry })),
  };
  return { state, tensors };
}

const fail = (message: string, tensor?: string): never => {
  throw new CheckpointError({ message: `trainer state: ${message}`, ...(tensor ? { tensor } : {}) });
};

function counter(state: Record<string, unknown>, key: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = state[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(`'${key}' must be an integer in [0, ${max}], got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/**
 * Validates `snapshot` completely, then assigns parameters and optimizer states; on any failure
 * (a `CheckpointError`) nothing has changed. Returns the validated state. @internal
 */
export function restoreSnapshot<B>(
  options: ResolvedTrainerOptions<B>,
  parameters: ReadonlyMap<string, tf.Variable>,
  snapshot: TrainerSnapshot,
): TrainerState {
  if (typeof snapshot !== 'object' || snapshot === null || !(snapshot.tensors instanceof Map)) {
    fail('expected { state, tensors: Map }');
  }
  const state = snapshot.state as unknown as Record<string, unknown>;
  if (typeof state !== 'object' || state === null) fail('missing');
  if (state.format !== 'icd-train/1') fail(`unknown format ${JSON.stringify(state.format)}`);
  const step = counter(state, 'step', options.totalSteps);
  counter(state, 'epoch');
  counter(state, 'batchesInEpoch');
  const microBatches = counter(state, 'microBatches');
  if (microBatches !== step * options.accumulationSteps) {
    fail(`microBatches ${microBatches} is not step ${step} × accumulationSteps ${options.accumulationSteps}`);
  }
  const recorded = state.options as TrainerState['options'] | undefined;
  if (typeof recorded !== 'object' || recorded === null) fail("has no 'options' record");
  const expected: Record<string, unknown> = {
    seed: options.seed,
    totalSteps: options.totalSteps,
    accumulationSteps: options.accumulationSteps,
    groups: options.groups.map((group) => group.name).join(','),
  };
  const actual: Record<string, unknown> = {
    ...recorded,
    groups: Array.isArray(recorded!.groups) ? recorded!.groups.join(',') : recorded!.groups,
  };
  for (const [key, value] of Object.entries(options.fingerprint)) expected[`fingerprint.${key}`] = value;
  for (const [key, value] of Object.entries(recorded!.fingerprint ?? {}))
    actual[`fingerprint.${key}`] = value;
  for (const key of new Set([
    ...Object.keys(expected),
    ...Object.keys(actual).filter((k) => k.startsWith('fingerprint.')),
  ])) {
    if (actual[key] !== expected[key]) {
      fail(
        `was written with ${key} = ${JSON.stringify(actual[key])} but this trainer has ${JSON.stringify(expected[key])}; identical continuation needs the same value`,
      );
    }
  }
  if (!Array.isArray(state.history) || !Array.isArray(state.evaluations))
    fail("'history' and 'evaluations' must be arrays");
  const optimizerRecords = state.optimizers as TrainerState['optimizers'] | undefined;
  if (typeof optimizerRecords !== 'object' || optimizerRecords === null) fail("has no 'optimizers' record");
  const values = new Map<string, tf.Tensor>();
  for (const [name, variable] of parameters) {
    const tensor = snapshot.tensors.get(`parameter.${name}`);
    if (!tensor) fail(`parameter '${name}' is missing`, name);
    if (tensor!.shape.join() !== variable.shape.join()) {
      fail(`parameter '${name}' is of shape [${tensor!.shape}], the model has [${variable.shape}]`, name);
    }
    values.set(name, tensor!);
  }
  const optimizerStates = new Map<string, OptimizerState>();
  for (const group of options.groups) {
    const record = optimizerRecords![group.name];
    if (typeof record !== 'object' || record === null) fail(`no optimizer state for group '${group.name}'`);
    const prefix = `optimizer.${group.name}.`;
    const tensors = new Map<string, tf.Tensor>();
    for (const [key, tensor] of snapshot.tensors)
      if (key.startsWith(prefix)) tensors.set(key.slice(prefix.length), tensor);
    optimizerStates.set(group.name, {
      kind: record!.kind,
      step: record!.step,
      parameterSteps: record!.parameterSteps,
      tensors,
    });
  }
  // Optimizers validate their own state; keep copies of the current ones to roll back a later failure.
  const previous = new Map<string, OptimizerState>();
  try {
    for (const group of options.groups) {
      const current = group.optimizer.getState();
      previous.set(group.name, {
        ...current,
        tensors: new Map([...current.tensors].map(([k, t]) => [k, t.clone()])),
      });
      group.optimizer.setState(optimizerStates.get(group.name)!);
    }
  } catch (error) {
    for (const group of options.groups) {
      const old = previous.get(group.name);
      if (old) group.optimizer.setState(old);
    }
    throw error;
  } finally {
    for (const old of previous.values()) tf.dispose([...old.tensors.values()]);
  }
  for (const [name, variable] of parameters) variable.assign(values.get(name)!);
  return snapshot.state;
}
