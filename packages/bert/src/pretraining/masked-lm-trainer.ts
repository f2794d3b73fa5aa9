import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInteger, CheckpointError, DataFormatError, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from '../model/register-gradients.js';
import { AdamW } from './adamw.js';
import { batchSequences } from './batch-sequences.js';
import { clipGradientNorm } from './clip-gradient-norm.js';
import { type LearningRateSchedule, linearScheduleWithWarmup } from './linear-schedule-with-warmup.js';
import { MaskedLMCollator } from './masked-lm-collator.js';
import { labelledPositions, maskedLMLoss } from './masked-lm-loss.js';
import type { PretrainableMaskedLM } from './pretrainable-masked-lm.js';
import { ProgressReporter } from './progress-reporter.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import type { TokenSequence } from './token-sequence.js';
import { readTrainerCheckpoint, type TrainerState, writeTrainerCheckpoint } from './trainer-checkpoint.js';
import {
  type MaskedLMTrainerOptions,
  type ResolvedTrainerOptions,
  resolveTrainerOptions,
} from './trainer-options.js';

/**
 * The training data: a fresh stream of sequences for each epoch (0-based), e.g. files shuffled by epoch.
 *
 * @example
 * ```ts
 * const source: EpochSource = (epoch) => packSequences(readCorpusDocuments(shuffled(files, epoch)), tokenizer, { maxLength: 128 });
 * new MaskedLMTrainer(pretrainable, source, options);
 * ```
 */
export type EpochSource = (epoch: number) => AsyncIterable<TokenSequence> | Iterable<TokenSequence>;

/**
 * What {@link MaskedLMTrainer.train} returns.
 *
 * @example
 * ```ts
 * const result: TrainResult = await trainer.train();
 * console.log(result.step, result.meanLoss, result.tokensPerSecond);
 * ```
 */
export interface TrainResult {
  /** Optimizer updates done in total (including before a resume). */
  readonly step: number;
  /** Mean loss of the updates of this call. */
  readonly meanLoss: number;
  /** Non-padding tokens processed by this call, and per second of wall time. */
  readonly tokens: number;
  readonly tokensPerSecond: number;
  readonly seconds: number;
}

/**
 * Masked-LM pretraining (Devlin et al. 2019) of any {@link PretrainableMaskedLM}, continued from loaded
 * weights (domain refinement, as MDR-BERT) or from scratch (as BERT-XML), with HF Trainer's recipe:
 * masking by {@link MaskedLMCollator}, loss on masked positions only, gradient accumulation, global-norm
 * clipping, {@link AdamW} without decay on biases and LayerNorm, linear warm-up and decay.
 *
 * Runs are reproducible: masks, data order and dropout derive from `seed`; checkpoints hold the
 * parameters, moments, generator state and data position, and {@link resume} continues exactly as if
 * the run had not stopped (the skipped batches are re-read, not re-masked).
 *
 * @example
 * ```ts
 * const trainer = new MaskedLMTrainer(bertForMaskedLMPretrainable(model), (epoch) => sequencesOf(epoch), {
 *   totalSteps: 1000, batchSize: 8, learningRate: 1e-4, warmupSteps: 100,
 *   maskTokenId: 103, padTokenId: 0, checkpointDirectory: 'checkpoints/run1', checkpointEvery: 200,
 * });
 * await trainer.train();
 * trainer.dispose();
 * ```
 */
export class MaskedLMTrainer {
  readonly options: ResolvedTrainerOptions;
  private readonly optimizer: AdamW;
  private readonly collator: MaskedLMCollator;
  private readonly schedule: LearningRateSchedule;
  private readonly variableNames = new Map<string, string>();
  private iterator: AsyncIterator<TokenSequence[]> | undefined;
  private epoch = 0;
  private batchesInEpoch = 0;
  private microBatches = 0;
  private history: { step: number; loss: number; learningRate: number }[] = [];

  constructor(
    readonly model: PretrainableMaskedLM,
    private readonly data: EpochSource,
    options: MaskedLMTrainerOptions,
  ) {
    if (typeof model?.logitsAt !== 'function' || !(model.weights instanceof Map)) {
      invalidArgument('MaskedLMTrainer', 'model', 'a PretrainableMaskedLM (weights Map and logitsAt)', model);
    }
    if (typeof data !== 'function')
      invalidArgument('MaskedLMTrainer', 'data', 'a function epoch => sequences', data);
    this.options = resolveTrainerOptions(options, model.vocabSize);
    const o = this.options;
    this.optimizer = new AdamW(model.weights, {
      beta1: o.beta1,
      beta2: o.beta2,
      epsilon: o.epsilon,
      weightDecay: o.weightDecay,
    });
    this.collator = new MaskedLMCollator({
      maskTokenId: o.maskTokenId,
      padTokenId: o.padTokenId,
      vocabSize: model.vocabSize,
      mlmProbability: o.mlmProbability,
      wholeWordMask: o.wholeWordMask,
      padToMultipleOf: o.padToMultipleOf,
      seed: o.seed,
    });
    this.schedule = linearScheduleWithWarmup({ warmupSteps: o.warmupSteps, totalSteps: o.totalSteps });
    for (const [name, variable] of model.weights) this.variableNames.set(variable.name, name);
  }

  /** Optimizer updates done so far. */
  get step(): number {
    return this.optimizer.step;
  }

  /** Learning rate of the next update. */
  get learningRate(): number {
    return this.options.learningRate * this.schedule(Math.min(this.step, this.options.totalSteps));
  }

  /**
   * Trains until `totalSteps` (or `maxSteps` more updates, to stop early and resume later), writing
   * checkpoints every `checkpointEvery` updates and at the end when a `checkpointDirectory` is set.
   */
  async train({ maxSteps }: { maxSteps?: number } = {}): Promise<TrainResult> {
    registerGradients();
    registerWasmTrainingKernels();
    if (maxSteps !== undefined) assertInteger('MaskedLMTrainer.train', 'maxSteps', maxSteps, { min: 0 });
    const o = this.options;
    const stop = Math.min(o.totalSteps, maxSteps === undefined ? o.totalSteps : this.step + maxSteps);
    const progress =
      o.progress === false
        ? undefined
        : new ProgressReporter({
            totalSteps: o.totalSteps,
            logEvery: o.logEvery,
            stream: o.progress,
            startStep: this.step,
          });
    const start = performance.now();
    let tokens = 0;
    let lossSum = 0;
    let updates = 0;
    let windowLoss = 0;
    let windowSteps = 0;
    while (this.step < stop) {
      const learningRate = this.learningRate;
      const { loss, tokens: stepTokens } = await this.update(learningRate);
      tokens += stepTokens;
      lossSum += loss;
      updates++;
      windowLoss += loss;
      windowSteps++;
      progress?.update({ step: this.step, loss, learningRate, tokens });
      if (this.step % o.logEvery === 0 || this.step === o.totalSteps) {
        this.history.push({ step: this.step, loss: windowLoss / windowSteps, learningRate });
        windowLoss = 0;
        windowSteps = 0;
      }
      o.onStep?.({ step: this.step, loss, learningRate, tokens });
      const atCheckpoint = o.checkpointEvery > 0 && this.step % o.checkpointEvery === 0;
      if (o.checkpointDirectory && (atCheckpoint || this.step === o.totalSteps)) {
        await this.saveCheckpoint(join(o.checkpointDirectory, `checkpoint-${this.step}`));
        await this.pruneCheckpoints();
      }
    }
    progress?.finish();
    const seconds = (performance.now() - start) / 1000;
    return {
      step: this.step,
      meanLoss: updates > 0 ? lossSum / updates : Number.NaN,
      tokens,
      seconds,
      tokensPerSecond: tokens / Math.max(seconds, 1e-9),
    };
  }

  /** One optimizer update over `gradientAccumulationSteps` micro-batches; returns the mean loss. */
  private async update(learningRate: number): Promise<{ loss: number; tokens: number }> {
    const o = this.options;
    let accumulated: Map<string, tf.Tensor> | undefined;
    let lossSum = 0;
    let lossCount = 0;
    let tokens = 0;
    for (let micro = 0; micro < o.gradientAccumulationSteps; micro++) {
      const sequences = await this.nextBatch();
      const result = this.gradients(sequences);
      this.microBatches++;
      tokens += result.tokens;
      if (!result.gradients) continue; // no token was chosen for masking: nothing to learn from
      lossSum += result.loss;
      lossCount++;
      if (!accumulated) accumulated = result.gradients;
      else {
        for (const [name, gradient] of result.gradients) {
          const sum = tf.add(accumulated.get(name)!, gradient);
          tf.dispose([accumulated.get(name)!, gradient]);
          accumulated.set(name, sum);
        }
      }
    }
    if (!accumulated) {
      accumulated = new Map(
        [...this.model.weights].map(([name, variable]) => [name, tf.zerosLike(variable)]),
      );
    }
    if (o.gradientAccumulationSteps > 1) {
      // HF Trainer divides each micro-batch loss by the accumulation count: the same as scaling the sum.
      for (const [name, gradient] of accumulated) {
        accumulated.set(
          name,
          tf.tidy(() => tf.div(gradient, o.gradientAccumulationSteps)),
        );
        gradient.dispose();
      }
    }
    if (o.maxGradNorm !== null) {
      const clipped = clipGradientNorm(accumulated, o.maxGradNorm);
      tf.dispose([...accumulated.values()]);
      accumulated = clipped.gradients;
    }
    this.optimizer.applyGradients(accumulated, learningRate);
    tf.dispose([...accumulated.values()]);
    return { loss: lossCount > 0 ? lossSum / lossCount : Number.NaN, tokens };
  }

  /** Loss and gradients (by HF name) of one masked micro-batch. */
  private gradients(sequences: TokenSequence[]): {
    loss: number;
    tokens: number;
    gradients?: Map<string, tf.Tensor>;
  } {
    const batch = this.collator.collate(sequences);
    let tokens = 0;
    for (const value of batch.attentionMask) tokens += value;
    const { positions, targets } = labelledPositions(batch.labels);
    if (positions.length === 0) return { loss: Number.NaN, tokens };
    const shape: [number, number] = [batch.batchSize, batch.sequenceLength];
    const inputs = {
      inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
      attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
    };
    const positionTensor = tf.tensor1d(positions, 'int32');
    const targetTensor = tf.tensor1d(targets, 'int32');
    const dropoutSeed = (this.options.seed * 100_003 + this.microBatches) % 2_147_483_647;
    try {
      const { value, grads } = tf.variableGrads(
        () =>
          maskedLMLoss(
            this.model.logitsAt(inputs, positionTensor, { training: true, dropoutSeed }),
            targetTensor,
          ),
        [...this.model.weights.values()],
      );
      const loss = value.dataSync()[0]!;
      value.dispose();
      const gradients = new Map<string, tf.Tensor>();
      for (const [name, variable] of this.model.weights) {
        // A parameter the loss does not reach (e.g. a pooler) gets a zero gradient, as in PyTorch.
        gradients.set(name, grads[variable.name] ?? tf.zerosLike(variable));
      }
      if (!Number.isFinite(loss)) {
        tf.dispose([...gradients.values()]);
        throw new DataFormatError({
          message: `the masked-LM loss is ${loss} at step ${this.step + 1}: lower the learning rate or check the data`,
        });
      }
      return { loss, tokens, gradients };
    } finally {
      tf.dispose([inputs.inputIds, inputs.attentionMask, positionTensor, targetTensor]);
    }
  }

  /** The next batch of sequences, moving to the next epoch when one is exhausted. */
  private async nextBatch(): Promise<TokenSequence[]> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.iterator) {
        this.iterator = batchSequences(this.data(this.epoch), this.options.batchSize)[Symbol.asyncIterator]();
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
    throw new DataFormatError({
      message: `the training data yielded no sequence for epoch ${this.epoch - 1}`,
    });
  }

  /** Writes a checkpoint folder (see `writeTrainerCheckpoint`); the model's own `save` writes `model/`. */
  async saveCheckpoint(directory: string): Promise<void> {
    const state: TrainerState = {
      format: 'icd-bert-pretraining/1',
      step: this.step,
      epoch: this.epoch,
      batchesInEpoch: this.batchesInEpoch,
      microBatches: this.microBatches,
      collatorState: this.collator.getState(),
      options: this.options.record,
      history: this.history,
      savedAt: new Date().toISOString(),
    };
    const saveModel = this.options.saveModelInCheckpoints ? this.model.save?.bind(this.model) : undefined;
    await writeTrainerCheckpoint(directory, this.model.weights, this.optimizer, state, saveModel);
  }

  /** Restores parameters, optimizer, masking generator and data position from a checkpoint folder. */
  async resume(directory: string): Promise<TrainerState> {
    const state = await readTrainerCheckpoint(directory, this.model.weights, this.optimizer);
    for (const key of ['batchSize', 'gradientAccumulationSteps', 'seed', 'totalSteps'] as const) {
      if (state.options[key] !== this.options[key]) {
        throw new CheckpointError({
          file: join(directory, 'trainer-state.json'),
          message: `was written with ${key} = ${String(state.options[key])} but this trainer has ${String(this.options[key])}; identical continuation needs the same value`,
        });
      }
    }
    this.collator.setState(state.collatorState);
    this.epoch = state.epoch;
    this.batchesInEpoch = state.batchesInEpoch;
    this.microBatches = state.microBatches;
    this.history = [...state.history];
    this.iterator = undefined;
    return state;
  }

  /** Loss and learning rate per logged window so far. */
  get lossHistory(): readonly { step: number; loss: number; learningRate: number }[] {
    return this.history;
  }

  private async pruneCheckpoints(): Promise<void> {
    const { checkpointDirectory, keepCheckpoints } = this.options;
    if (!checkpointDirectory || keepCheckpoints <= 0) return;
    const steps = (await readdir(checkpointDirectory))
      .map((name) => /^checkpoint-(\d+)$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    for (const step of steps.slice(0, Math.max(0, steps.length - keepCheckpoints))) {
      await rm(join(checkpointDirectory, `checkpoint-${step}`), { recursive: true, force: true });
    }
  }

  /** Releases the optimizer's moment variables (the model stays). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
