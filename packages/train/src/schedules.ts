import { assertFiniteNumber, assertInteger, invalidArgument } from '@icd/core';

/**
 * A learning-rate multiplier as a function of the 0-based optimizer step: the rate of update t is
 * `optimizer.learningRate · schedule(t)`, as a PyTorch `LambdaLR` stepped after each update.
 *
 * @example
 * ```ts
 * const schedule: LearningRateSchedule = linearSchedule({ warmupSteps: 100, totalSteps: 1000 });
 * schedule(50); // 0.5
 * ```
 */
export type LearningRateSchedule = (step: number) => number;

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0)
    invalidArgument('LearningRateSchedule', 'step', 'an integer >= 0', step);
}

function warmupOf(fn: string, warmupSteps: number, totalSteps?: number): void {
  assertInteger(
    fn,
    'warmupSteps',
    warmupSteps,
    totalSteps === undefined ? { min: 0 } : { min: 0, max: totalSteps },
  );
}

/**
 * A constant multiplier 1, after an optional linear warm-up from 0 (HF `get_constant_schedule` /
 * `get_constant_schedule_with_warmup`): m(t) = t / max(1, W) for t < W, else 1.
 *
 * @example
 * ```ts
 * const schedule = constantSchedule({ warmupSteps: 4 });
 * [0, 2, 4, 100].map(schedule); // [0, 0.5, 1, 1]
 * ```
 */
export function constantSchedule({ warmupSteps = 0 }: { warmupSteps?: number } = {}): LearningRateSchedule {
  warmupOf('constantSchedule', warmupSteps);
  return (step) => {
    checkStep(step);
    return step < warmupSteps ? step / Math.max(1, warmupSteps) : 1;
  };
}

/**
 * Linear warm-up from 0 to 1 over `warmupSteps`, then linear decay to 0 at `totalSteps`, as HF
 * `get_linear_schedule_with_warmup` (BERT's schedule, Devlin et al. 2019, §A.2):
 * m(t) = t / max(1, W) for t < W, else max(0, (T − t) / max(1, T − W)). With warm-up the first update
 * has rate 0, exactly as HF Trainer.
 *
 * @example
 * ```ts
 * const schedule = linearSchedule({ warmupSteps: 2, totalSteps: 6 });
 * [0, 1, 2, 3, 6].map(schedule); // [0, 0.5, 1, 0.75, 0]
 * ```
 */
export function linearSchedule({
  warmupSteps = 0,
  totalSteps,
}: {
  warmupSteps?: number;
  totalSteps: number;
}): LearningRateSchedule {
  assertInteger('linearSchedule', 'totalSteps', totalSteps, { min: 1 });
  warmupOf('linearSchedule', warmupSteps, totalSteps);
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}

/**
 * Linear warm-up, then cosine decay from 1 to 0 over the remaining steps (HF
 * `get_cosine_schedule_with_warmup`, Loshchilov & Hutter 2017 without restarts):
 * p = (t − W) / max(1, T − W), m(t) = max(0, ½(1 + cos(π · 2c · p))) with `cycles` c = 0.5.
 *
 * @example
 * ```ts
 * const schedule = cosineSchedule({ warmupSteps: 2, totalSteps: 6 });
 * [0, 1, 2, 4, 6].map(schedule); // [0, 0.5, 1, 0.5, 0]
 * ```
 */
export function cosineSchedule({
  warmupSteps = 0,
  totalSteps,
  cycles = 0.5,
}: {
  warmupSteps?: number;
  totalSteps: number;
  cycles?: number;
}): LearningRateSchedule {
  assertInteger('cosineSchedule', 'totalSteps', totalSteps, { min: 1 });
  warmupOf('cosineSchedule', warmupSteps, totalSteps);
  assertFiniteNumber('cosineSchedule', 'cycles', cycles, { min: 0 });
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress)));
  };
}
