import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adafactor } from '../adafactor.js';
import { AdamW } from '../adamw.js';
import { linearSchedule } from '../schedules.js';
import { Trainer } from '../trainer.js';
import {
  type LinearBatch,
  linearBatches,
  linearModel,
  linearObjective,
  valuesOf,
} from '../trainer.test-helper.js';
import {
  checkpointSaver,
  loadTrainerCheckpoint,
  resumeTrainer,
  saveTrainerCheckpoint,
} from './trainer-checkpoint.js';

let directory: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  directory = await mkdtemp(join(tmpdir(), 'icd-train-checkpoint-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Two groups (AdamW with a schedule, Adafactor with its own rate), dropout seeded per micro-batch. */
function setup(seed: number, options: { trainerSeed?: number; batchSize?: number } = {}) {
  const parameters = linearModel(seed);
  const weight = new Map([['linear.weight', parameters.get('linear.weight')!]]);
  const bias = new Map([['linear.bias', parameters.get('linear.bias')!]]);
  const objective = linearObjective(parameters);
  const trainer = new Trainer<LinearBatch>({
    // 5 batches per epoch: a 2-micro-batch update straddles epochs.
    batches: (epoch) => linearBatches(5, options.batchSize ?? 4, epoch * 100),
    objective: (batch, context) => {
      const { loss, items } = objective(batch);
      const noise = tf.dropout(tf.ones([1]), 0.5, undefined, context.seed);
      return { loss: tf.mul(loss, tf.sum(noise)) as tf.Scalar, items };
    },
    groups: [
      {
        name: 'weight',
        parameters: weight,
        optimizer: new AdamW(weight, { learningRate: 0.05 }),
        schedule: linearSchedule({ warmupSteps: 2, totalSteps: 8 }),
      },
      { name: 'bias', parameters: bias, optimizer: new Adafactor(bias) },
    ],
    totalSteps: 8,
    accumulationSteps: 2,
    seed: options.trainerSeed ?? 11,
    fingerprint: { batchSize: options.batchSize ?? 4 },
    progress: false,
    logEvery: 2,
  });
  return { parameters, trainer };
}

describe('trainer checkpoints', () => {
  it('resume is bit-identical to an uninterrupted run (parameters, both optimizers, data position, seeds)', async () => {
    const straight = setup(0);
    await straight.trainer.train();
    const expected = valuesOf(straight.parameters);

    const first = setup(0);
    await first.trainer.train({ maxSteps: 3 });
    await saveTrainerCheckpoint(join(directory, 'half'), first.trainer.snapshot());
    expect((await readdir(join(directory, 'half'))).sort()).toEqual([
      'trainer-state.json',
      'trainer-tensors.safetensors',
    ]);

    const resumed = setup(5); // another initialisation: everything must come from the checkpoint
    const state = await resumeTrainer(resumed.trainer, join(directory, 'half'));
    expect(state).toMatchObject({ step: 3, epoch: 1, batchesInEpoch: 1, microBatches: 6 });
    await resumed.trainer.train();
    expect(valuesOf(resumed.parameters)).toEqual(expected);
    expect(resumed.trainer.history.map((entry) => entry.step)).toEqual([2, 4, 6, 8]);
    for (const run of [straight, first, resumed]) {
      run.trainer.dispose();
      tf.dispose([...run.parameters.values()]);
    }
  });

  it('validates trainer-state.json completely before touching the model or optimizers', async () => {
    const run = setup(0);
    await run.trainer.train({ maxSteps: 2 });
    const folder = join(directory, 'validate');
    await saveTrainerCheckpoint(folder, run.trainer.snapshot());
    const original = JSON.parse(await readFile(join(folder, 'trainer-state.json'), 'utf8'));
    const target = setup(3);
    await target.trainer.train({ maxSteps: 1 });
    const weightsBefore = valuesOf(target.parameters);
    const momentsBefore = [...target.trainer.options.groups[0]!.optimizer.getState().tensors].map(
      ([key, tensor]) => [key, Array.from(tensor.dataSync())] as const,
    );
    const broken: [string, (state: Record<string, unknown>) => void, RegExp][] = [
      ['no options', (s) => delete s.options, /no 'options' record/],
      ['step 1e9', (s) => (s.step = 1e9), /'step' must be an integer in \[0, 8\]/],
      ['negative epoch', (s) => (s.epoch = -1), /'epoch' must be an integer/],
      ['fractional batchesInEpoch', (s) => (s.batchesInEpoch = 1.5), /'batchesInEpoch' must be an integer/],
      ['inconsistent microBatches', (s) => (s.microBatches = 5), /microBatches 5 is not step 2/],
      [
        'another seed',
        (s) => ((s.options as { seed: number }).seed = 12),
        /seed = 12 but this trainer has 11/,
      ],
      [
        'another batch size',
        (s) => ((s.options as { fingerprint: object }).fingerprint = { batchSize: 8 }),
        /batchSize = 8/,
      ],
      [
        'bad optimizer steps',
        (s) => ((s.optimizers as Record<string, { step: number }>).weight!.step = -2),
        /step must be/,
      ],
      ['unknown format', (s) => (s.format = 'icd-bert-pretraining/1'), /unknown format/],
    ];
    for (const [label, breakIt, message] of broken) {
      const state = structuredClone(original);
      breakIt(state);
      await writeFile(join(folder, 'trainer-state.json'), JSON.stringify(state));
      const error = await resumeTrainer(target.trainer, folder).catch((caught: unknown) => caught);
      expect(CheckpointError.isInstance(error), label).toBe(true);
      expect((error as Error).message, label).toMatch(message);
      expect((error as CheckpointError).file, label).toBe(join(folder, 'trainer-state.json'));
    }
    await writeFile(join(folder, 'trainer-state.json'), '{ not json');
    await expect(loadTrainerCheckpoint(folder)).rejects.toThrow(/is not valid JSON/);
    expect(valuesOf(target.parameters)).toEqual(weightsBefore);
    const momentsAfter = target.trainer.options.groups[0]!.optimizer.getState().tensors;
    for (const [key, value] of momentsBefore)
      expect(Array.from(momentsAfter.get(key)!.dataSync()), key).toEqual(value);
    expect(target.trainer.step).toBe(1);
    for (const r of [run, target]) {
      r.trainer.dispose();
      tf.dispose([...r.parameters.values()]);
    }
  });

  it('checkpointSaver writes checkpoint-<step> folders and keeps the newest ones', async () => {
    const folder = join(directory, 'periodic');
    const parameters = linearModel();
    const trainer = new Trainer<LinearBatch>({
      batches: () => linearBatches(2, 2),
      objective: linearObjective(parameters),
      groups: [{ name: 'all', parameters, optimizer: new AdamW(parameters) }],
      totalSteps: 5,
      progress: false,
      checkpoint: { every: 2, save: checkpointSaver(folder, { keep: 2 }) },
    });
    const before = tf.memory().numTensors;
    await trainer.train();
    expect((await readdir(folder)).sort()).toEqual(['checkpoint-4', 'checkpoint-5']);
    expect(tf.memory().numTensors - before).toBe(4); // the AdamW moments only: snapshots are disposed
    const snapshot = await loadTrainerCheckpoint(join(folder, 'checkpoint-5'));
    expect(snapshot.state.step).toBe(5);
    expect(Array.from(snapshot.tensors.get('parameter.linear.bias')!.dataSync())).toEqual(
      Array.from(parameters.get('linear.bias')!.dataSync()),
    );
    tf.dispose([...snapshot.tensors.values()]);
    trainer.dispose();
    tf.dispose([...parameters.values()]);
  });
});
