import type {
  Coder,
  Encoder,
  Evidence,
  NoteInput,
  NotePrediction,
  PredictOptions,
  TokenizerLike,
} from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';
import type { KeptText } from '@icd/keybert';
import { type TunedThresholds, type TuneThresholdOptions, tuneThreshold } from '@icd/metrics';
import * as tf from '@tensorflow/tfjs-core';
import {
  type AttentionEvidenceOptions,
  checkEvidenceOptions,
  spansFromAttention,
  wordIndex,
} from '../evidence/attention-evidence.js';
import { checkPredictArguments, rankCodes } from '../ranking.js';
import type { TfLabelHead } from '../training/head-batches.js';
import type { CachedNote } from '../training/hidden-state-cache.js';
import {
  encodeNoteWindows,
  type NoteWindows,
  nextTurn,
  noteWindows,
  padTokenIdOf,
  resolveWindowSettings,
  type WindowOptions,
  type WindowSettings,
} from '../training/note-windows.js';

/**
 * Shortens a note before coding (e.g. `@icd/keybert`'s `filterNote` to a token budget); evidence is
 * mapped back to the original note through the returned `toOriginal`.
 *
 * @example
 * ```ts
 * const filter: NoteFilter = (text) => filterNote(text, { budget: 256, tokenizer, terms });
 * ```
 */
export type NoteFilter = (text: string) => KeptText | Promise<KeptText>;

/**
 * Options of {@link HeadCoder}.
 *
 * @example
 * ```ts
 * const options: HeadCoderOptions = { encoder: bert, tokenizer, head, thresholds: 0.3, windowLength: 512 };
 * ```
 */
export interface HeadCoderOptions extends WindowOptions {
  /** Any `Encoder` (`@icd/bert`'s `BertModel`, `@icd/onnx`'s encoder): only `encode` is called. */
  readonly encoder: Encoder;
  readonly tokenizer: TokenizerLike;
  /** A label head on tfjs; its `labels` are the coder's label space. */
  readonly head: TfLabelHead;
  /** One threshold for every code or one per code (default 0.5); `Infinity` = never predict. */
  readonly thresholds?: number | readonly number[] | Float64Array;
  /** Notes per head pass (default 8). */
  readonly batchSize?: number;
  /** Windows per encoder call (default 8). */
  readonly encoderBatchSize?: number;
  /**
   * When evidence is wanted, the head pass keeps the `[notes, labels, tokens]` attention: a batch whose
   * attention would pass this many bytes is split into smaller head passes, down to one note (default
   * 128 MiB; at 8,000 codes a 3,000-token note alone is 96 MB). Scores and evidence are the same.
   */
  readonly maxAttentionBytes?: number;
  /** Run on each note before coding (Key-BERT filtering); evidence maps back to the original. */
  readonly filter?: NoteFilter;
  /** How attention becomes spans (`maxEvidence` comes from `predict`'s options). */
  readonly evidence?: Omit<AttentionEvidenceOptions, 'maxEvidence' | 'boundaries'>;
}

function checkThresholds(fn: string, value: unknown, count: number): Float64Array {
  const values =
    typeof value === 'number'
      ? [value]
      : Array.isArray(value) || value instanceof Float64Array
        ? Array.from(value as ArrayLike<number>)
        : undefined;
  if (!values || (values.length !== 1 && values.length !== count))
    invalidArgument(fn, 'thresholds', `a number or ${count} numbers (one per label)`, value);
  for (const threshold of values)
    if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold === Number.NEGATIVE_INFINITY)
      invalidArgument(fn, 'thresholds', 'numbers (Infinity allowed: never predict)', threshold);
  return Float64Array.from(values);
}

/**
 * A label head behind the `Coder` contract: tokenizer → windows of `windowLength` tokens (all windows
 * of a long note concatenated, so the head reads it as a whole) → any `Encoder` → head → sigmoid
 * (multi-label) or softmax (single-label) scores, ranked best first, compared with the tuned
 * thresholds, and evidence spans from the head's label attention mapped back to character offsets of
 * the original note (through windows, word pieces and an optional Key-BERT filter).
 *
 * Save with `headCoderFiles` (bytes, browsers) or `@icd/heads/node`'s `saveHeadCoder` (a folder).
 *
 * @example
 * ```ts
 * const coder = new HeadCoder({ encoder: bert, tokenizer, head, thresholds: result.thresholds });
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Acute myocardial infarction.' }], { topK: 5 });
 * prediction.ranked[0]; // { code: 'I21.9', score: 0.91, predicted: true, evidence: [{ text: 'myocardial infarction', ... }] }
 * ```
 */
export class HeadCoder implements Coder {
  readonly encoder: Encoder;
  readonly tokenizer: TokenizerLike;
  readonly head: TfLabelHead;
  readonly settings: WindowSettings;
  readonly batchSize: number;
  readonly encoderBatchSize: number;
  readonly maxAttentionBytes: number;
  readonly filter: NoteFilter | undefined;
  readonly evidenceOptions: Omit<AttentionEvidenceOptions, 'maxEvidence' | 'boundaries'>;
  private thresholdValues: Float64Array;
  private disposed = false;

  constructor(options: HeadCoderOptions) {
    const fn = 'HeadCoder';
    if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
    const { encoder, tokenizer, head } = options;
    if (!encoder || typeof encoder.encode !== 'function' || !encoder.info)
      invalidArgument(fn, 'encoder', 'an Encoder', encoder);
    if (!tokenizer || typeof tokenizer.encode !== 'function')
      invalidArgument(fn, 'tokenizer', 'a TokenizerLike', tokenizer);
    if (!head || typeof head.forward !== 'function' || !Array.isArray(head.labels))
      invalidArgument(fn, 'head', 'a LabelHead', head);
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.head = head;
    this.settings = resolveWindowSettings(fn, encoder, options);
    this.batchSize = options.batchSize ?? 8;
    this.encoderBatchSize = options.encoderBatchSize ?? 8;
    assertInteger(fn, 'batchSize', this.batchSize, { min: 1 });
    assertInteger(fn, 'encoderBatchSize', this.encoderBatchSize, { min: 1 });
    this.maxAttentionBytes = options.maxAttentionBytes ?? 128 * 2 ** 20;
    assertInteger(fn, 'maxAttentionBytes', this.maxAttentionBytes, { min: 1 });
    if (options.filter !== undefined && typeof options.filter !== 'function')
      invalidArgument(fn, 'filter', 'a function (text) => KeptText', options.filter);
    this.filter = options.filter;
    this.evidenceOptions = { ...(options.evidence ?? {}) };
    checkEvidenceOptions(fn, this.evidenceOptions);
    this.thresholdValues = checkThresholds(fn, options.thresholds ?? 0.5, head.labels.length);
  }

  /** The label space (the head's labels). */
  get labels(): readonly string[] {
    return this.head.labels;
  }

  /** One threshold or one per label (a copy). */
  get thresholds(): Float64Array {
    return Float64Array.from(this.thresholdValues);
  }

  set thresholds(value: number | readonly number[] | Float64Array) {
    this.thresholdValues = checkThresholds('HeadCoder.thresholds', value, this.labels.length);
  }

  /**
   * Codes notes: one prediction per note, in input order, every label ranked best first (`topK` kept),
   * evidence for predicted codes unless `evidence: false`. Rejects with `signal.reason` when aborted
   * (checked between encoder and head batches); never returns partial results.
   */
  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    const fn = 'HeadCoder.predict';
    this.assertLive(fn);
    checkPredictArguments(fn, notes, options);
    const results: NotePrediction[] = [];
    for (let first = 0; first < notes.length; first += this.batchSize) {
      // A turn of the event loop between batches, so that a timer (a request timeout) can abort.
      if (first > 0 && options.signal) await nextTurn();
      options.signal?.throwIfAborted();
      const batch = notes.slice(first, first + this.batchSize);
      results.push(...(await this.predictBatch(batch, options)));
    }
    if (options.signal) await nextTurn();
    options.signal?.throwIfAborted();
    return results;
  }

  /**
   * Codes notes whose encoder states were cached by `cacheHiddenStates` (with this coder's encoder and
   * window settings — not checked beyond the hidden size): the same scores, ranking and evidence as
   * {@link predict} on their texts, without running the encoder. The coder's `filter` is not applied.
   *
   * @example
   * ```ts
   * const dev = await cacheHiddenStates(bert, tokenizer, devNotes, coder.settings);
   * const predictions = await coder.predictCached(dev.notes, { topK: 100 });
   * ```
   */
  async predictCached(notes: readonly CachedNote[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    const fn = 'HeadCoder.predictCached';
    this.assertLive(fn);
    checkPredictArguments(fn, notes, options);
    notes.forEach((note, index) => {
      if (
        !(note.states instanceof Float32Array) ||
        !note.windows ||
        note.hiddenSize !== this.encoder.info.hiddenSize
      )
        invalidArgument(
          fn,
          `notes[${index}]`,
          `a cached note of hidden size ${this.encoder.info.hiddenSize}`,
          note,
        );
    });
    const results: NotePrediction[] = [];
    for (let first = 0; first < notes.length; first += this.batchSize) {
      if (first > 0 && options.signal) await nextTurn();
      options.signal?.throwIfAborted();
      const batch = notes.slice(first, first + this.batchSize);
      const texts = batch.map((note) => note.text);
      results.push(
        ...(await this.scoreStates(
          batch,
          batch.map((note) => note.states),
          batch.map((note) => note.windows),
          texts,
          [],
          options,
        )),
      );
    }
    options.signal?.throwIfAborted();
    return results;
  }

  private async predictBatch(
    notes: readonly NoteInput[],
    options: PredictOptions,
  ): Promise<NotePrediction[]> {
    const kept = await Promise.all(notes.map((note) => (this.filter ? this.filter(note.text) : undefined)));
    const texts = notes.map((note, i) => kept[i]?.text ?? note.text);
    const windows = texts.map((text) => noteWindows(this.tokenizer, text, this.settings));
    const states = await encodeNoteWindows(this.encoder, windows, {
      batchSize: this.encoderBatchSize,
      padTokenId: padTokenIdOf(this.tokenizer),
      signal: options.signal,
    });
    options.signal?.throwIfAborted();
    return this.scoreStates(notes, states, windows, texts, kept, options);
  }

  /** Head pass, ranking and evidence of a batch of encoded notes. */
  private async scoreStates(
    notes: readonly { readonly id: string }[],
    states: readonly Float32Array[],
    windows: readonly NoteWindows[],
    texts: readonly string[],
    kept: readonly (KeptText | undefined)[],
    options: PredictOptions,
  ): Promise<NotePrediction[]> {
    const width = this.encoder.info.hiddenSize;
    const labels = this.labels.length;
    const length = Math.max(1, ...states.map((s) => s.length / width));
    const wantEvidence = options.evidence !== false && (options.maxEvidence ?? 3) > 0;
    // Float32 attention of the whole batch: split the head pass when it would be too large.
    const attentionBytes = labels * length * 4;
    if (wantEvidence && notes.length > 1 && notes.length * attentionBytes > this.maxAttentionBytes) {
      const size = Math.max(1, Math.floor(this.maxAttentionBytes / attentionBytes));
      const results: NotePrediction[] = [];
      for (let first = 0; first < notes.length; first += size) {
        const part = (list: readonly unknown[]) => list.slice(first, first + size);
        results.push(
          ...(await this.scoreStates(
            part(notes) as typeof notes,
            part(states) as typeof states,
            part(windows) as typeof windows,
            part(texts) as typeof texts,
            part(kept) as typeof kept,
            options,
          )),
        );
      }
      return results;
    }
    const { scores, attention } = tf.tidy(() => {
      const input = new Float32Array(notes.length * length * width);
      const mask = new Float32Array(notes.length * length);
      states.forEach((state, row) => {
        input.set(state, row * length * width);
        mask.fill(1, row * length, row * length + state.length / width);
      });
      const output = this.head.forward(
        tf.tensor3d(input, [notes.length, length, width]),
        tf.tensor2d(mask, [notes.length, length]),
        // LabelAttention skips its attention output when no evidence is wanted; other heads ignore this.
        { training: false, ...(wantEvidence ? {} : { outputLabelAttention: false }) },
      );
      const probability =
        this.head.problemType === 'single_label' ? tf.softmax(output.logits) : tf.sigmoid(output.logits);
      return { scores: probability, attention: wantEvidence ? output.labelAttention : undefined };
    });
    try {
      const values = (await scores.data()) as Float32Array;
      const predictions: NotePrediction[] = [];
      for (let row = 0; row < notes.length; row++) {
        const ranked = rankCodes(
          this.labels,
          values,
          row * labels,
          this.thresholdValues,
          { ...options, evidence: false },
          () => [],
        );
        let evidenceSource: NotePrediction['evidenceSource'] = 'none';
        if (attention && wantEvidence) {
          const wanted = ranked
            .filter((code) => code.predicted)
            .map((code) => this.labels.indexOf(code.code));
          const spans = await this.evidenceOf(
            attention,
            row,
            wanted,
            windows[row]!,
            texts[row]!,
            kept[row],
            options,
          );
          for (let i = 0, k = 0; i < ranked.length; i++) {
            if (!ranked[i]!.predicted) continue;
            ranked[i] = { ...ranked[i]!, evidence: spans[k++]! };
          }
          if (spans.some((list) => list.length > 0)) evidenceSource = 'attention';
        }
        predictions.push({ noteId: notes[row]!.id, ranked, evidenceSource });
      }
      return predictions;
    } finally {
      tf.dispose([scores, ...(attention ? [attention] : [])]);
    }
  }

  /** Evidence of the labels `wanted` of note `row`: only those attention rows leave the backend. */
  private async evidenceOf(
    attention: tf.Tensor,
    row: number,
    wanted: readonly number[],
    windows: NoteWindows,
    text: string,
    kept: KeptText | undefined,
    options: PredictOptions,
  ): Promise<Evidence[][]> {
    if (wanted.length === 0) return [];
    const tokens = windows.windowStarts[windows.windowCount] as number;
    const rows = tf.tidy(() => {
      const note = tf.squeeze(tf.slice(attention, [row, 0, 0], [1, -1, tokens]), [0]);
      return tf.gather(note, tf.tensor1d([...wanted], 'int32'));
    });
    const values = (await rows.data()) as Float32Array;
    rows.dispose();
    const index = wordIndex(text, windows.offsets);
    const spanOptions: AttentionEvidenceOptions = {
      ...this.evidenceOptions,
      maxEvidence: options.maxEvidence ?? 3,
      ...(kept ? { boundaries: kept.keptStarts } : {}),
    };
    return wanted.map((_, i) => {
      const spans = spansFromAttention(index, values.subarray(i * tokens, (i + 1) * tokens), spanOptions);
      return kept ? mapEvidenceToOriginal(spans, kept) : spans;
    });
  }

  /**
   * Tunes this coder's thresholds on labelled validation notes (texts, or notes cached with
   * `cacheHiddenStates`) with `@icd/metrics`' `tuneThreshold` (micro-F1; one global threshold or one
   * per label), sets them, and returns what was found. Tune on a split carved from train, never on test.
   *
   * @example
   * ```ts
   * const { thresholds, microF1 } = await coder.tuneThresholds(validationNotes, { mode: 'perLabel' });
   * ```
   */
  async tuneThresholds(
    notes: readonly ((NoteInput & { readonly codes: readonly string[] }) | CachedNote)[],
    options: TuneThresholdOptions & { readonly signal?: AbortSignal } = {},
  ): Promise<TunedThresholds> {
    const fn = 'HeadCoder.tuneThresholds';
    if (!Array.isArray(notes) || notes.length === 0)
      invalidArgument(fn, 'notes', 'a non-empty array of labelled notes', notes);
    notes.forEach((note, index) => {
      if (!Array.isArray(note?.codes))
        invalidArgument(fn, `notes[${index}].codes`, 'an array of codes', note?.codes);
    });
    const cached = notes.every((note) => 'states' in note && note.states instanceof Float32Array);
    const run = { evidence: false, ...(options.signal ? { signal: options.signal } : {}) };
    const predictions = cached
      ? await this.predictCached(notes as readonly CachedNote[], run)
      : await this.predict(notes, run);
    const index = new Map(this.labels.map((label, i) => [label, i]));
    const scores = predictions.map((prediction) => {
      const row = new Array<number>(this.labels.length).fill(0);
      for (const code of prediction.ranked) row[index.get(code.code)!] = code.score;
      return row;
    });
    const truth = notes.map((note) => {
      const row = new Array<number>(this.labels.length).fill(0);
      for (const code of note.codes) {
        const column = index.get(code);
        if (column !== undefined) row[column] = 1;
      }
      return row;
    });
    const tuned = tuneThreshold(truth, scores, {
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.maxSweeps === undefined ? {} : { maxSweeps: options.maxSweeps }),
    });
    this.thresholds = tuned.thresholds;
    return tuned;
  }

  /** Releases the head's weights and the encoder. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.head.dispose();
    this.encoder.dispose();
  }

  private assertLive(fn: string): void {
    if (this.disposed)
      invalidArgument(fn, 'this', 'a coder that has not been disposed', 'a disposed HeadCoder');
  }
}

/**
 * Evidence spans found in a Key-BERT-filtered text (`filterNote` / `sampleNote`) mapped back to character
 * offsets of the original note; a span that does not map whole (it would cross a kept passage) is dropped.
 *
 * @example
 * ```ts
 * const kept = filterNote(note, { budget: 256, tokenizer, terms });
 * mapEvidenceToOriginal(spansInKeptText, kept).every((s) => note.slice(s.start, s.end) === s.text); // true
 * ```
 */
export function mapEvidenceToOriginal(spans: readonly Evidence[], kept: KeptText): Evidence[] {
  const original: Evidence[] = [];
  for (const span of spans) {
    const start = kept.toOriginal(span.start);
    const end = kept.toOriginal(span.end);
    if (start === undefined || end === undefined || end - start !== span.end - span.start) continue;
    original.push({ ...span, start, end });
  }
  return original;
}
