/**
 * BERT's two pretraining phases on @icd/train: one AdamW and one linear warm-up/decay schedule over all
 * updates; phase 1 at short sequences, phase 2 (the last `longShare` of the updates) at long ones.
 * The update count comes from a time budget, calibrated on a throwaway copy of the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  batchSequences,
  linearSchedule,
  MaskedLMCollator,
  maskedLMObjective,
  type TokenSequence,
  Trainer,
} from './pretraining-api.js';

type Pretrainable = Parameters<typeof maskedLMObjective>[0];

export interface Phase {
  readonly maxLength: number;
  readonly batchSize: number;
  readonly sequences: (epoch: number) => AsyncIterable<TokenSequence>;
}

export interface PhasesOptions {
  readonly pretrainable: Pretrainable;
  readonly phases: readonly [Phase, Phase];
  readonly longShare: number;
  readonly minutes: number;
  readonly totalSteps?: number;
  readonly learningRate: number;
  readonly warmupRatio: number;
  readonly maskTokenId: number;
  readonly padTokenId: number;
  readonly seed: number;
  readonly log: (message: string) => void;
  /** Called every ~10% of the updates (e.g. to save the model so far). */
  readonly onProgress?: (step: number) => Promise<void>;
}

function collator(options: PhasesOptions): MaskedLMCollator {
  return new MaskedLMCollator({
    maskTokenId: options.maskTokenId,
    padTokenId: options.padTokenId,
    vocabSize: options.pretrainable.vocabSize,
    seed: options.seed,
  });
}

function trainerFor(
  options: PhasesOptions,
  phase: Phase,
  index: number,
  optimizer: AdamW,
  schedule: (step: number) => number,
  totalSteps: number,
  progress: boolean,
): Trainer<readonly TokenSequence[]> {
  return new Trainer<readonly TokenSequence[]>({
    batches: (epoch) => batchSequences(phase.sequences(epoch), phase.batchSize),
    objective: maskedLMObjective(options.pretrainable, collator(options)),
    groups: [{ name: 'model', parameters: options.pretrainable.weights, optimizer, schedule }],
    totalSteps,
    seed: options.seed + index,
    fingerprint: { maxLength: phase.maxLength, batchSize: phase.batchSize },
    progress: progress ? process.stdout : false,
    logEvery: 25,
    ...(options.onProgress
      ? {
          checkpoint: {
            every: Math.max(1, Math.round(totalSteps / 10)),
            save: async (snapshot) => {
              tf.dispose([...snapshot.tensors.values()]);
              await options.onProgress!(snapshot.state.step);
            },
          },
        }
      : {}),
  });
}

/** Seconds per update of each phase, on a throwaway AdamW over the same weights (restored after). */
async function calibrate(options: PhasesOptions): Promise<[number, number]> {
  const saved = new Map([...options.pretrainable.weights].map(([name, v]) => [name, v.clone()]));
  const seconds: number[] = [];
  for (const [index, phase] of options.phases.entries()) {
    const optimizer = new AdamW(options.pretrainable.weights, { learningRate: 0 });
    const trainer = trainerFor(options, phase, index, optimizer, () => 1, 1000, false);
    await trainer.train({ maxSteps: 1 }); // warm-up: kernel compilation, first allocations
    const result = await trainer.train({ maxSteps: index === 0 ? 4 : 2 });
    seconds.push(result.seconds / (index === 0 ? 4 : 2));
    trainer.dispose();
  }
  for (const [name, variable] of options.pretrainable.weights) variable.assign(saved.get(name)!);
  tf.dispose([...saved.values()]);
  return [seconds[0]!, seconds[1]!];
}

export async function runPhases(options: PhasesOptions) {
  let totalSteps = options.totalSteps;
  let calibration: [number, number] | undefined;
  if (totalSteps === undefined) {
    calibration = await calibrate(options);
    const perStep = (1 - options.longShare) * calibration[0] + options.longShare * calibration[1];
    totalSteps = Math.max(20, Math.floor((options.minutes * 60 * 0.92) / perStep));
    options.log(
      `calibration: ${calibration[0].toFixed(2)} s/update at ${options.phases[0].maxLength}, ${calibration[1].toFixed(2)} s at ${options.phases[1].maxLength} → ${totalSteps} updates in ${options.minutes} min`,
    );
  }
  const longSteps = Math.max(1, Math.round(options.longShare * totalSteps));
  const shortSteps = totalSteps - longSteps;
  const schedule = linearSchedule({ warmupSteps: Math.ceil(options.warmupRatio * totalSteps), totalSteps });
  const optimizer = new AdamW(options.pretrainable.weights, {
    learningRate: options.learningRate,
    weightDecay: 0.01,
  });
  const results = [];
  for (const [index, phase] of options.phases.entries()) {
    const offset = index === 0 ? 0 : shortSteps;
    const steps = index === 0 ? shortSteps : longSteps;
    options.log(`phase ${index + 1}: ${steps} updates of ${phase.batchSize} × ${phase.maxLength} tokens`);
    const trainer = trainerFor(
      options,
      phase,
      index,
      optimizer,
      (step) => schedule(step + offset),
      steps,
      true,
    );
    const result = await trainer.train();
    options.log(
      `phase ${index + 1} done: ${result.step} updates in ${(result.seconds / 60).toFixed(1)} min, ${Math.round(result.tokensPerSecond)} tokens/s, mean loss ${result.meanLoss.toFixed(4)}`,
    );
    results.push({
      maxLength: phase.maxLength,
      batchSize: phase.batchSize,
      steps: result.step,
      seconds: result.seconds,
      tokens: result.tokens,
      tokensPerSecond: result.tokensPerSecond,
      meanLoss: result.meanLoss,
      lossHistory: trainer.history,
    });
  }
  optimizer.dispose();
  return {
    totalSteps,
    calibrationSecondsPerUpdate: calibration,
    learningRate: options.learningRate,
    warmupRatio: options.warmupRatio,
    weightDecay: 0.01,
    phases: results,
  };
}
