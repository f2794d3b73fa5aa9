import type { TextSpan } from './clinical-note.js';

/** The part of a note a {@link Coder} reads: a `ClinicalNote` is one, and so is `{ id, text }`. */
export interface NoteInput {
  readonly id: string;
  readonly text: string;
  /** ISO 639-1 language of `text` (`'en'`, `'es'`), when known. */
  readonly language?: string;
}

/** Where an evidence span comes from, so a reader knows how much to trust it. */
export type EvidenceSource = 'attention' | 'dictionary' | 'keyword' | 'sentence';

/**
 * A passage of the note that supports a predicted code, as `[start, end)` offsets into the ORIGINAL
 * note text (after any windowing or filtering has been mapped back).
 */
export interface Evidence extends TextSpan {
  /** `note.text.slice(start, end)`. */
  readonly text: string;
  /** How strongly the span supports the code (attention mass, match weight, similarity). */
  readonly score: number;
  readonly source: EvidenceSource;
  /** The mention is negated ("no evidence of AF", "sin fiebre"). */
  readonly negated?: boolean;
  /** The mention is uncertain ("possible", "r/o", "sospecha de"). */
  readonly uncertain?: boolean;
}

/** One scored code of a note. */
export interface CodePrediction {
  /** Normalised code (upper case with the dot: `I48.0`). */
  readonly code: string;
  /** Probability-like score in `[0, 1]` for probabilistic models; a ranking score otherwise. */
  readonly score: number;
  /** The threshold this code's score was compared with. */
  readonly threshold: number;
  /** `score >= threshold`: the code is part of the note's predicted set. */
  readonly predicted: boolean;
  /** Supporting spans, best first; empty when the model has none or evidence was not asked for. */
  readonly evidence: readonly Evidence[];
}

/** A coder's answer for one note. */
export interface NotePrediction {
  readonly noteId: string;
  /** Scored codes, best first (ties keep label-space order); `topK` long when asked. */
  readonly ranked: readonly CodePrediction[];
  /** What the evidence spans of this prediction come from (`'none'` when there are none). */
  readonly evidenceSource: EvidenceSource | 'none';
}

/** Options every {@link Coder.predict} honours. */
export interface PredictOptions {
  /** Keep only the `topK` best codes of each note in `ranked` (default: every scored code). */
  readonly topK?: number;
  /** One threshold for every code, overriding the model's own (tuned) thresholds. */
  readonly threshold?: number;
  /** Compute evidence spans (default true); `false` skips the work. */
  readonly evidence?: boolean;
  /** At most this many evidence spans per code (default 3). */
  readonly maxEvidence?: number;
  /** Stops the work: `predict` rejects with the signal's reason as soon as it can. */
  readonly signal?: AbortSignal;
}

/**
 * Any model that assigns ICD codes to notes: a prompt model, a label-attention head, a dictionary
 * matcher, a lexical baseline, an ensemble. The pipeline, the service and the browser demo are written
 * against this contract only, so a new model type plugs in everywhere.
 *
 * Implementations MUST return one {@link NotePrediction} per input note, in input order, with
 * `ranked` sorted by descending score; MUST reject (not return partial results) when `signal` aborts;
 * and MUST map evidence offsets back to the original note text.
 *
 * @example
 * ```ts
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known AF on apixaban.' }]);
 * const codes = prediction.ranked.filter((c) => c.predicted).map((c) => c.code); // ['I48.91']
 * ```
 */
export interface Coder {
  /** The label space: every code the coder can score. */
  readonly labels: readonly string[];
  predict(notes: readonly NoteInput[], options?: PredictOptions): Promise<NotePrediction[]>;
  /** Release weights and sessions. Calling it twice is harmless. */
  dispose(): void;
}
