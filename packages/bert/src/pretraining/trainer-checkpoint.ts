import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';
import { serializeSafetensors } from '../safetensors/write-safetensors.js';
import type { AdamW } from './adamw.js';
import type { RandomGeneratorState } from './random-generator.js';

/**
 * The JSON part of a trainer checkpoint (`trainer-state.json`).
 *
 * @example
 * ```ts
 * const state: TrainerState = await trainer.resume('checkpoints/run1/checkpoint-1000');
 * state.step; // 1000
 * ```
 */
export interface TrainerState {
  readonly format: 'icd-bert-pretraining/1';
  /** Optimizer updates done. */
  readonly step: number;
  /** Data position: epoch (0-based) and batches of it already consumed. */
  readonly epoch: number;
  readonly batchesInEpoch: number;
  /** Micro-batches done (drives dropout seeds). */
  readonly microBatches: number;
  /** State of the masking generator. */
  readonly collatorState: RandomGeneratorState;
  /** The trainer options the run was started with (for the record and for checks on resume). */
  readonly options: Record<string, unknown>;
  /** Loss and learning rate per logged step. */
  readonly history: readonly { step: number; loss: number; learningRate: number }[];
  readonly savedAt: string;
}

/**
 * File names inside a trainer checkpoint folder.
 *
 * @example
 * ```ts
 * const state = JSON.parse(readFileSync(join('checkpoints/run/checkpoint-1000', checkpointFiles.state), 'utf8'));
 * ```
 */
export const checkpointFiles = {
  state: 'trainer-state.json',
  parameters: 'trainer-parameters.safetensors',
  optimizer: 'optimizer.safetensors',
  /** HF-loadable model folder written by the model's own `save`, when it has one. */
  model: 'model',
} as const;

async function toEntries(map: ReadonlyMap<string, tf.Tensor>, prefix = '') {
  const entries = [];
  for (const [name, tensor] of map) {
    entries.push({
      name: `${prefix}${name}`,
      shape: tensor.shape,
      data: (await tensor.data()) as Float32Array,
    });
  }
  return entries;
}

/**
 * Writes a trainer checkpoint folder: exact parameter values by HF name (`trainer-parameters.safetensors`,
 * tfjs memory layout), AdamW moments (`optimizer.safetensors`, `exp_avg.<name>` / `exp_avg_sq.<name>`),
 * the step, data position and generator state (`trainer-state.json`). Written to a temporary folder and
 * renamed, so an interrupted save never leaves a half checkpoint under the final name.
 */
export async function writeTrainerCheckpoint(
  directory: string,
  parameters: ReadonlyMap<string, tf.Tensor>,
  optimizer: AdamW,
  state: TrainerState,
  saveModel?: (directory: string) => Promise<void>,
): Promise<void> {
  const partial = `${directory}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const moments = optimizer.getState();
  await writeFile(
    join(partial, checkpointFiles.parameters),
    serializeSafetensors(await toEntries(parameters)),
  );
  await writeFile(
    join(partial, checkpointFiles.optimizer),
    serializeSafetensors(
      [
        ...(await toEntries(moments.expAvg, 'exp_avg.')),
        ...(await toEntries(moments.expAvgSq, 'exp_avg_sq.')),
      ],
      {
        format: 'icd-adamw',
        step: String(moments.step),
      },
    ),
  );
  await writeFile(join(partial, checkpointFiles.state), `${JSON.stringify(state, null, 2)}\n`);
  if (saveModel) await saveModel(join(partial, checkpointFiles.model));
  await rm(directory, { recursive: true, force: true });
  await rename(partial, directory);
}

/**
 * Reads a trainer checkpoint into `parameters` (assigned in place) and `optimizer`, and returns its
 * state. Fails with a `CheckpointError` naming the file when something is missing or mismatched.
 */
export async function readTrainerCheckpoint(
  directory: string,
  parameters: ReadonlyMap<string, tf.Variable>,
  optimizer: AdamW,
): Promise<TrainerState> {
  const read = async (name: string) => {
    const file = join(directory, name);
    try {
      return await readFile(file);
    } catch (cause) {
      throw new CheckpointError({
        file,
        message: 'missing or unreadable: not a trainer checkpoint folder',
        cause,
      });
    }
  };
  const stateFile = join(directory, checkpointFiles.state);
  let state: TrainerState;
  try {
    state = JSON.parse((await read(checkpointFiles.state)).toString('utf8')) as TrainerState;
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    throw new CheckpointError({ file: stateFile, message: 'is not valid JSON', cause });
  }
  if (state?.format !== 'icd-bert-pretraining/1' || !Number.isInteger(state.step)) {
    throw new CheckpointError({
      file: stateFile,
      message: `unknown format ${JSON.stringify(state?.format)}`,
    });
  }
  const parameterFile = new SafetensorsFile(
    await read(checkpointFiles.parameters),
    join(directory, checkpointFiles.parameters),
  );
  const optimizerFile = new SafetensorsFile(
    await read(checkpointFiles.optimizer),
    join(directory, checkpointFiles.optimizer),
  );
  const load = (file: SafetensorsFile, name: string, like: tf.Tensor): tf.Tensor => {
    const entry = file.entries.get(name);
    if (!entry || entry.shape.join() !== like.shape.join()) {
      throw new CheckpointError({
        file: file.file,
        tensor: name,
        message: `tensor '${name}' is ${entry ? `of shape [${entry.shape}]` : 'missing'}, the model expects [${like.shape}]`,
      });
    }
    return tf.tensor(file.readFloat32(name), like.shape as number[], 'float32');
  };
  const expAvg = new Map<string, tf.Tensor>();
  const expAvgSq = new Map<string, tf.Tensor>();
  const values = new Map<string, tf.Tensor>();
  try {
    // Read and check everything before assigning anything, so a bad file leaves the model untouched.
    for (const [name, variable] of parameters) {
      values.set(name, load(parameterFile, name, variable));
      expAvg.set(name, load(optimizerFile, `exp_avg.${name}`, variable));
      expAvgSq.set(name, load(optimizerFile, `exp_avg_sq.${name}`, variable));
    }
    for (const [name, variable] of parameters) variable.assign(values.get(name)!);
    optimizer.setState({ step: state.step, expAvg, expAvgSq });
  } finally {
    tf.dispose([...values.values(), ...expAvg.values(), ...expAvgSq.values()]);
  }
  return state;
}
