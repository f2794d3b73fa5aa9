import { BertModel } from '@icd/bert';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type Json, numbers, type SuiteEnvironment } from '../suite.js';

const inputIds = [
  [2, 8, 9, 4, 10, 3],
  [2, 11, 12, 3, 0, 0],
];
const attentionMask = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
];

/** Node's results must also show these: every backend ran, no tensor left behind, and they agree to 1e-4. */
export const anchors: Record<string, Json> = { leakedTensors: 0, backendsAgree: true, everyBackendRan: true };

/**
 * A tiny BERT loaded from safetensors bytes (`BertModel.fromSafetensors`, the browser loader), encoded on
 * every backend of the environment (tfjs `cpu`, and `wasm` when its binaries are served).
 */
export async function run(environment: SuiteEnvironment): Promise<Record<string, Json>> {
  const [weights, configBytes] = await Promise.all([
    environment.load('/fixtures/tiny-bert/model.safetensors'),
    environment.load('/fixtures/tiny-bert/config.json'),
  ]);
  const config = JSON.parse(new TextDecoder().decode(configBytes)) as Record<string, unknown>;
  if (environment.wasmPaths !== undefined) setWasmPaths(environment.wasmPaths);
  const results: Record<string, Json> = {};
  let leakedTensors = 0;
  const hidden: number[][] = [];
  for (const backend of environment.backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' did not initialise`);
    await tf.ready();
    const before = tf.memory().numTensors;
    const model = await BertModel.fromSafetensors(weights, config);
    const output = await model.encode({ inputIds, attentionMask });
    model.dispose();
    leakedTensors += tf.memory().numTensors - before;
    hidden.push(numbers(output.lastHiddenState.data));
    results[backend] = {
      backend: tf.getBackend(),
      shape: [...output.lastHiddenState.shape],
      lastHiddenState: numbers(output.lastHiddenState.data),
      poolerOutput: output.poolerOutput ? numbers(output.poolerOutput.data) : null,
      unusedTensors: [...(model.loadReport?.unusedTensors ?? [])].sort(),
      missingWeights: [...(model.loadReport?.missingWeights ?? [])],
    };
  }
  const [first, ...others] = hidden;
  return {
    ...results,
    everyBackendRan: environment.backends.every(
      (backend) => (results[backend] as { backend: string }).backend === backend,
    ),
    leakedTensors,
    backendsAgree: others.every((values) =>
      values.every((value, index) => Math.abs(value - first![index]!) < 1e-4),
    ),
  };
}
