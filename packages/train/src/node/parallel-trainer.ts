import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertInteger, invalidArgument, TrainingError, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { defaultProgressStream } from '../progress-reporter.js';
import type { EvaluationEntry, HistoryEntry, TrainerSnapshot, TrainResult } from '../trainer-options.js';
import { bestEvaluation, runTrainingLoop, type UpdateReport } from '../training-loop.js';
import type { ParallelTrainerOptions } from './parallel-trainer-options.js';
import { WorkerPool } from './worker-pool.js';

/**
 * Data-parallel training over `worker_threads`, one tfjs backend per worker: each update's
 * `accumulationSteps` micro-batches are shared round-robin among the workers, their item-weighted
 * gradient sums are added on this thread, and every worker applies the same summed update, so all
 * hold identical parameters. The model, objective and batch source are built in each worker by a setup
 * module (closures do not cross threads). Same loop as {@link Trainer}: schedules, clipping, progress,
 * evaluation with early stopping, checkpoints (`snapshot` comes from worker 0) and resume. At a fixed
 * global batch and seed with dropout off, 1 and N workers follow the same loss curve (up to float
 * summation order). From TypeScript sources the workers load code through `tsx`.
 *
 * @example
 * ```ts
 * const trainer = new ParallelTrainer({
 *   module: new URL('./train-setup.js', import.meta.url), moduleOptions: { seed: 1 },
 *   workers: 'auto', totalSteps: 1000, accumulationSteps: 2, seed: 1,
 *   checkpoint: { every: 200, save: checkpointSaver('checkpoints/run') },
 * });
 * await trainer.train();
 * await trainer.close();
 * ```
 */
export class ParallelTrainer {
  /** Worker threads used. */
  readonly workers: number;
  private readonly options: ParallelTrainerOptions & {
    accumulationSteps: number;
    seed: number;
    logEvery: number;
  };
  private pool: WorkerPool | undefined;
  private hasEvaluate = false;
  private sizes: number[] = [];
  private shared: SharedArrayBuffer | undefined;
  private updates = 0;
  private historyEntries: HistoryEntry[] = [];
  private evaluationEntries: EvaluationEntry[] = [];

  constructor(options: ParallelTrainerOptions) {
    const fn = 'ParallelTrainer';
    if (typeof options !== 'object' || options === null) invalidArgument(fn, 'options', 'an object', options);
    if (typeof options.module !== 'string' && !(options.module instanceof URL)) {
      invalidArgument(fn, 'module', 'a path or file URL of a setup module', options.module);
    }
    assertInteger(fn, 'totalSteps', options.totalSteps, { min: 1 });
    const accumulationSteps = options.accumulationSteps ?? 1;
    assertInteger(fn, 'accumulationSteps', accumulationSteps, { min: 1 });
    const requested = options.workers ?? 'auto';
    if (requested === 'auto') this.workers = Math.max(1, Math.min(availableParallelism(), accumulationSteps));
    else {
      assertInteger(fn, 'workers', requested, { min: 1, max: accumulationSteps });
      this.workers = requested;
    }
    if (options.evaluate) assertInteger(fn, 'evaluate.every', options.evaluate.every, { min: 1 });
    if (options.checkpoint) assertInteger(fn, 'checkpoint.every', options.checkpoint.every, { min: 1 });
    const logEvery = options.logEvery ?? 50;
    assertInteger(fn, 'logEvery', logEvery, { min: 1 });
    this.options = { ...options, accumulationSteps, seed: options.seed ?? 0, logEvery };
  }

  /** Optimizer updates done so far. */
  get step(): number {
    return this.updates;
  }

  get history(): readonly HistoryEntry[] {
    return this.historyEntries;
  }

  get evaluations(): readonly EvaluationEntry[] {
    return this.evaluationEntries;
  }

  /** Starts the workers and builds their setups (done by `train` on first use). */
  async start(): Promise<void> {
    if (this.pool) return;
    const o = this.options;
    const module =
      o.module instanceof URL
        ? o.module.href
        : /^[a-z]+:/i.test(o.module)
          ? o.module
          : pathToFileURL(isAbsolute(o.module) ? o.module : resolve(o.module)).href;
    const pool = new WorkerPool(this.workers);
    this.pool = pool;
    const replies = await pool.broadcast((worker) => ({
      type: 'init',
      module,
      moduleOptions: o.moduleOptions,
      worker,
      workers: this.workers,
      trainer: {
        totalSteps: o.totalSteps,
        accumulationSteps: o.accumulationSteps,
        maxGradNorm: o.maxGradNorm === undefined ? 1 : o.maxGradNorm,
        seed: o.seed,
        fingerprint: o.fingerprint ?? {},
      },
    }));
    const first = replies[0]!;
    if (first.type !== 'ready')
      throw new UnsupportedError({ feature: 'worker', message: 'worker did not start' });
    this.sizes = first.parameters.map((parameter) => parameter.size);
    this.hasEvaluate = first.hasEvaluate;
    this.shared = new SharedArrayBuffer(4 * this.sizes.reduce((sum, size) => sum + size, 0));
  }

  private async update(): Promise<UpdateReport> {
    const pool = this.pool!;
    const replies = await pool.broadcast(() => ({ type: 'compute' }));
    const total = new Float32Array(this.shared!);
    total.fill(0);
    const present = this.sizes.map(() => false);
    let items = 0;
    let weightedLoss = 0;
    let tokens = 0;
    const metrics: Record<string, number> = {};
    for (const reply of replies) {
      if (reply.type !== 'sums')
        throw new TrainingError({ message: `unexpected worker reply '${reply.type}'` });
      items += reply.items;
      weightedLoss += reply.weightedLoss;
      tokens += reply.tokens;
      for (const [name, value] of Object.entries(reply.metrics)) metrics[name] = (metrics[name] ?? 0) + value;
      let offset = 0;
      reply.present.forEach((has, index) => {
        const size = this.sizes[index]!;
        if (has) {
          present[index] = true;
          const gradient = reply.gradients.subarray(offset, offset + size);
          for (let i = 0; i < size; i++) total[offset + i]! += gradient[i]!;
        }
        offset += size;
      });
    }
    const applied = await pool.broadcast(() => ({ type: 'apply', present, items, shared: this.shared! }));
    this.updates++;
    for (const name of Object.keys(metrics)) metrics[name]! /= Math.max(items, 1e-12);
    return {
      loss: items > 0 ? weightedLoss / items : Number.NaN,
      learningRate: applied[0]!.type === 'applied' ? applied[0]!.learningRate : Number.NaN,
      tokens,
      items,
      metrics,
    };
  }

  /** Trains until `totalSteps`, early stopping or `maxSteps` more updates. */
  async train({ maxSteps }: { maxSteps?: number } = {}): Promise<TrainResult> {
    await this.start();
    const o = this.options;
    if (o.evaluate && !this.hasEvaluate) {
      invalidArgument(
        'ParallelTrainer',
        'evaluate',
        "a setup module that returns an 'evaluate' function",
        'none',
      );
    }
    const self = this;
    return runTrainingLoop(
      {
        loop: {
          totalSteps: o.totalSteps,
          logEvery: o.logEvery,
          progress: o.progress ?? defaultProgressStream(),
          onStep: o.onStep,
          checkpoint: o.checkpoint,
          evaluate: o.evaluate && { mode: 'min', ...o.evaluate },
        },
        get step() {
          return self.updates;
        },
        historyEntries: this.historyEntries,
        evaluationEntries: this.evaluationEntries,
        update: () => this.update(),
        runEvaluation: async (step) => {
          const [reply] = await this.pool!.request(0, { type: 'evaluate', step });
          return reply!.type === 'evaluated' ? reply!.metrics : {};
        },
        takeSnapshot: () => this.snapshot(),
      },
      maxSteps,
    );
  }

  /** The best evaluation of the watched metric so far. */
  best(): { step: number; value: number; since: number } | undefined {
    return bestEvaluation(
      this.evaluationEntries,
      this.options.evaluate && { mode: 'min', ...this.options.evaluate },
    );
  }

  /** Parameters, optimizer states and data position (from worker 0), with this trainer's history. */
  async snapshot(): Promise<TrainerSnapshot> {
    await this.start();
    const [reply] = await this.pool!.request(0, { type: 'snapshot' });
    if (reply!.type !== 'snapshot') throw new TrainingError({ message: 'worker 0 sent no snapshot' });
    const tensors = new Map(
      reply!.tensors.map(({ key, shape, data }) => [key, tf.tensor(data, shape, 'float32')]),
    );
    return {
      state: { ...reply!.state, history: [...this.historyEntries], evaluations: [...this.evaluationEntries] },
      tensors,
    };
  }

  /** Restores every worker from a snapshot (each validates it before changing anything). */
  async restore(snapshot: TrainerSnapshot): Promise<void> {
    await this.start();
    const tensors = [...snapshot.tensors].map(([key, tensor]) => ({
      key,
      shape: tensor.shape,
      data: tensor.dataSync() as Float32Array,
    }));
    await this.pool!.broadcast(() => ({ type: 'restore', state: snapshot.state, tensors }));
    this.updates = snapshot.state.step;
    this.historyEntries = [...snapshot.state.history];
    this.evaluationEntries = [...snapshot.state.evaluations];
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
