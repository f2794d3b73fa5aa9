import { assertInteger, invalidArgument } from '@icd/core';

/**
 * A learning-rate multiplier as a function of the 0-based optimizer step.
 *
 * @example
 * ```ts
 * const constant: LearningRateSchedule = () => 1;
 * const schedule: LearningRateSchedule = linearScheduleWithWarmup({ warmupSteps: 100, totalSteps: 1000 });
 * schedule(50); // 0.5
 * ```
 */
export type LearningRateSchedule = (step: number) => number;

/**
 * Linear warm-up from 0 to 1 over `warmupSteps`, then linear decay to 0 at `totalSteps`, as HF
 * `get_linear_schedule_with_warmup` (BERT's schedule, Devlin et al. 2019, §A.2):
 * m(t) = t / max(1, W) for t < W, else max(0, (T − t) / max(1, T − W)).
 * Step t is the 0-based index of the optimizer update the rate is used for, so with warm-up the first
 * update has rate 0, exactly as HF Trainer (`LambdaLR` stepped after each `optimizer.step()`).
 *
 * @example
 * ```ts
 * const schedule = linearScheduleWithWarmup({ warmupSteps: 2, totalSteps: 6 });
 * [0, 1, 2, 3, 6].map(schedule); // [0, 0.5, 1, 0.75, 0]
 * ```
 */
export function linearScheduleWithWarmup({
  warmupSteps,
  totalSteps,
}: {
  warmupSteps: number;
  totalSteps: number;
}): LearningRateSchedule {
  assertInteger('linearScheduleWithWarmup', 'totalSteps', totalSteps, { min: 1 });
  assertInteger('linearScheduleWithWarmup', 'warmupSteps', warmupSteps, { min: 0, max: totalSteps });
  return (step: number) => {
    if (!Number.isInteger(step) || step < 0) {
      invalidArgument('learningRateSchedule', 'step', 'an integer >= 0', step);
    }
    if (step < warmupSteps) return step / Math.max(1, warmupSteps);
    return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  };
}
