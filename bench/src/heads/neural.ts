/**
 * The neural rows of the heads bench: a frozen tiny CodiEsp BERT whose states are cached once
 * (checkpoints/heads/), heads trained with `trainHead` on the fit part with early stopping on the
 * validation part, scored on the cached dev states (the same computation as `HeadCoder`, without
 * running the encoder again), evidence from the label attention mapped to character offsets.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertModel } from '@icd/bert/node';
import type { CodePrediction, Evidence, NotePrediction } from '@icd/core';
import {
  attentionEvidence,
  type CachedNote,
  cacheHiddenStates,
  type HeadTrainResult,
  KnowledgeInjectedLabelAttention,
  LabelAttention,
  mapEvidenceToOriginal,
  trainHead,
} from '@icd/heads';
import type { KeptText } from '@icd/keybert';
import { loadTokenizer } from '@icd/tokenizer/node';
import * as tf from '@tensorflow/tfjs-core';
import { load, seconds } from './common.js';
import { cacheKey, readStates, writeStates } from './hidden-cache.js';

/** A tfjs label head as `trainHead` takes it (ClsHead, LabelAttention, ...). */
export type Head = Parameters<typeof trainHead>[0];

export interface EncodedCorpus {
  readonly encoder: BertModel;
  readonly tokenizer: ReturnType<typeof loadTokenizer>;
  readonly modelDir: string;
  readonly windowLength: number;
}

export async function loadEncoder(modelDir: string, windowLength: number): Promise<EncodedCorpus> {
  const tokenizer = loadTokenizer(modelDir);
  const encoder = await BertModel.fromPretrained(modelDir);
  return { encoder, tokenizer, modelDir, windowLength };
}

/** States of `notes` from the disk cache `name`, or encoded now (and written) when it is missing or stale. */
export async function cachedStates(
  corpus: EncodedCorpus,
  cacheDir: string,
  name: string,
  notes: readonly { id: string; text: string; codes: readonly string[] }[],
  timings: string[],
  /** What else the texts depend on (a Key-BERT filter's settings): keys the cache with a hash of the texts too. */
  textSettings?: unknown,
): Promise<CachedNote[]> {
  const settings = { windowLength: corpus.windowLength, stride: 0 };
  const key = cacheKey(
    corpus.modelDir,
    textSettings === undefined ? settings : { ...settings, text: textSettings, texts: textHash(notes) },
    notes.map((note) => note.id),
  );
  const path = join(cacheDir, `hidden-${name}`);
  const stored = readStates(path, key, notes);
  if (stored) {
    if (existsSync(`${path}.timing.txt`))
      timings.push(
        `${readFileSync(`${path}.timing.txt`, 'utf8')} (an earlier run; read from checkpoints/heads/ now)`,
      );
    return stored as CachedNote[];
  }
  const clock = performance.now();
  const cache = await cacheHiddenStates(corpus.encoder, corpus.tokenizer, notes, {
    ...settings,
    batchSize: 16,
  });
  const tokens = cache.notes.reduce((sum, note) => sum + note.windows.ids.length, 0);
  const line = `${name}: encoded ${notes.length} notes (${tokens.toLocaleString('en')} tokens, windows of ${corpus.windowLength}) once in ${seconds(clock).toFixed(1)} s = ${(notes.length / seconds(clock)).toFixed(1)} notes/s, ${(cache.bytes / 2 ** 20).toFixed(0)} MiB (load ${load()})`;
  timings.push(line);
  writeFileSync(`${path}.timing.txt`, line);
  writeStates(path, key, cache.notes);
  return [...cache.notes];
}

/** FNV-1a of every text (a cache of filtered texts is stale when a filter's output changes). */
function textHash(notes: readonly { text: string }[]): string {
  let hash = 2166136261;
  for (const note of notes)
    for (let i = 0; i < note.text.length; i++) hash = Math.imul(hash ^ note.text.charCodeAt(i), 16777619);
  return (hash >>> 0).toString(16);
}

export interface ScoreOptions {
  /** One threshold (global) for `predicted`. */
  readonly threshold: number;
  /** Evidence spans for predicted codes (label attention heads only). */
  readonly evidence: boolean;
  readonly topK?: number;
  /**
   * Notes whose cached text is a Key-BERT-filtered text: spans never cross a kept passage and are mapped
   * back to the original note through `toOriginal` (as `HeadCoder` does with its `filter`).
   */
  readonly kept?: ReadonlyMap<string, KeptText>;
}

/**
 * Scores cached notes with a head: sigmoid of the logits, every label ranked best first (`topK` kept),
 * `predicted` at `threshold`; for a head that returns label attention, the predicted codes' evidence
 * from `attentionEvidence` over the note's token offsets.
 */
export async function scoreCached(
  head: Head,
  notes: readonly CachedNote[],
  options: ScoreOptions,
): Promise<NotePrediction[]> {
  const labels = head.labels;
  const results: NotePrediction[] = [];
  for (const note of notes) {
    const tokens = note.windows.ids.length;
    const [probabilities, attention] = tf.tidy(() => {
      const states = tf.tensor3d(note.states, [1, tokens, note.hiddenSize]);
      const mask = tf.ones([1, tokens]);
      const output = head.forward(states, mask, { training: false });
      return [tf.sigmoid(output.logits), output.labelAttention] as const;
    });
    const scores = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const kept = order.slice(0, options.topK ?? 1000);
    const predictedRows = kept.filter((label) => scores[label]! >= options.threshold);
    const evidence = new Map<number, Evidence[]>();
    if (attention && options.evidence && predictedRows.length > 0) {
      const rows = tf.tidy(() =>
        tf.gather(tf.reshape(attention, [labels.length, tokens]), Int32Array.from(predictedRows)),
      );
      const values = (await rows.data()) as Float32Array;
      rows.dispose();
      const kept = options.kept?.get(note.id);
      predictedRows.forEach((label, row) => {
        const spans = attentionEvidence(
          note.text,
          note.windows.offsets,
          values.subarray(row * tokens, (row + 1) * tokens),
          { maxEvidence: 3, ...(kept ? { boundaries: kept.keptStarts } : {}) },
        );
        evidence.set(label, kept ? mapEvidenceToOriginal(spans, kept) : spans);
      });
    }
    attention?.dispose();
    const ranked: CodePrediction[] = kept.map((label) => ({
      code: labels[label]!,
      score: scores[label]!,
      threshold: options.threshold,
      predicted: scores[label]! >= options.threshold,
      evidence: evidence.get(label) ?? [],
    }));
    results.push({ noteId: note.id, ranked, evidenceSource: attention ? 'attention' : 'none' });
  }
  return results;
}

export interface TrainedHead {
  readonly result: HeadTrainResult;
  readonly seconds: number;
  readonly examplesPerSecond: number;
}

export async function trainOnCache(
  head: Head,
  fit: readonly CachedNote[],
  validation: readonly CachedNote[],
  options: { epochs: number; learningRate: number; seed: number; patience: number },
): Promise<TrainedHead> {
  const clock = performance.now();
  const result = await trainHead(head, fit, {
    epochs: options.epochs,
    batchSize: 8,
    learningRate: options.learningRate,
    seed: options.seed,
    validation: { examples: validation, metric: 'loss', patience: options.patience, tuneThreshold: false },
  });
  const elapsed = seconds(clock);
  const steps = (result as { steps?: number }).steps;
  const examples = steps === undefined ? fit.length * options.epochs : steps * 8;
  return { result, seconds: elapsed, examplesPerSecond: examples / elapsed };
}

/**
 * Sets the head's output bias to the log-odds of each code's share of the fit notes (add-½ smoothed),
 * the usual start for a many-label sigmoid head: the first updates then learn evidence instead of
 * pushing 1,700 biases down from 0 (sigmoid 0.5). Returns the weight name it set.
 */
export function initialiseBias(head: Head, notes: readonly { codes: readonly string[] }[]): string {
  const name = [...head.weights.keys()].find(
    (key) =>
      /(^|\.)(classifier|third_linear)\.bias$/.test(key) &&
      head.weights.get(key)!.size === head.labels.length,
  );
  if (name === undefined) throw new Error('initialiseBias: the head has no [labels] output bias');
  const counts = new Map<string, number>();
  for (const note of notes)
    for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
  const logits = head.labels.map((code) => {
    const p = ((counts.get(code) ?? 0) + 0.5) / (notes.length + 1);
    return Math.log(p / (1 - p));
  });
  const values = tf.tensor1d(logits);
  head.weights.get(name)!.assign(values);
  values.dispose();
  return name;
}

/**
 * A copy of a trained (knowledge-injected) label-attention head over `labels + extra` codes: every
 * per-label weight column is copied for the trained labels and zero for the extra ones (which
 * `initialiseLabelQueriesFromDescriptions` then sets), every other weight is cloned.
 */
export function extendLabels(
  head: LabelAttention | KnowledgeInjectedLabelAttention,
  extra: readonly string[],
) {
  const count = head.labels.length;
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, variable] of head.weights) {
    const shape = variable.shape;
    if (
      shape[shape.length - 1] === count &&
      name.startsWith('label_attention.') &&
      !name.endsWith('first_linear.weight')
    ) {
      const zeros = tf.zeros([...shape.slice(0, -1), extra.length]);
      tensors.set(name, tf.concat([variable, zeros], shape.length - 1));
      zeros.dispose();
    } else tensors.set(name, variable.clone());
  }
  const labels = [...head.labels, ...extra];
  let extended: LabelAttention | KnowledgeInjectedLabelAttention;
  if (head instanceof KnowledgeInjectedLabelAttention) {
    for (const [name, buffer] of head.buffers) tensors.set(name, buffer.clone());
    extended = KnowledgeInjectedLabelAttention.fromJSON({ ...head.toJSON(), labels }, tensors);
  } else extended = LabelAttention.fromJSON({ ...head.toJSON(), labels }, tensors);
  for (const tensor of tensors.values()) tensor.dispose();
  return extended;
}

/** The mean token state of cached notes (`[hiddenSize]`), the centre of description-initialised output vectors. */
export function meanTokenState(notes: readonly CachedNote[]): Float32Array {
  const width = notes[0]!.hiddenSize;
  const sum = new Float64Array(width);
  let tokens = 0;
  for (const note of notes) {
    for (let index = 0; index < note.states.length; index++) sum[index % width]! += note.states[index]!;
    tokens += note.states.length / width;
  }
  return Float32Array.from(sum, (value) => value / Math.max(tokens, 1));
}
