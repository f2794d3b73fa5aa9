import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Trainer } from '../trainer.js';
import type { TrainerSnapshot, TrainerState } from '../trainer-options.js';
import { decodeTensors, encodeTensors } from './tensor-file.js';

/**
 * File names inside a trainer checkpoint folder.
 *
 * @example
 * ```ts
 * const state = JSON.parse(readFileSync(join(folder, trainerCheckpointFiles.state), 'utf8'));
 * ```
 */
export const trainerCheckpointFiles = {
  /** {@link TrainerState} as JSON. */
  state: 'trainer-state.json',
  /** Parameters (`parameter.<name>`) and optimizer slots (`optimizer.<group>.<slot>.<name>`), F32 safetensors. */
  tensors: 'trainer-tensors.safetensors',
} as const;

/**
 * Writes `snapshot` (from `trainer.snapshot()`) to `directory`, through a `.partial` folder renamed at
 * the end so that an interrupted save never leaves a half checkpoint under the final name; disposes the
 * snapshot's tensors.
 *
 * @example
 * ```ts
 * await saveTrainerCheckpoint('checkpoints/run/checkpoint-200', trainer.snapshot());
 * ```
 */
export async function saveTrainerCheckpoint(directory: string, snapshot: TrainerSnapshot): Promise<void> {
  try {
    const partial = `${directory}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, trainerCheckpointFiles.tensors), await encodeTensors(snapshot.tensors));
    await writeFile(
      join(partial, trainerCheckpointFiles.state),
      `${JSON.stringify(snapshot.state, null, 2)}\n`,
    );
    await rm(directory, { recursive: true, force: true });
    await rename(partial, directory);
  } finally {
    tf.dispose([...snapshot.tensors.values()]);
  }
}

/**
 * Reads a checkpoint folder back into a snapshot (the caller disposes its tensors, or passes it to
 * {@link resumeTrainer}). `CheckpointError` naming the file when one is missing or malformed.
 *
 * @example
 * ```ts
 * const snapshot = await loadTrainerCheckpoint('checkpoints/run/checkpoint-200');
 * snapshot.state.step; // 200
 * ```
 */
export async function loadTrainerCheckpoint(directory: string): Promise<TrainerSnapshot> {
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
  const stateFile = join(directory, trainerCheckpointFiles.state);
  let state: TrainerState;
  try {
    state = JSON.parse((await read(trainerCheckpointFiles.state)).toString('utf8')) as TrainerState;
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    throw new CheckpointError({ file: stateFile, message: 'is not valid JSON', cause });
  }
  if (typeof state !== 'object' || state === null || state.format !== 'icd-train/1') {
    throw new CheckpointError({
      file: stateFile,
      message: `unknown format ${JSON.stringify((state as TrainerState | null)?.format)}`,
    });
  }
  const tensorFile = join(directory, trainerCheckpointFiles.tensors);
  return {
    state,
    tensors: decodeTensors(new Uint8Array(await read(trainerCheckpointFiles.tensors)), tensorFile),
  };
}

/**
 * Restores `trainer` from a checkpoint folder: everything is validated before the model or optimizers
 * are touched (a `CheckpointError` naming `trainer-state.json` leaves them unchanged).
 *
 * @example
 * ```ts
 * await resumeTrainer(trainer, 'checkpoints/run/checkpoint-200');
 * await trainer.train(); // continues bit for bit
 * ```
 */
export async function resumeTrainer(
  trainer: Pick<Trainer<unknown>, 'restore'> | { restore(snapshot: TrainerSnapshot): Promise<void> },
  directory: string,
): Promise<TrainerState> {
  const snapshot = await loadTrainerCheckpoint(directory);
  try {
    await trainer.restore(snapshot);
    return snapshot.state;
  } catch (error) {
    if (CheckpointError.isInstance(error) && error.file === undefined) {
      throw new CheckpointError({
        file: join(directory, trainerCheckpointFiles.state),
        message: error.message,
        cause: error,
        ...(error.tensor ? { tensor: error.tensor } : {}),
      });
    }
    throw error;
  } finally {
    tf.dispose([...snapshot.tensors.values()]);
  }
}

/**
 * A `checkpoint.save` for {@link TrainerOptions}: writes `<directory>/checkpoint-<step>` and keeps the
 * newest `keep` of them (0 keeps all).
 *
 * @example
 * ```ts
 * new Trainer({ ...options, checkpoint: { every: 200, save: checkpointSaver('checkpoints/run', { keep: 2 }) } });
 * ```
 */
export function checkpointSaver(
  directory: string,
  { keep = 2 }: { keep?: number } = {},
): (snapshot: TrainerSnapshot) => Promise<void> {
  return async (snapshot) => {
    await saveTrainerCheckpoint(join(directory, `checkpoint-${snapshot.state.step}`), snapshot);
    if (keep <= 0) return;
    const steps = (await readdir(directory))
      .map((name) => /^checkpoint-(\d+)$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    for (const step of steps.slice(0, Math.max(0, steps.length - keep))) {
      await rm(join(directory, `checkpoint-${step}`), { recursive: true, force: true });
    }
  };
}
