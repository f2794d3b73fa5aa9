import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { defaultProgressStream, type ProgressStream } from './progress-reporter.js';
import type { TrainerOptions } from './trainer-options.js';

/**
 * {@link TrainerOptions} with defaults filled in.
 *
 * @example
 * ```ts
 * trainer.options.accumulationSteps; // 1 unless given
 * ```
 */
export type ResolvedTrainerOptions<B> = Required<
  Omit<TrainerOptions<B>, 'evaluate' | 'onStep' | 'checkpoint' | 'progress' | 'maxGradNorm'>
> & {
  readonly maxGradNorm: number | null;
  readonly progress: ProgressStream | false;
  readonly evaluate: TrainerOptions<B>['evaluate'];
  readonly onStep: TrainerOptions<B>['onStep'];
  readonly checkpoint: TrainerOptions<B>['checkpoint'];
};

/** Validates trainer options and fills defaults. @internal */
export function resolveTrainerOptions<B>(options: TrainerOptions<B>): ResolvedTrainerOptions<B> {
  const fn = 'Trainer';
  if (typeof options !== 'object' || options === null) invalidArgument(fn, 'options', 'an object', options);
  if (typeof options.batches !== 'function')
    invalidArgument(fn, 'batches', 'a function epoch => batches', options.batches);
  if (typeof options.objective !== 'function')
    invalidArgument(fn, 'objective', 'a function (batch, context) => loss', options.objective);
  assertInteger(fn, 'totalSteps', options.totalSteps, { min: 1 });
  const accumulationSteps = options.accumulationSteps ?? 1;
  assertInteger(fn, 'accumulationSteps', accumulationSteps, { min: 1 });
  const maxGradNorm = options.maxGradNorm === undefined ? 1 : options.maxGradNorm;
  if (maxGradNorm !== null) assertFiniteNumber(fn, 'maxGradNorm', maxGradNorm, { min: Number.MIN_VALUE });
  const seed = options.seed ?? 0;
  assertInteger(fn, 'seed', seed, { min: 0, max: 2 ** 32 - 1 });
  const logEvery = options.logEvery ?? 50;
  assertInteger(fn, 'logEvery', logEvery, { min: 1 });
  checkGroups(options.groups);
  const fingerprint = options.fingerprint ?? {};
  if (typeof fingerprint !== 'object' || fingerprint === null)
    invalidArgument(fn, 'fingerprint', 'an object', fingerprint);
  for (const [key, value] of Object.entries(fingerprint)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      invalidArgument(fn, `fingerprint.${key}`, 'a string, number, boolean or null', value);
    }
  }
  const evaluate = options.evaluate;
  if (evaluate !== undefined) {
    if (typeof evaluate !== 'object' || evaluate === null)
      invalidArgument(fn, 'evaluate', 'an object', evaluate);
    assertInteger(fn, 'evaluate.every', evaluate.every, { min: 1 });
    if (typeof evaluate.run !== 'function')
      invalidArgument(fn, 'evaluate.run', 'a function step => metrics', evaluate.run);
    if (evaluate.mode !== undefined && evaluate.mode !== 'min' && evaluate.mode !== 'max') {
      invalidArgument(fn, 'evaluate.mode', "'min' or 'max'", evaluate.mode);
    }
    if (evaluate.patience !== undefined) {
      assertInteger(fn, 'evaluate.patience', evaluate.patience, { min: 1 });
      if (typeof evaluate.metric !== 'string')
        invalidArgument(fn, 'evaluate.metric', 'a metric name (patience needs one)', evaluate.metric);
    }
  }
  const checkpoint = options.checkpoint;
  if (checkpoint !== undefined) {
    assertInteger(fn, 'checkpoint.every', checkpoint?.every, { min: 1 });
    if (typeof checkpoint.save !== 'function')
      invalidArgument(fn, 'checkpoint.save', 'a function snapshot => Promise', checkpoint.save);
  }
  const progress = options.progress ?? defaultProgressStream();
  if (progress !== false && typeof progress?.write !== 'function') {
    invalidArgument(fn, 'progress', 'a stream with write(text), or false', progress);
  }
  if (options.onStep !== undefined && typeof options.onStep !== 'function')
    invalidArgument(fn, 'onStep', 'a function', options.onStep);
  return {
    batches: options.batches,
    objective: options.objective,
    groups: options.groups,
    totalSteps: options.totalSteps,
    accumulationSteps,
    maxGradNorm,
    seed,
    fingerprint,
    logEvery,
    progress,
    evaluate: evaluate && { mode: 'min', ...evaluate },
    onStep: options.onStep,
    checkpoint,
  };
}

function checkGroups(groups: TrainerOptions<unknown>['groups']): void {
  const fn = 'Trainer';
  if (!Array.isArray(groups) || groups.length === 0)
    invalidArgument(fn, 'groups', 'a non-empty array of parameter groups', groups);
  const names = new Set<string>();
  const owners = new Map<tf.Variable, string>();
  const parameterNames = new Set<string>();
  for (const group of groups) {
    if (typeof group?.name !== 'string' || group.name === '' || names.has(group.name)) {
      invalidArgument(fn, 'groups', 'groups with unique non-empty names', group?.name);
    }
    names.add(group.name);
    const where = `groups[${group.name}]`;
    const optimizer = group.optimizer;
    if (typeof optimizer?.applyGradients !== 'function' || !(optimizer.parameters instanceof Map)) {
      invalidArgument(fn, `${where}.optimizer`, 'an Optimizer', optimizer);
    }
    if (!(group.parameters instanceof Map) || group.parameters.size === 0) {
      invalidArgument(fn, `${where}.parameters`, 'a non-empty Map of name to tf.Variable', group.parameters);
    }
    for (const [name, variable] of group.parameters) {
      if (!(variable instanceof tf.Variable))
        invalidArgument(fn, `${where}.parameters`, `a tf.Variable for '${name}'`, variable);
      if (optimizer.parameters.get(name) !== variable) {
        invalidArgument(fn, `${where}.parameters`, `parameters of its optimizer ('${name}' is not)`, name);
      }
      if (parameterNames.has(name))
        invalidArgument(fn, `${where}.parameters`, `names unique across groups ('${name}' repeats)`, name);
      parameterNames.add(name);
      const owner = owners.get(variable);
      if (owner !== undefined)
        invalidArgument(
          fn,
          `${where}.parameters`,
          `parameters in one group only ('${name}' is also in '${owner}')`,
          name,
        );
      owners.set(variable, group.name);
    }
    if (group.schedule !== undefined) {
      if (typeof group.schedule !== 'function')
        invalidArgument(fn, `${where}.schedule`, 'a function step => multiplier', group.schedule);
      if (optimizer.learningRate === undefined) {
        invalidArgument(
          fn,
          `${where}.schedule`,
          'absent for an optimizer that sets its own rate (Adafactor relativeStep)',
          'a schedule',
        );
      }
    }
  }
}
