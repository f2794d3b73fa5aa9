import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, InvalidArgumentError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../trainer.js';
import { tinyBatches, tinyGroups, tinyNetwork, tinyObjective } from './parallel-setup.test-helper.js';
import { ParallelTrainer } from './parallel-trainer.js';
import { resumeTrainer, saveTrainerCheckpoint } from './trainer-checkpoint.js';

const module = new URL('./parallel-setup.test-helper.ts', import.meta.url);
const totalSteps = 6;
const common = {
  module,
  moduleOptions: { seed: 3, totalSteps },
  totalSteps,
  accumulationSteps: 2,
  seed: 9,
  progress: false,
} as const;
let directory: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  directory = await mkdtemp(join(tmpdir(), 'icd-train-parallel-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function curve(trainer: { train(): Promise<unknown>; history: readonly { loss: number }[] }) {
  await trainer.train();
  return trainer.history.map((entry) => entry.loss);
}

describe('ParallelTrainer', () => {
  it('1 and 2 workers follow the in-process loss curve at a fixed global batch and seed', async () => {
    const parameters = tinyNetwork(3);
    const inProcess = new Trainer({
      batches: tinyBatches,
      objective: tinyObjective(parameters),
      groups: tinyGroups(parameters, totalSteps),
      totalSteps,
      accumulationSteps: 2,
      seed: 9,
      logEvery: 1,
      progress: false,
    });
    const expected = await curve(inProcess);
    expect(expected[totalSteps - 1]).toBeLessThan(expected[0]!);
    for (const workers of [1, 2]) {
      const parallel = new ParallelTrainer({ ...common, workers, logEvery: 1 });
      expect(parallel.workers).toBe(workers);
      const losses = await curve(parallel);
      expect(losses).toHaveLength(totalSteps);
      for (const [step, loss] of losses.entries()) {
        const reference = expected[step]!;
        expect(Math.abs(loss - reference), `${workers} workers, step ${step + 1}`).toBeLessThan(
          1e-5 * reference,
        );
      }
      // Worker 0's parameters equal the in-process ones (same updates applied everywhere).
      const snapshot = await parallel.snapshot();
      for (const [name, variable] of parameters) {
        const values = snapshot.tensors.get(`parameter.${name}`)!.dataSync();
        for (const [i, value] of Array.from(variable.dataSync()).entries())
          expect(values[i]!).toBeCloseTo(value, 5);
      }
      tf.dispose([...snapshot.tensors.values()]);
      await parallel.close();
    }
    inProcess.dispose();
    tf.dispose([...parameters.values()]);
  }, 120_000);

  it('checkpoints from the workers, resumes, evaluates on worker 0 and reports worker errors with their type', async () => {
    const first = new ParallelTrainer({ ...common, workers: 2, evaluate: { every: 3, metric: 'loss' } });
    await first.train({ maxSteps: 3 });
    expect(first.evaluations.map((entry) => entry.step)).toEqual([3]);
    expect(first.evaluations[0]!.metrics.loss).toBeGreaterThan(0);
    await saveTrainerCheckpoint(join(directory, 'half'), await first.snapshot());
    await first.train();
    const straight = await first.snapshot();
    await first.close();

    const resumed = new ParallelTrainer({ ...common, workers: 1, moduleOptions: { seed: 4, totalSteps } });
    const state = await resumeTrainer(resumed, join(directory, 'half'));
    expect(state.step).toBe(3);
    await resumed.train();
    const after = await resumed.snapshot();
    for (const [key, tensor] of straight.tensors) {
      const values = after.tensors.get(key)!.dataSync();
      for (const [i, value] of Array.from(tensor.dataSync()).entries())
        expect(values[i]!, key).toBeCloseTo(value, 5);
    }
    tf.dispose([...straight.tensors.values(), ...after.tensors.values()]);
    await resumed.close();

    const reseeded = new ParallelTrainer({ ...common, workers: 1, seed: 10 });
    const error = await resumeTrainer(reseeded, join(directory, 'half')).catch((caught: unknown) => caught);
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/seed = 9 but this trainer has 10/);
    await reseeded.close();

    expect(() => new ParallelTrainer({ ...common, workers: 3 })).toThrow(InvalidArgumentError);
    const missing = new ParallelTrainer({
      ...common,
      module: join(directory, 'no-such-module.js'),
      workers: 1,
    });
    await expect(missing.train()).rejects.toThrow(/worker 0 failed/);
    await missing.close();
  }, 120_000);
});
