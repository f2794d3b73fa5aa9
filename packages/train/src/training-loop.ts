import { assertInteger } from '@icd/core';
import { ProgressReporter, type ProgressUpdate } from './progress-reporter.js';
import type { ResolvedTrainerOptions } from './resolve-trainer-options.js';
import type { EvaluationEntry, HistoryEntry, TrainerSnapshot, TrainResult } from './trainer-options.js';

/** What one update reports to the loop. @internal */
export interface UpdateReport {
  readonly loss: number;
  readonly learningRate: number;
  readonly tokens: number;
  readonly items: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The part of a trainer the shared loop drives (in-process `Trainer` or worker-thread `ParallelTrainer`). @internal */
export interface LoopDriver {
  readonly loop: Pick<
    ResolvedTrainerOptions<unknown>,
    'totalSteps' | 'logEvery' | 'progress' | 'onStep' | 'checkpoint'
  > & {
    readonly evaluate:
      | {
          readonly every: number;
          readonly metric?: string | undefined;
          readonly mode?: 'min' | 'max' | undefined;
          readonly patience?: number | undefined;
        }
      | undefined;
  };
  readonly step: number;
  readonly historyEntries: HistoryEntry[];
  readonly evaluationEntries: EvaluationEntry[];
  update(): Promise<UpdateReport>;
  runEvaluation(step: number): Promise<Record<string, number>>;
  takeSnapshot(): Promise<TrainerSnapshot>;
}

/** Best evaluation of the watched metric and evaluations since it. @internal */
export function bestEvaluation(
  entries: readonly EvaluationEntry[],
  evaluate: LoopDriver['loop']['evaluate'],
): { step: number; value: number; since: number } | undefined {
  if (!evaluate?.metric) return undefined;
  let best: { step: number; value: number; since: number } | undefined;
  for (const entry of entries) {
    const value = entry.metrics[evaluate.metric];
    const valid = value !== undefined && !Number.isNaN(value);
    if (valid && (!best || (evaluate.mode === 'max' ? value > best.value : value < best.value))) {
      best = { step: entry.step, value, since: 0 };
    } else if (best) best.since++;
  }
  return best;
}

function stopsEarly(driver: LoopDriver): boolean {
  const patience = driver.loop.evaluate?.patience;
  if (patience === undefined) return false;
  const best = bestEvaluation(driver.evaluationEntries, driver.loop.evaluate);
  return best !== undefined && best.since >= patience;
}

/**
 * The training loop shared by every trainer: updates until `totalSteps`, early stopping or `maxSteps`
 * more; progress, history windows, evaluation, early stopping and checkpoints. @internal
 */
export async function runTrainingLoop(
  driver: LoopDriver,
  maxSteps: number | undefined,
): Promise<TrainResult> {
  if (maxSteps !== undefined) assertInteger('Trainer.train', 'maxSteps', maxSteps, { min: 0 });
  const o = driver.loop;
  const stop = Math.min(o.totalSteps, maxSteps === undefined ? o.totalSteps : driver.step + maxSteps);
  const progress =
    o.progress === false
      ? undefined
      : new ProgressReporter({
          totalSteps: o.totalSteps,
          logEvery: o.logEvery,
          stream: o.progress,
          startStep: driver.step,
        });
  const start = performance.now();
  let tokens = 0;
  let lossSum = 0;
  let updates = 0;
  let window = { loss: 0, steps: 0, metrics: {} as Record<string, number> };
  let stoppedEarly = stopsEarly(driver);
  while (driver.step < stop && !stoppedEarly) {
    const report = await driver.update();
    const step = driver.step;
    tokens += report.tokens;
    lossSum += report.loss;
    updates++;
    window.loss += report.loss;
    window.steps++;
    for (const [name, value] of Object.entries(report.metrics))
      window.metrics[name] = (window.metrics[name] ?? 0) + value;
    const update: ProgressUpdate = { step, loss: report.loss, learningRate: report.learningRate, tokens };
    progress?.update(update);
    o.onStep?.(update);
    if (step % o.logEvery === 0 || step === o.totalSteps) {
      const metrics = Object.fromEntries(
        Object.entries(window.metrics).map(([name, value]) => [name, value / window.steps]),
      );
      driver.historyEntries.push({
        step,
        loss: window.loss / window.steps,
        learningRate: report.learningRate,
        ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
      });
      window = { loss: 0, steps: 0, metrics: {} };
    }
    if (o.evaluate && (step % o.evaluate.every === 0 || step === o.totalSteps)) {
      const metrics = await driver.runEvaluation(step);
      driver.evaluationEntries.push({ step, metrics: { ...metrics } });
      stoppedEarly = stopsEarly(driver);
    }
    if (o.checkpoint && (step % o.checkpoint.every === 0 || step === o.totalSteps || stoppedEarly)) {
      await o.checkpoint.save(await driver.takeSnapshot());
    }
  }
  progress?.finish();
  const seconds = (performance.now() - start) / 1000;
  const best = bestEvaluation(driver.evaluationEntries, o.evaluate);
  return {
    step: driver.step,
    meanLoss: updates > 0 ? lossSum / updates : Number.NaN,
    tokens,
    seconds,
    tokensPerSecond: tokens / Math.max(seconds, 1e-9),
    stoppedEarly,
    best: best && { step: best.step, value: best.value },
  };
}
