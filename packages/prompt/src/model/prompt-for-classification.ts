import type {
  Coder,
  DifferentiableMaskedLanguageModel,
  ForwardOptions,
  NoteInput,
  NotePrediction,
  PredictOptions,
} from '@icd/core';
import { assertFiniteNumber, assertInteger, invalidArgument, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { PromptBatch, PromptInput, Template } from '../templates/template.js';
import { maskOutputsFromHidden } from '../verbalizers/mask-outputs.js';
import type { Verbalizer } from '../verbalizers/verbalizer.js';
import { rankPredictions } from './rank-predictions.js';

/** Resolves on a later turn of the event loop (a macrotask; browser-safe, unlike `setImmediate`). */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The masked LM a prompt model runs: `@icd/core`'s differentiable masked-LM contract on TensorFlow.js
 * (`@icd/bert`'s `BertForMaskedLM` implements it).
 *
 * @example
 * ```ts
 * const plm: PromptMaskedLM = createTinyBert();
 * ```
 */
export type PromptMaskedLM = DifferentiableMaskedLanguageModel<tf.Tensor, tf.Variable>;

/**
 * Options of {@link PromptForClassification}.
 *
 * @example
 * ```ts
 * const options: PromptForClassificationOptions = { template, plm, verbalizer, multiLabel: true, threshold: 0.4 };
 * ```
 */
export interface PromptForClassificationOptions {
  readonly template: Template;
  readonly plm: PromptMaskedLM;
  readonly verbalizer: Verbalizer;
  /** One sigmoid per code and BCE (true), or one softmax over codes and cross-entropy (false, default). */
  readonly multiLabel?: boolean;
  /** Multi-label: threshold on each code's probability, one for all or one per code (default 0.5). */
  readonly threshold?: number | readonly number[];
  /** Keep the PLM's weights fixed during training (default false: tunable, as the study's best pipeline). */
  readonly freezePlm?: boolean;
  /** Notes per forward pass in `predict` (default 16). */
  readonly batchSize?: number;
}

/**
 * Prompt learning for classification (OpenPrompt's `PromptForClassification`): a template wraps each
 * note around a `[MASK]`, the masked LM reads it (soft tokens through `inputsEmbeds`), and the
 * verbalizer maps the mask's outputs to class scores. Single-label (softmax) or multi-label (one
 * sigmoid per code; OpenPrompt has no multi-label path). Implements `@icd/core`'s `Coder`.
 *
 * Train with `trainPromptModel`; save with `@icd/prompt/node`'s `savePromptModel` (a folder), or get
 * the files in memory with `promptModelFiles` / rebuild with `promptModelFromFiles` (browsers).
 *
 * @example
 * ```ts
 * const model = new PromptForClassification({ template, plm, verbalizer });
 * const [prediction] = await model.predict([{ id: 'n1', text: 'Irregularly irregular pulse, no P waves.' }]);
 * prediction.ranked[0]; // { code: 'I48.91', score: 0.83, predicted: true, ... }
 * ```
 */
export class PromptForClassification implements Coder {
  readonly template: Template;
  readonly plm: PromptMaskedLM;
  readonly verbalizer: Verbalizer;
  readonly multiLabel: boolean;
  readonly freezePlm: boolean;
  readonly batchSize: number;
  private thresholdValues: Float64Array;
  private disposed = false;

  constructor(options: PromptForClassificationOptions) {
    const fn = 'PromptForClassification';
    if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
    const { template, plm, verbalizer } = options;
    if (!template || typeof template.wrapBatch !== 'function')
      invalidArgument(fn, 'template', 'a Template', template);
    if (!verbalizer || typeof verbalizer.processOutputs !== 'function')
      invalidArgument(fn, 'verbalizer', 'a Verbalizer', verbalizer);
    for (const method of [
      'forward',
      'getInputEmbeddings',
      'transformMaskedLM',
      'getMaskedLMDecoder',
    ] as const)
      if (!plm || typeof plm[method] !== 'function')
        invalidArgument(
          fn,
          'plm',
          `a differentiable masked LM with ${method}() (e.g. a BertForMaskedLM)`,
          plm,
        );
    if (template.numMasks !== 1)
      throw new UnsupportedError({
        feature: 'templates with several masks',
        message: `PromptForClassification reads one {"mask"} block, the template has ${template.numMasks}`,
      });
    if (template.maxLength > plm.info.maxPositionEmbeddings)
      invalidArgument(
        fn,
        'template',
        `a maxLength <= the model's ${plm.info.maxPositionEmbeddings} positions`,
        template.maxLength,
      );
    this.template = template;
    this.plm = plm;
    this.verbalizer = verbalizer;
    this.multiLabel = options.multiLabel ?? false;
    this.freezePlm = options.freezePlm ?? false;
    this.batchSize = options.batchSize ?? 16;
    assertInteger(fn, 'batchSize', this.batchSize, { min: 1 });
    this.thresholdValues = new Float64Array(verbalizer.classes.length).fill(0.5);
    if (options.threshold !== undefined) this.thresholds = options.threshold;
  }

  /** The label space (the verbalizer's classes). */
  get labels(): readonly string[] {
    return this.verbalizer.classes;
  }

  /** Multi-label thresholds per code (a copy). */
  get thresholds(): Float64Array {
    return Float64Array.from(this.thresholdValues);
  }

  set thresholds(value: number | readonly number[] | Float64Array) {
    const values = typeof value === 'number' ? Array(this.labels.length).fill(value) : Array.from(value);
    if (values.length !== this.labels.length)
      invalidArgument(
        'PromptForClassification',
        'threshold',
        `one threshold or ${this.labels.length}`,
        value,
      );
    for (const t of values) assertFiniteNumber('PromptForClassification', 'threshold', t, { min: 0, max: 1 });
    this.thresholdValues = Float64Array.from(values);
  }

  /** Every variable the model uses, by `template.` / `verbalizer.` / `plm.` name. */
  get weights(): ReadonlyMap<string, tf.Variable> {
    const all = new Map<string, tf.Variable>();
    for (const [name, v] of this.template.weights) all.set(`template.${name}`, v);
    for (const [name, v] of this.verbalizer.weights) all.set(`verbalizer.${name}`, v);
    for (const [name, v] of this.plm.weights) all.set(`plm.${name}`, v);
    return all;
  }

  private assertUsable(fn: string): void {
    if (this.disposed)
      invalidArgument(
        `PromptForClassification.${fn}`,
        'this',
        'a model that has not been disposed',
        'disposed',
      );
  }

  /** The last hidden state at the mask `[batch, hidden]` (in the caller's tidy scope). */
  private maskHidden(batch: PromptBatch, options: ForwardOptions): tf.Tensor2D {
    const inputs = this.template.forward(batch, this.plm.getInputEmbeddings() as tf.Tensor2D);
    const encoderInput = inputs.inputsEmbeds
      ? { inputsEmbeds: inputs.inputsEmbeds, attentionMask: inputs.attentionMask }
      : { inputIds: inputs.inputIds!, attentionMask: inputs.attentionMask };
    const { lastHiddenState } = this.plm.forward(encoderInput, {
      training: options.training ?? false,
      ...(options.dropoutSeed === undefined ? {} : { dropoutSeed: options.dropoutSeed }),
    });
    const [rows, length, hidden] = lastHiddenState.shape as [number, number, number];
    const column = tf.reshape(tf.slice(inputs.maskPositions, [0, 0], [rows, 1]), [rows]);
    const flat = tf.add(column, tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(length, 'int32')));
    return tf.gather(tf.reshape(lastHiddenState, [rows * length, hidden]), flat) as tf.Tensor2D;
  }

  /**
   * Class logits `[batch, classes]` of a wrapped batch (differentiable; a new tensor). Apply softmax
   * (single-label) or sigmoid (multi-label) for probabilities, as {@link probabilities} does.
   */
  forward(batch: PromptBatch, options: ForwardOptions = {}): tf.Tensor2D {
    this.assertUsable('forward');
    return tf.tidy(() => {
      const hidden = this.maskHidden(batch, options);
      const outputs = maskOutputsFromHidden(
        hidden,
        {
          transform: (h) => this.plm.transformMaskedLM(h) as tf.Tensor2D,
          decode: (t) => {
            const { weight, bias } = this.plm.getMaskedLMDecoder();
            return tf.add(tf.matMul(t, weight, false, true), bias) as tf.Tensor2D;
          },
        },
        options.training ?? false,
      );
      return this.verbalizer.processOutputs(outputs);
    });
  }

  /** Vocabulary logits at the mask `[batch, vocab]` (OpenPrompt's `forward_without_verbalize`). */
  maskLogits(batch: PromptBatch): tf.Tensor2D {
    this.assertUsable('maskLogits');
    return tf.tidy(() => {
      const transformed = this.plm.transformMaskedLM(this.maskHidden(batch, {}));
      const { weight, bias } = this.plm.getMaskedLMDecoder();
      return tf.add(tf.matMul(transformed, weight, false, true), bias) as tf.Tensor2D;
    });
  }

  /** Logits → probabilities: softmax over classes, or a sigmoid per class when multi-label. */
  probabilities(logits: tf.Tensor2D): tf.Tensor2D {
    return this.multiLabel ? tf.sigmoid(logits) : tf.softmax(logits);
  }

  private async batches<T>(
    inputs: readonly (PromptInput | string)[],
    signal: AbortSignal | undefined,
    run: (batch: PromptBatch) => tf.Tensor2D,
    collect: (rows: Float32Array, width: number) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      // A turn of the event loop between batches: on tfjs' CPU and WASM backends `data()` resolves
      // at once, so without it a timer (a request timeout's AbortSignal) could not fire mid-call.
      if (start > 0) await nextTurn();
      signal?.throwIfAborted();
      const batch = this.template.wrapBatch(inputs.slice(start, start + this.batchSize));
      const result = run(batch);
      let data: Float32Array;
      try {
        data = (await result.data()) as Float32Array;
      } finally {
        result.dispose();
      }
      const width = result.shape[1];
      for (let r = 0; r * width < data.length; r += 1)
        out.push(collect(data.subarray(r * width, (r + 1) * width), width));
    }
    if (signal) await nextTurn();
    signal?.throwIfAborted();
    return out;
  }

  /** Class probabilities of each note, `[notes][classes]`. */
  async predictProbabilities(
    inputs: readonly (PromptInput | string)[],
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array[]> {
    this.assertUsable('predictProbabilities');
    if (!Array.isArray(inputs))
      invalidArgument('PromptForClassification.predictProbabilities', 'inputs', 'an array of notes', inputs);
    if (inputs.length === 0) return [];
    return this.batches(
      inputs,
      options.signal,
      (batch) => tf.tidy(() => this.probabilities(this.forward(batch))),
      (row) => Float32Array.from(row),
    );
  }

  /**
   * The `Coder` contract: per note, every code ranked by probability. Multi-label: a code is predicted
   * when its probability reaches its threshold. Single-label: the top code is predicted (each code's
   * `threshold` is the note's top probability), unless `options.threshold` sets one for all.
   */
  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    this.assertUsable('predict');
    if (!Array.isArray(notes))
      invalidArgument('PromptForClassification.predict', 'notes', 'an array of notes', notes);
    for (const note of notes)
      if (!note || typeof note.text !== 'string' || typeof note.id !== 'string')
        invalidArgument('PromptForClassification.predict', 'notes', 'notes with a string id and text', note);
    const probabilities = await this.predictProbabilities(
      notes.map((note) => ({ textA: note.text })),
      options.signal ? { signal: options.signal } : {},
    );
    return probabilities.map((row, i) =>
      rankPredictions(
        notes[i]!.id,
        this.labels,
        row,
        this.multiLabel ? this.thresholdValues : undefined,
        options,
      ),
    );
  }

  /**
   * Contextual calibration (OpenPrompt's `calibrate`): registers the mean mask logits over `support`
   * notes (e.g. training notes, or the template filled with an empty note) with the verbalizer.
   */
  async calibrate(support: readonly (PromptInput | string)[]): Promise<Float32Array> {
    this.assertUsable('calibrate');
    if (!Array.isArray(support) || support.length === 0)
      invalidArgument('PromptForClassification.calibrate', 'support', 'a non-empty array of notes', support);
    const rows = await this.batches(
      support,
      undefined,
      (batch) => this.maskLogits(batch),
      (row) => Float32Array.from(row),
    );
    const mean = new Float32Array(rows[0]!.length);
    for (const row of rows) for (let j = 0; j < mean.length; j += 1) mean[j]! += row[j]! / rows.length;
    this.verbalizer.registerCalibration(mean);
    return mean;
  }

  /** Frees the template's and verbalizer's variables and the PLM. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.template.dispose();
    this.verbalizer.dispose();
    this.plm.dispose();
  }
}
