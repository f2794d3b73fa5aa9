import { DataFormatError } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';
import { accumulateMicroBatch, applyUpdate, emptySums, type GradientSums } from './gradient-step.js';
import { registerGradients } from './gradients/register-gradients.js';
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
import { bestEvaluation, type LoopDriver, runTrainingLoop, type UpdateReport } from './training-loop.js';

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
    return bestEvaluation(this.evaluationEntries, this.options.evaluate);
  }

  /**
   * Trains until `totalSteps`, early stopping, or `maxSteps` more updates (to stop and resume later),
   * evaluating and saving checkpoints as configured.
   */
  async train({ maxSteps }: { maxSteps?: number } = {}): Promise<TrainResult> {
    const evaluate = this.options.evaluate;
    const trainer = this;
    return runTrainingLoop(
      {
        loop: { ...this.options, evaluate },
        get step() {
          return trainer.updates;
        },
        historyEntries: this.historyEntries,
        evaluationEntries: this.evaluationEntries,
        update: async () => {
          const rates = this.learningRates();
          const sums = await this.accumulate();
          const report = await this.applySums(sums, rates);
          return report;
        },
        runEvaluation: async (step) => evaluate!.run(step),
        takeSnapshot: async () => this.snapshot(),
      } satisfies LoopDriver,
      maxSteps,
    );
  }

  /**
   * Reads the next `accumulationSteps` micro-batches and accumulates the gradients of those whose index
   * in the window is `shard.index` modulo `shard.count` (all of them by default): a data-parallel
   * worker skips the others' micro-batches but keeps the same data position. @internal
   */
  async accumulate(shard: { index: number; count: number } = { index: 0, count: 1 }): Promise<GradientSums> {
    const o = this.options;
    const sums = emptySums();
    try {
      for (let micro = 0; micro < o.accumulationSteps; micro++) {
        const batch = await this.nextBatch();
        if (micro % shard.count === shard.index) {
          const context = {
            training: true,
            step: this.updates,
            microBatch: this.microBatches,
            seed: deriveSeed(o.seed, this.microBatches),
          };
          await accumulateMicroBatch(o.objective, this.trained, batch, context, sums);
        }
        this.microBatches++;
      }
    } catch (error) {
      for (const gradient of sums.gradients.values()) gradient.dispose();
      throw error;
    }
    return sums;
  }

  /** Applies (and disposes) summed gradients as one update; advances the step. @internal */
  async applySums(
    sums: GradientSums,
    rates: ReadonlyMap<string, number | undefined> = this.learningRates(),
  ): Promise<UpdateReport> {
    await applyUpdate(this.options.groups, sums, this.options.maxGradNorm, rates);
    this.updates++;
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(sums.metrics))
      metrics[name] = value / Math.max(sums.items, 1e-12);
    return {
      loss: sums.items > 0 ? sums.weightedLoss / sums.items : Number.NaN,
      learningRate: [...rates.values()].find((rate) => rate !== undefined) ?? Number.NaN,
      tokens: sums.tokens,
      items: sums.items,
      metrics,
    };
  }

  /** The trained parameters by name, in group order. @internal */
  get trainedParameters(): ReadonlyMap<string, tf.Variable> {
    return this.trained;
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
