import { resolve } from 'node:path';
import { BertModel } from '@icd/bert';
import type { ClinicalNote, Coder, Encoder, NotePrediction, PredictOptions } from '@icd/core';
import type { Icd10CmTable } from '@icd/data';
import {
  type CachedNote,
  ClsHead,
  cacheHiddenStates,
  encodeKnowledgeTexts,
  HeadCoder,
  type HeadExample,
  initialiseLabelQueriesFromDescriptions,
  KnowledgeInjectedLabelAttention,
  knowledgeTextsForCodes,
  LabelAttention,
  type TfLabelHead,
  trainHead,
  type WindowOptions,
} from '@icd/heads';
import type { Tokenizer } from '@icd/tokenizer';
import type { IcdConfig } from '../cli/config.js';
import type { ProgressBar } from '../cli/progress-bar.js';
import type { CodeSetInfo } from '../model-folder/pipeline-metadata.js';
import type { Dataset } from './dataset.js';
import { type EvaluationMetrics, evaluateCoder } from './evaluate.js';
import { readPlmFolder } from './plm-folder.js';

/** The defaults of `model.kind: heads` (also in the CLI docs). */
export const HEAD_DEFAULTS = {
  head: 'label-attention',
  freezePlm: true,
  epochs: 10,
  batchSize: 8,
  learningRate: 1e-3,
  encoderLearningRate: 5e-5,
  maxKnowledgePerCode: 8,
} as const;

/** A frozen encoder and the notes' cached states, for one setting of PLM folder and windows. */
interface EncodedNotes {
  readonly encoder: BertModel;
  readonly tokenizer: Tokenizer;
  readonly train: readonly CachedNote[];
  readonly validation: readonly CachedNote[];
}

/**
 * Frozen encoders and cached hidden states shared by the trials of `icd search` (one dataset): a trial
 * with the same PLM folder, windows and training notes reuses them instead of encoding every note
 * again. The trials' coders get a view of the encoder that does not dispose it; `dispose()` does.
 */
export class HeadsEncoderCache {
  private readonly entries = new Map<string, EncodedNotes>();

  /** @internal */
  get(key: string): EncodedNotes | undefined {
    return this.entries.get(key);
  }

  /** @internal */
  set(key: string, value: EncodedNotes): void {
    this.entries.set(key, value);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.encoder.dispose();
    this.entries.clear();
  }
}

/** An encoder that reads through `encoder` but leaves disposing it to its owner (the cache). */
const borrowed = (encoder: BertModel): Encoder => ({
  info: encoder.info,
  encode: (input, options) => encoder.encode(input, options),
  dispose: () => undefined,
});

/** What {@link trainHeads} reads of a run. */
export interface HeadsTrainContext {
  readonly config: IcdConfig;
  readonly dataset: Dataset;
  readonly codeSet: CodeSetInfo;
  /** The ICD-10-CM table (code set `icd10cm`): knowledge texts and descriptions come from it. */
  readonly table?: Pick<Icd10CmTable, 'get'>;
  readonly baseDir: string;
  readonly bar?: (label: string, total: number, unit?: string) => ProgressBar;
  readonly signal?: AbortSignal;
  /** Shared frozen encoders and cached states across runs (`icd search`); a frozen run only. */
  readonly encoderCache?: HeadsEncoderCache;
}

/** What {@link trainHeads} gives (the shape of `trainModel`'s result). */
export interface TrainedHeads {
  readonly coder: HeadCoder;
  readonly validation: EvaluationMetrics;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The encoder of a PLM folder (`icd pretrain`'s, or a HuggingFace BERT folder; an MLM checkpoint's
 * head weights are left out) with its tokenizer; `dropout` overrides the config's.
 */
export async function loadEncoder(
  directory: string,
  dropout?: number,
): Promise<{ encoder: BertModel; tokenizer: Tokenizer }> {
  const { weights, config, tokenizer } = await readPlmFolder(directory, dropout);
  const encoder = await BertModel.fromSafetensors(weights, config, { tokenizer });
  return { encoder, tokenizer };
}

/** A code's description: the ICD-10-CM long description, else the code set's display, else the code. */
const descriptionOf = (context: HeadsTrainContext, code: string) =>
  context.table?.get(code)?.longDescription ??
  context.codeSet.codes.find((entry) => entry.code === code)?.display ??
  code;

/** The knowledge texts M: ICD-10-CM descriptions + inclusion terms, or the code set's displays. */
function knowledgeTexts(context: HeadsTrainContext, maxPerCode: number): string[] {
  const { classes } = context.dataset;
  const texts = context.table
    ? knowledgeTextsForCodes(context.table, classes, { maxPerCode }).map((entry) => entry.text)
    : [];
  return texts.length > 0 ? texts : [...new Set(classes.map((code) => descriptionOf(context, code)))];
}

/** The mean token state of cached notes (the centre c of description-initialised queries). */
function meanTokenState(notes: readonly CachedNote[], hiddenSize: number): Float32Array {
  const sum = new Float64Array(hiddenSize);
  let count = 0;
  for (const note of notes) {
    for (let at = 0; at < note.states.length; at += 1) sum[at % hiddenSize]! += note.states[at]!;
    count += note.states.length / hiddenSize;
  }
  return Float32Array.from(sum, (value) => (count > 0 ? value / count : 0));
}

/** Codes predictions of notes already cached, by id, through `predictCached` (no encoder run). */
function cachedCoder(coder: HeadCoder, notes: readonly CachedNote[]): Coder {
  const byId = new Map(notes.map((note) => [note.id, note]));
  return {
    labels: coder.labels,
    predict: (inputs, options?: PredictOptions): Promise<NotePrediction[]> =>
      coder.predictCached(
        inputs.map((input) => byId.get(input.id)!),
        options,
      ),
    dispose: () => undefined,
  };
}

/**
 * `icd train` with `model.kind: heads`: a `ClsHead` or a `LabelAttention` (with `knowledgeInjection`,
 * a `KnowledgeInjectedLabelAttention` over the codes' descriptions; with `descriptionQueries`, label
 * queries initialised from them) over the encoder of `model.plm`, trained by `@icd/heads`' `trainHead`:
 * frozen encoder with cached hidden states by default (`model.freezePlm: false` trains both), early
 * stopping and thresholds tuned on the validation split, as a `HeadCoder` whose evidence comes from
 * the head's attention.
 */
export async function trainHeads(context: HeadsTrainContext): Promise<TrainedHeads> {
  const { config, dataset } = context;
  const model = config.model ?? {};
  const train = config.train ?? {};
  const seed = config.seed ?? 13;
  const headType = model.head ?? HEAD_DEFAULTS.head;
  const frozen = model.freezePlm ?? HEAD_DEFAULTS.freezePlm;
  const plmDir = resolve(context.baseDir, model.plm ?? config.pretrain?.out ?? 'checkpoints/icd-pretrained');
  const windows: WindowOptions = {
    ...(model.maxLength !== undefined ? { windowLength: model.maxLength } : {}),
    ...(model.stride !== undefined ? { stride: model.stride } : {}),
    ...(model.maxWindows !== undefined ? { maxWindows: model.maxWindows } : {}),
  };
  const shared = frozen ? context.encoderCache : undefined;
  const cacheKey = JSON.stringify([plmDir, windows, train.maxTrainNotes ?? null]);
  const reused = shared?.get(cacheKey);
  // A frozen encoder runs without dropout; model.dropout is the head's (and a tunable encoder's).
  const { encoder, tokenizer } = reused ?? (await loadEncoder(plmDir, frozen ? undefined : model.dropout));
  let head: TfLabelHead | undefined;
  let coder: HeadCoder | undefined;
  try {
    const restrict = (note: ClinicalNote) => ({
      id: note.id,
      text: note.text,
      codes: note.codes.filter((code) => dataset.classes.includes(code)),
    });
    // Single-label notes need their one code; multi-label notes without a label code are negatives.
    const usable = (note: { codes: readonly string[] }) =>
      !dataset.multiLabel ? note.codes.length === 1 : true;
    const trainNotes = dataset.train
      .map(restrict)
      .filter(usable)
      .slice(0, train.maxTrainNotes ?? Number.MAX_SAFE_INTEGER);
    const validationNotes = dataset.validation.map(restrict);
    const hiddenSize = encoder.info.hiddenSize;
    const dropout = model.dropout;
    let trainCache: readonly CachedNote[] | undefined = reused?.train;
    let validationCache: readonly CachedNote[] | undefined = reused?.validation;
    if (frozen && !reused) {
      const total = trainNotes.length + validationNotes.length;
      const bar = context.bar?.('encode notes (frozen encoder)', total, 'notes');
      const cache = async (notes: typeof trainNotes, offset: number) =>
        (
          await cacheHiddenStates(encoder, tokenizer, notes, {
            ...windows,
            ...(context.signal ? { signal: context.signal } : {}),
            onProgress: (done) => bar?.update(offset + done, { items: offset + done }),
          })
        ).notes;
      trainCache = await cache(trainNotes, 0);
      validationCache = await cache(validationNotes, trainNotes.length);
      bar?.finish();
      shared?.set(cacheKey, { encoder, tokenizer, train: trainCache, validation: validationCache });
    }
    const maxPerCode = model.maxKnowledgePerCode ?? HEAD_DEFAULTS.maxKnowledgePerCode;
    let knowledgeCount = 0;
    if (headType === 'cls')
      head = new ClsHead({
        labels: dataset.classes,
        hiddenSize,
        problemType: dataset.multiLabel ? 'multi_label' : 'single_label',
        ...(model.pooling ? { pooling: model.pooling } : {}),
        ...(dropout !== undefined ? { dropout } : {}),
        seed,
      });
    else {
      const attentionConfig = {
        labels: dataset.classes,
        hiddenSize,
        ...(model.projectionSize !== undefined ? { projectionSize: model.projectionSize } : {}),
        ...(dropout !== undefined ? { dropout } : {}),
        seed,
      };
      if (model.knowledgeInjection) {
        const texts = knowledgeTexts(context, maxPerCode);
        knowledgeCount = texts.length;
        head = new KnowledgeInjectedLabelAttention(
          attentionConfig,
          await encodeKnowledgeTexts(encoder, tokenizer, texts),
        );
      } else head = new LabelAttention(attentionConfig);
      if (model.descriptionQueries) {
        const described = await encodeKnowledgeTexts(
          encoder,
          tokenizer,
          dataset.classes.map((code) => descriptionOf(context, code)),
        );
        initialiseLabelQueriesFromDescriptions(
          head as LabelAttention | KnowledgeInjectedLabelAttention,
          described,
          trainCache ? { center: meanTokenState(trainCache, hiddenSize) } : {},
        );
      }
    }
    const epochs = train.epochs ?? HEAD_DEFAULTS.epochs;
    const batchSize = train.batchSize ?? HEAD_DEFAULTS.batchSize;
    const accumulationSteps = train.accumulationSteps ?? 1;
    const totalSteps = Math.max(
      1,
      Math.floor((epochs * Math.ceil(trainNotes.length / batchSize)) / accumulationSteps),
    );
    const bar = context.bar?.(`train ${headType} head`, totalSteps, 'notes');
    let items = 0;
    const examples: readonly HeadExample[] = trainCache ?? trainNotes;
    const validationExamples: readonly HeadExample[] = (validationCache ?? validationNotes).filter(usable);
    const result = await trainHead(head, examples, {
      ...windows,
      epochs,
      batchSize,
      accumulationSteps,
      learningRate: train.learningRates?.head ?? HEAD_DEFAULTS.learningRate,
      ...(train.warmupRatio !== undefined ? { warmupRatio: train.warmupRatio } : {}),
      seed,
      ...(frozen
        ? {}
        : {
            encoder,
            tokenizer,
            encoderLearningRate: train.learningRates?.plm ?? HEAD_DEFAULTS.encoderLearningRate,
          }),
      ...(validationExamples.length > 0
        ? {
            validation: {
              examples: validationExamples,
              ...(train.patience !== undefined ? { patience: train.patience } : {}),
              tuneThreshold: head.problemType === 'multi_label' ? (train.tuneThreshold ?? 'global') : false,
            },
          }
        : {}),
      progress: false,
      ...(context.signal ? { signal: context.signal } : {}),
      onStep: (update) => {
        items += batchSize * accumulationSteps;
        bar?.update(update.step, { loss: update.loss, items });
      },
    });
    bar?.finish();
    const thresholds = result.thresholds ? Array.from(result.thresholds) : undefined;
    coder = new HeadCoder({
      // A shared encoder stays with the cache: the coder gets a view that does not dispose it.
      encoder: shared ? borrowed(encoder) : encoder,
      tokenizer,
      head,
      ...windows,
      ...(thresholds ? { thresholds } : {}),
    });
    head = undefined; // the coder owns head and encoder now (and disposes them)
    const { metrics } = await evaluateCoder(
      validationCache ? cachedCoder(coder, validationCache) : coder,
      dataset.validation,
      dataset.classes,
      dataset.multiLabel,
      context.signal ? { signal: context.signal } : {},
    );
    return {
      coder,
      validation: metrics,
      details: {
        head: headType,
        headType: (coder.head as unknown as { toJSON(): { headType: string } }).toJSON().headType,
        frozenEncoder: frozen,
        steps: result.step,
        epochs,
        thresholds: thresholds === undefined ? 'none' : thresholds.length === 1 ? thresholds[0] : 'perLabel',
        ...(knowledgeCount > 0 ? { knowledgeTexts: knowledgeCount } : {}),
        descriptionQueries: model.descriptionQueries ?? false,
        validationDuringTraining: result.validation,
      },
    };
  } catch (error) {
    if (coder) coder.dispose();
    else {
      head?.dispose();
      if (!shared) encoder.dispose();
    }
    throw error;
  }
}
