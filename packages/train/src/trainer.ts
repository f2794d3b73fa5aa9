import { assertInteger, DataFormatError } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';
import { accumulateMicroBatch, applyUpdate, emptySums } from './gradient-step.js';
import { registerGradients } from './gradients/register-gradients.js';
import { ProgressReporter } from './progress-reporter.js';
import { deriveSeed } from './random-generator.js';
import { type ResolvedTrainerOptions, resolveTrainerOptions } from './resolve-trainer-options.js';
import type {
  EvaluationEntry,
  HistoryEntry,
  TrainerOptions,
  TrainerSnapshot,
  TrainResult,
} from './trainer-options.js';
import { restoreSnapshot, takeSnapshot } from './trainer-snapshot.js';

/**
 * One training loop for every `@icd/*` model: batches from a {@link BatchSource}, a loss from an
 * {@link Objective}, and {@link ParameterGroup}s, each updated by its own {@link Optimizer} with its
 * own schedule (e.g. soft-prompt embeddings under Adafactor, PLM and verbalizer under AdamW). Per update:
 * `accumulationSteps` micro-batches, item-weighted gradient mean (HF Trainer ≥ 4.46), one global-norm
 * clip over all groups, each group's optimizer step. Parameters in no group, or not reached by the
 * loss, are never touched. Runs are reproducible from `seed` (the objective gets a distinct seed per
 * micro-batch for dropout and masking), and {@link Trainer.snapshot} / {@link Trainer.restore} continue
 * bit for bit (files: `@icd/train/node`). Data-parallel worker threads: `@icd/train/node`'s
 * `ParallelTrainer`.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   batches: (epoch) => batchesOf(epoch),
 *   objective: (batch, { training, seed }) => model.loss(batch, { training, dropoutSeed: seed }),
 *   groups: [{ name: 'model', parameters: model.weights, optimizer: new AdamW(model.weights, { learningRate: 1e-4 }),
 *              schedule: linearSchedule({ warmupSteps: 100, totalSteps: 1000 }) }],
 *   totalSteps: 1000, accumulationSteps: 2, maxGradNorm: 1, seed: 42,
 *   evaluate: { every: 200, run: async () => ({ loss: await devLoss() }), metric: 'loss', patience: 3 },
 * });
 * const result = await trainer.train();
 * trainer.dispose(); // the optimizers' slots
 * ```
 */
export class Trainer<B> {
  /** The validated options. */
  readonly options: ResolvedTrainerOptions<B>;
  private readonly trained = new Map<string, tf.Variable>();
  private iterator: AsyncIterator<B> | Iterator<B> | undefined;
  private epoch = 0;
  private batchesInEpoch = 0;
  private microBatches = 0;
  private updates = 0;
  private historyEntries: HistoryEntry[] = [];
  private evaluationEntries: EvaluationEntry[] = [];

  constructor(options: TrainerOptions<B>) {
    this.options = resolveTrainerOptions(options);
    registerGradients();
    for (const group of this.options.groups)
      for (const [name, v] of group.parameters) this.trained.set(name, v);
  }

  /** Optimizer updates done so far. */
  get step(): number {
    return this.updates;
  }

  /** The learning rate each group's next update uses (`undefined`: the optimizer's own, e.g. Adafactor). */
  learningRates(step: number = this.updates): Map<string, number | undefined> {
    const rates = new Map<string, number | undefined>();
    for (const group of this.options.groups) {
      const base = group.optimizer.learningRate;
      const multiplier = group.schedule ? group.schedule(Math.min(step, this.options.totalSteps)) : 1;
      rates.set(group.name, base === undefined ? undefined : base * multiplier);
    }
    return rates;
  }

  /** Loss, learning rate and metrics per logged window so far. */
  get history(): readonly HistoryEntry[] {
    return this.historyEntries;
  }

  /** Every evaluation so far. */
  get evaluations(): readonly EvaluationEntry[] {
    return this.evaluationEntries;
  }

  /** The best evaluation of the watched metric so far, and evaluations since it. */
  best(): { step: number; value: number; since: number } | undefined {
    const evaluation = this.options.evaluate;
    if (!evaluation?.metric) return undefined;
    let best: { step: number; value: number; since: number } | undefined;
    for (const entry of this.evaluationEntries) {
      const value = entry.metrics[evaluation.metric];
      if (value === undefined || Number.isNaN(value)) {
        if (best) best.since++;
        continue;
      }
      const better = !best || (evaluation.mode === 'max' ? value > best.value : value < best.value);
      if (better) best = { step: entry.step, value, since: 0 };
      else best!.since++;
    }
    return best;
  }

  /**
   * Trains until `totalSteps`, early stopping, or `maxSteps` more updates (to stop and resume later),
   * evaluating and saving checkpoints as configured.
   */
  async train({ maxSteps }: { maxSteps?: number } = {}): Promise<TrainResult> {
    if (maxSteps !== undefined) assertInteger('Trainer.train', 'maxSteps', maxSteps, { min: 0 });
    const o = this.options;
    const stop = Math.min(o.totalSteps, maxSteps === undefined ? o.totalSteps : this.updates + maxSteps);
    const progress =
      o.progress === false
        ? undefined
        : new ProgressReporter({
            totalSteps: o.totalSteps,
            logEvery: o.logEvery,
            stream: o.progress,
            startStep: this.updates,
          });
    const start = performance.now();
    let tokens = 0;
    let lossSum = 0;
    let updatesNow = 0;
    let window = { loss: 0, steps: 0, metrics: {} as Record<string, number> };
    let stoppedEarly = this.stopsEarly();
    while (this.updates < stop && !stoppedEarly) {
      const rates = this.learningRates();
      const sums = emptySums();
      try {
        for (let micro = 0; micro < o.accumulationSteps; micro++) {
          const batch = await this.nextBatch();
          const context = {
            training: true,
            step: this.updates,
            microBatch: this.microBatches,
            seed: deriveSeed(o.seed, this.microBatches),
          };
          accumulateMicroBatch(o.objective, this.trained, batch, context, sums);
          this.microBatches++;
        }
      } catch (error) {
        for (const gradient of sums.gradients.values()) gradient.dispose();
        throw error;
      }
      applyUpdate(o.groups, sums, o.maxGradNorm, rates);
      this.updates++;
      const loss = sums.items > 0 ? sums.weightedLoss / sums.items : Number.NaN;
      const learningRate = [...rates.values()].find((rate) => rate !== undefined) ?? Number.NaN;
      tokens += sums.tokens;
      lossSum += loss;
      updatesNow++;
      window.loss += loss;
      window.steps++;
      for (const [name, value] of Object.entries(sums.metrics)) {
        window.metrics[name] = (window.metrics[name] ?? 0) + value / Math.max(sums.items, 1e-12);
      }
      const update = { step: this.updates, loss, learningRate, tokens };
      progress?.update(update);
      o.onStep?.(update);
      if (this.updates % o.logEvery === 0 || this.updates === o.totalSteps) {
        const metrics = Object.fromEntries(
          Object.entries(window.metrics).map(([name, value]) => [name, value / window.steps]),
        );
        this.historyEntries.push({
          step: this.updates,
          loss: window.loss / window.steps,
          learningRate,
          ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
        });
        window = { loss: 0, steps: 0, metrics: {} };
      }
      const evaluation = o.evaluate;
      if (evaluation && (this.updates % evaluation.every === 0 || this.updates === o.totalSteps)) {
        const metrics = await evaluation.run(this.updates);
        this.evaluationEntries.push({ step: this.updates, metrics: { ...metrics } });
        stoppedEarly = this.stopsEarly();
      }
      const checkpoint = o.checkpoint;
      if (
        checkpoint &&
        (this.updates % checkpoint.every === 0 || this.updates === o.totalSteps || stoppedEarly)
      ) {
        const snapshot = this.snapshot();
        await checkpoint.save(snapshot);
      }
    }
    progress?.finish();
    const seconds = (performance.now() - start) / 1000;
    const best = this.best();
    return {
      step: this.updates,
      meanLoss: updatesNow > 0 ? lossSum / updatesNow : Number.NaN,
      tokens,
      seconds,
      tokensPerSecond: tokens / Math.max(seconds, 1e-9),
      stoppedEarly,
      best: best && { step: best.step, value: best.value },
    };
  }

  private stopsEarly(): boolean {
    const patience = this.options.evaluate?.patience;
    if (patience === undefined) return false;
    const best = this.best();
    return best !== undefined && best.since >= patience;
  }

  /** The next batch, moving to the next epoch when one is exhausted. */
  private async nextBatch(): Promise<B> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.iterator) {
        const source = this.options.batches(this.epoch);
        this.iterator =
          Symbol.asyncIterator in Object(source)
            ? (source as AsyncIterable<B>)[Symbol.asyncIterator]()
            : (source as Iterable<B>)[Symbol.iterator]();
        // After a resume, skip what the interrupted run already consumed of this epoch.
        for (let skipped = 0; skipped < this.batchesInEpoch; skipped++) {
          if ((await this.iterator.next()).done) break;
        }
      }
      const next = await this.iterator.next();
      if (!next.done) {
        this.batchesInEpoch++;
        return next.value;
      }
      this.iterator = undefined;
      this.epoch++;
      this.batchesInEpoch = 0;
    }
    throw new DataFormatError({ message: `the batch source yielded no batch for epoch ${this.epoch - 1}` });
  }

  /**
   * The complete state: parameters, every group's optimizer slots, step, data position and history.
   * The tensors are copies owned by the caller (dispose them, or pass to `saveTrainerCheckpoint`).
   */
  snapshot(): TrainerSnapshot {
    return takeSnapshot(this.options, this.trained, {
      step: this.updates,
      epoch: this.epoch,
      batchesInEpoch: this.batchesInEpoch,
      microBatches: this.microBatches,
      history: this.historyEntries,
      evaluations: this.evaluationEntries,
    });
  }

  /**
   * Continues from a {@link snapshot}. Everything is validated first (format, counters, seed, step
   * counts, fingerprint, every tensor's presence and shape): a `CheckpointError` leaves the parameters,
   * optimizers and trainer unchanged.
   */
  restore(snapshot: TrainerSnapshot): void {
    const state = restoreSnapshot(this.options, this.trained, snapshot);
    this.updates = state.step;
    this.epoch = state.epoch;
    this.batchesInEpoch = state.batchesInEpoch;
    this.microBatches = state.microBatches;
    this.historyEntries = [...state.history];
    this.evaluationEntries = [...state.evaluations];
    this.iterator = undefined;
  }

  /** Releases every group's optimizer slots (the parameters stay). */
  dispose(): void {
    for (const group of this.options.groups) group.optimizer.dispose();
  }
}
