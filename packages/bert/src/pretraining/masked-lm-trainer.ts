import { join } from 'node:path';
import { invalidArgument } from '@icd/core';
import { AdamW, linearSchedule, Trainer, type TrainerSnapshot, type TrainerState } from '@icd/train';
import { checkpointSaver, resumeTrainer, saveTrainerCheckpoint } from '@icd/train/node';
import { batchSequences } from './batch-sequences.js';
import { MaskedLMCollator } from './masked-lm-collator.js';
import { maskedLMObjective } from './masked-lm-objective.js';
import type { PretrainableMaskedLM } from './pretrainable-masked-lm.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import type { TokenSequence } from './token-sequence.js';
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
  /** Mean loss of the updates of this call (each update's loss is the mean over its masked tokens). */
  readonly meanLoss: number;
  /** Non-padding tokens processed by this call, and per second of wall time. */
  readonly tokens: number;
  readonly tokensPerSecond: number;
  readonly seconds: number;
}

/**
 * Masked-LM pretraining (Devlin et al. 2019) of any {@link PretrainableMaskedLM}, continued from loaded
 * weights (domain refinement, as MDR-BERT) or from scratch (as BERT-XML), with HF Trainer's recipe on
 * `@icd/train`'s `Trainer`: masking by {@link MaskedLMCollator} inside {@link maskedLMObjective}, loss on
 * masked positions only, token-weighted gradient accumulation, global-norm clipping, `AdamW` without
 * decay on biases and LayerNorm, linear warm-up and decay.
 *
 * Runs are reproducible: masks, data order and dropout derive from `seed`; checkpoints hold the
 * parameters, moments and data position, and {@link resume} continues exactly as if the run had not
 * stopped (the skipped batches are re-read, and their masks re-drawn from the same per-batch seeds).
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
  /** The generic trainer underneath (history, evaluations, snapshots). */
  readonly trainer: Trainer<readonly TokenSequence[]>;

  constructor(
    readonly model: PretrainableMaskedLM,
    data: EpochSource,
    options: MaskedLMTrainerOptions,
  ) {
    if (typeof model?.logitsAt !== 'function' || !(model.weights instanceof Map)) {
      invalidArgument('MaskedLMTrainer', 'model', 'a PretrainableMaskedLM (weights Map and logitsAt)', model);
    }
    if (typeof data !== 'function')
      invalidArgument('MaskedLMTrainer', 'data', 'a function epoch => sequences', data);
    this.options = resolveTrainerOptions(options, model.vocabSize);
    const o = this.options;
    const collator = new MaskedLMCollator({
      maskTokenId: o.maskTokenId,
      padTokenId: o.padTokenId,
      vocabSize: model.vocabSize,
      mlmProbability: o.mlmProbability,
      wholeWordMask: o.wholeWordMask,
      padToMultipleOf: o.padToMultipleOf,
      seed: o.seed,
    });
    const optimizer = new AdamW(model.weights, {
      learningRate: o.learningRate,
      beta1: o.beta1,
      beta2: o.beta2,
      epsilon: o.epsilon,
      weightDecay: o.weightDecay,
    });
    const directory = o.checkpointDirectory;
    const save =
      directory === undefined ? undefined : checkpointSaver(directory, { keep: o.keepCheckpoints });
    this.trainer = new Trainer<readonly TokenSequence[]>({
      batches: (epoch) => batchSequences(data(epoch), o.batchSize),
      objective: maskedLMObjective(model, collator),
      groups: [
        {
          name: 'model',
          parameters: model.weights,
          optimizer,
          schedule: linearSchedule({ warmupSteps: o.warmupSteps, totalSteps: o.totalSteps }),
        },
      ],
      totalSteps: o.totalSteps,
      accumulationSteps: o.gradientAccumulationSteps,
      maxGradNorm: o.maxGradNorm,
      seed: o.seed,
      fingerprint: {
        batchSize: o.batchSize,
        mlmProbability: o.mlmProbability,
        wholeWordMask: o.wholeWordMask,
        padToMultipleOf: o.padToMultipleOf,
      },
      progress: o.progress,
      logEvery: o.logEvery,
      ...(o.onStep ? { onStep: o.onStep } : {}),
      ...(save
        ? {
            checkpoint: {
              every: o.checkpointEvery > 0 ? o.checkpointEvery : o.totalSteps,
              save: async (snapshot: TrainerSnapshot) => {
                await save(snapshot);
                await this.saveModel(join(directory!, `checkpoint-${snapshot.state.step}`));
              },
            },
          }
        : {}),
    });
  }

  /** Optimizer updates done so far. */
  get step(): number {
    return this.trainer.step;
  }

  /** Learning rate of the next update. */
  get learningRate(): number {
    return this.trainer.learningRates().get('model')!;
  }

  /** Trains until `totalSteps` (or `maxSteps` more updates, to stop early and resume later). */
  async train({ maxSteps }: { maxSteps?: number } = {}): Promise<TrainResult> {
    registerWasmTrainingKernels();
    const result = await this.trainer.train(maxSteps === undefined ? {} : { maxSteps });
    return {
      step: result.step,
      meanLoss: result.meanLoss,
      tokens: result.tokens,
      seconds: result.seconds,
      tokensPerSecond: result.tokensPerSecond,
    };
  }

  private async saveModel(checkpoint: string): Promise<void> {
    if (this.options.saveModelInCheckpoints && this.model.save)
      await this.model.save(join(checkpoint, 'model'));
  }

  /** Writes a checkpoint folder (`trainer-state.json`, `trainer-tensors.safetensors`, and `model/`). */
  async saveCheckpoint(directory: string): Promise<void> {
    await saveTrainerCheckpoint(directory, this.trainer.snapshot());
    await this.saveModel(directory);
  }

  /**
   * Restores parameters, optimizer and data position from a checkpoint folder. Everything is checked
   * first (seed, batch size, step counts, tensor shapes): a `CheckpointError` leaves the model as it was.
   */
  async resume(directory: string): Promise<TrainerState> {
    return resumeTrainer(this.trainer, directory);
  }

  /** Loss and learning rate per logged window so far. */
  get lossHistory(): readonly { step: number; loss: number; learningRate: number }[] {
    return this.trainer.history;
  }

  /** Releases the optimizer's moment variables (the model stays). */
  dispose(): void {
    this.trainer.dispose();
  }
}
