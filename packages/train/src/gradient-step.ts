import { assertFiniteNumber, invalidArgument, TrainingError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { globalNormAsync } from './clip-gradients-by-global-norm.js';
import type { Objective, ObjectiveContext, ParameterGroup } from './trainer-options.js';

/**
 * The item-weighted gradient sums of some micro-batches: Σᵢ itemsᵢ·∇lossᵢ by parameter name, with
 * Σᵢ itemsᵢ, Σᵢ itemsᵢ·lossᵢ, tokens and item-weighted metric sums. What a worker sends to be averaged.
 * @internal
 */
export interface GradientSums {
  gradients: Map<string, tf.Tensor>;
  items: number;
  weightedLoss: number;
  tokens: number;
  metrics: Record<string, number>;
}

/** An empty {@link GradientSums}. @internal */
export function emptySums(): GradientSums {
  return { gradients: new Map(), items: 0, weightedLoss: 0, tokens: 0, metrics: {} };
}

/**
 * Runs `objective` on one micro-batch under a gradient tape over `parameters` (name → variable) and
 * adds items·∇loss into `sums` (disposing what it replaces). Parameters the loss does not reach get no
 * entry. Throws a `TrainingError` on a non-finite loss. The loss and metrics are read back with
 * `await data()`, never `dataSync()`: WebGPU in Node (Dawn) has no synchronous read-back at all, and in
 * browsers a synchronous read stalls the GPU pipeline. @internal
 */
export async function accumulateMicroBatch<B>(
  objective: Objective<B>,
  parameters: ReadonlyMap<string, tf.Variable>,
  batch: B,
  context: ObjectiveContext,
  sums: GradientSums,
): Promise<void> {
  let items = 1;
  let tokens: number | undefined;
  const metricTensors: tf.Scalar[] = [];
  const metricNames: string[] = [];
  const metrics: Record<string, number> = {};
  const variables = [...parameters.values()];
  const names = new Map([...parameters].map(([name, variable]) => [variable.name, name]));
  const { value, grads } = tf.variableGrads(() => {
    const output = objective(batch, context);
    if (output instanceof tf.Tensor) return checkScalar(output);
    if (typeof output !== 'object' || output === null || !(output.loss instanceof tf.Tensor)) {
      invalidArgument(
        'Trainer',
        'objective',
        'a function returning a tf.Scalar or { loss: tf.Scalar }',
        output,
      );
    }
    items = output.items ?? 1;
    assertFiniteNumber('Trainer objective', 'items', items, { min: 0 });
    if (output.tokens !== undefined) {
      assertFiniteNumber('Trainer objective', 'tokens', output.tokens, { min: 0 });
      tokens = output.tokens;
    }
    for (const [name, metric] of Object.entries(output.metrics ?? {})) {
      if (typeof metric === 'number') metrics[name] = metric;
      else {
        metricNames.push(name);
        metricTensors.push(tf.keep(metric));
      }
    }
    const loss = checkScalar(output.loss);
    return items === 1 ? loss : tf.mul(loss, items);
  }, variables);
  let weighted: number;
  let metricValues: number[];
  try {
    weighted = (await value.data())[0]!;
    metricValues = await Promise.all(metricTensors.map(async (metric) => (await metric.data())[0]!));
  } catch (error) {
    tf.dispose(Object.values(grads));
    throw error;
  } finally {
    value.dispose();
    tf.dispose(metricTensors);
  }
  metricNames.forEach((name, index) => {
    metrics[name] = metricValues[index]!;
  });
  const gradientList = Object.entries(grads);
  if (items === 0) {
    tf.dispose(gradientList.map(([, gradient]) => gradient));
    return;
  }
  const loss = weighted / items;
  if (!Number.isFinite(loss)) {
    tf.dispose(gradientList.map(([, gradient]) => gradient));
    throw new TrainingError({
      message: `the loss is ${loss} at update ${context.step + 1} (micro-batch ${context.microBatch}): lower the learning rate or check the data`,
      step: context.step + 1,
    });
  }
  for (const [variableName, gradient] of gradientList) {
    const name = names.get(variableName)!;
    const previous = sums.gradients.get(name);
    if (previous) {
      sums.gradients.set(name, tf.add(previous, gradient));
      tf.dispose([previous, gradient]);
    } else sums.gradients.set(name, gradient);
  }
  sums.items += items;
  sums.weightedLoss += weighted;
  sums.tokens += tokens ?? items;
  for (const [name, metric] of Object.entries(metrics)) {
    sums.metrics[name] = (sums.metrics[name] ?? 0) + metric * items;
  }
}

function checkScalar(loss: tf.Tensor): tf.Scalar {
  if (loss.rank !== 0) invalidArgument('Trainer', 'objective', 'a scalar loss (rank 0)', loss.shape);
  return loss as tf.Scalar;
}

/**
 * Divides the sums by their items, clips the global norm over all groups, and applies each group's
 * optimizer to its own parameters at `learningRates[group]`. Disposes `sums.gradients`.
 * Returns the gradient norm before clipping (read back asynchronously, see accumulateMicroBatch). @internal
 */
export async function applyUpdate(
  groups: readonly ParameterGroup[],
  sums: GradientSums,
  maxGradNorm: number | null,
  learningRates: ReadonlyMap<string, number | undefined>,
): Promise<number> {
  try {
    if (sums.items === 0) return 0;
    // ‖Σ/n‖ = ‖Σ‖/n: one scale folds the mean and the clip coefficient (torch's clip_grad_norm_ rule).
    const norm = (await globalNormAsync(sums.gradients)) / sums.items;
    const clip = maxGradNorm === null ? 1 : Math.min(1, maxGradNorm / (norm + 1e-6));
    const scale = clip / sums.items;
    for (const group of groups) {
      const gradients = new Map<string, tf.Tensor>();
      for (const name of group.parameters.keys()) {
        const sum = sums.gradients.get(name);
        if (sum) gradients.set(name, scale === 1 ? sum : tf.mul(sum, scale));
      }
      try {
        const rate = learningRates.get(group.name);
        if (rate === undefined) group.optimizer.applyGradients(gradients);
        else group.optimizer.applyGradients(gradients, rate);
      } finally {
        if (scale !== 1) tf.dispose([...gradients.values()]);
      }
    }
    return norm;
  } finally {
    tf.dispose([...sums.gradients.values()]);
    sums.gradients.clear();
  }
}
