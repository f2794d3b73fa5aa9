import {
  assertFiniteNumber,
  assertInteger,
  type Coder,
  DataFormatError,
  type Evidence,
  invalidArgument,
  type NoteInput,
  type NotePrediction,
  type PredictOptions,
} from '@icd/core';
import { checkPredictArguments, rankCodes } from '../ranking.js';
import {
  decisionValues,
  fitOneVsRestLogistic,
  type KernelLogisticModel,
  labelWeights,
} from './logistic-regression.js';
import {
  type LexicalToken,
  lexicalTokens,
  ngrams,
  type SparseRows,
  type TfidfJson,
  type TfidfOptions,
  TfidfVectorizer,
} from './tfidf-vectorizer.js';

/** A training note of {@link LexicalCoder.train}: its text and gold codes. */
export interface LexicalTrainingNote {
  readonly text: string;
  readonly codes: readonly string[];
}

/** Options of {@link LexicalCoder.train}. */
export interface LexicalCoderOptions extends TfidfOptions {
  /** Inverse L2 regularisation strength (scikit-learn's `C`). Default 300. */
  readonly c?: number;
  /** Learn only codes with at least this many training notes. Default 2. */
  readonly minNotesPerCode?: number;
  /** Decision threshold on the probability (tune it with `tuneThreshold` of `@icd/metrics`). Default 0.5. */
  readonly threshold?: number;
  /** L-BFGS stopping tolerance on the largest gradient entry of the mean loss. Default 1e-4. */
  readonly tolerance?: number;
  /** L-BFGS iterations per code. Default 500. */
  readonly maxIterations?: number;
  readonly signal?: AbortSignal;
}

/** What {@link LexicalCoder.toJSON} writes (plain JSON). */
export interface LexicalCoderJson {
  readonly format: 'icd-lexical-coder';
  readonly version: 1;
  readonly labels: readonly string[];
  /** One or one per label; `null` = never predict (Infinity, which JSON cannot hold). */
  readonly thresholds: readonly (number | null)[];
  readonly vectorizer: TfidfJson;
  readonly support: { rows: number; cols: number; rowStart: number[]; indices: number[]; values: number[] };
  readonly dual: readonly number[];
  readonly intercepts: readonly number[];
}

interface EvidenceContext {
  readonly text: string;
  readonly tokens: readonly LexicalToken[];
  readonly first: ReadonlyMap<number, [number, number]>;
  readonly columns: readonly number[];
  readonly values: Float32Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The classic strong baseline: TF-IDF (word uni+bigrams, sublinear tf, smoothed idf, unit rows; see
 * {@link TfidfVectorizer}) and one L2 logistic regression per code (scikit-learn's objective, solved
 * exactly by L-BFGS in the span of the training notes), behind the `Coder` contract. Scores are
 * probabilities; evidence spans are the note's n-grams that add most to a predicted code's logit
 * (`source: 'keyword'`), as offsets into the note.
 *
 * @example
 * ```ts
 * const coder = LexicalCoder.train(trainNotes, { c: 300, minDf: 2, threshold: 0.04 });
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known atrial fibrillation on apixaban.' }]);
 * prediction.ranked[0]; // { code: 'I48.91', score: 0.41, predicted: true, evidence: [{ text: 'atrial fibrillation', ... }] }
 * ```
 */
export class LexicalCoder implements Coder {
  readonly labels: readonly string[];
  readonly vectorizer: TfidfVectorizer;
  /** One threshold for every code, or one per code. */
  readonly thresholds: Float64Array;
  private readonly model: KernelLogisticModel;
  private context: EvidenceContext | undefined;

  private constructor(
    labels: readonly string[],
    vectorizer: TfidfVectorizer,
    model: KernelLogisticModel,
    thresholds: Float64Array,
  ) {
    this.labels = labels;
    this.vectorizer = vectorizer;
    this.model = model;
    this.thresholds = thresholds;
  }

  /** Fits the vectorizer and one regression per code with at least `minNotesPerCode` notes. */
  static train(notes: readonly LexicalTrainingNote[], options: LexicalCoderOptions = {}): LexicalCoder {
    const fn = 'LexicalCoder.train';
    if (!Array.isArray(notes) || notes.length === 0) invalidArgument(fn, 'notes', 'a non-empty array', notes);
    notes.forEach((note, index) => {
      if (typeof note?.text !== 'string' || !Array.isArray(note.codes))
        invalidArgument(fn, `notes[${index}]`, 'a { text: string, codes: string[] }', note);
    });
    const minNotes = options.minNotesPerCode ?? 2;
    assertInteger(fn, 'minNotesPerCode', minNotes, { min: 1 });
    const threshold = options.threshold ?? 0.5;
    assertFiniteNumber(fn, 'threshold', threshold);
    const counts = new Map<string, number>();
    for (const note of notes)
      for (const code of new Set<string>(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
    // A code in every note has no negative example: logistic regression is undefined there.
    const labels = [...counts.keys()]
      .filter((code) => counts.get(code)! >= minNotes && counts.get(code)! < notes.length)
      .sort();
    if (labels.length === 0)
      invalidArgument(fn, 'notes', `at least one code in ${minNotes}+ (but not all) notes`, notes.length);
    const vectorizer = TfidfVectorizer.fit(
      notes.map((note) => note.text),
      options,
    );
    const features = vectorizer.transform(notes.map((note) => note.text));
    const targets = labels.map((code) =>
      Uint8Array.from(notes, (note) => (note.codes.includes(code) ? 1 : 0)),
    );
    const model = fitOneVsRestLogistic(features, targets, {
      c: options.c ?? 300,
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new LexicalCoder(labels, vectorizer, model, Float64Array.of(threshold));
  }

  /** Restores a coder written by {@link LexicalCoder.toJSON}. */
  static fromJSON(json: LexicalCoderJson): LexicalCoder {
    if (json?.format !== 'icd-lexical-coder' || json.version !== 1 || !Array.isArray(json.labels))
      throw new DataFormatError({
        message: "LexicalCoder.fromJSON: expected { format: 'icd-lexical-coder', version: 1, ... }",
      });
    const bad = (message: string): never => {
      throw new DataFormatError({ message: `LexicalCoder.fromJSON: ${message}` });
    };
    const labels: unknown[] = json.labels;
    if (labels.length === 0 || labels.some((label) => typeof label !== 'string' || label.length === 0))
      bad('labels must be a non-empty array of non-empty codes');
    if (new Set(labels).size !== labels.length) bad('labels must not repeat a code');
    const thresholds: unknown = json.thresholds;
    if (
      !Array.isArray(thresholds) ||
      (thresholds.length !== 1 && thresholds.length !== labels.length) ||
      thresholds.some((t) => t !== null && (typeof t !== 'number' || Number.isNaN(t)))
    )
      bad(`thresholds must be 1 or ${labels.length} numbers (null = never predict)`);
    if (
      json.support === null ||
      typeof json.support !== 'object' ||
      !Array.isArray(json.dual) ||
      !Array.isArray(json.intercepts)
    )
      bad('expected support, dual and intercepts');
    const rank = json.support.rows;
    if (json.dual.length !== json.labels.length * rank || json.intercepts.length !== json.labels.length)
      throw new DataFormatError({
        message: `LexicalCoder.fromJSON: dual must hold labels × ${rank} values and intercepts one per label`,
      });
    const support: SparseRows = {
      rows: rank,
      cols: json.support.cols,
      rowStart: Uint32Array.from(json.support.rowStart),
      indices: Uint32Array.from(json.support.indices),
      values: Float32Array.from(json.support.values),
    };
    const model = {
      support,
      dual: Float64Array.from(json.dual),
      intercepts: Float64Array.from(json.intercepts),
    };
    return new LexicalCoder(
      json.labels,
      TfidfVectorizer.fromJSON(json.vectorizer),
      model,
      Float64Array.from(json.thresholds, (t) => t ?? Number.POSITIVE_INFINITY),
    );
  }

  /** The same model with other thresholds: one number, or one per code (as `tuneThreshold` returns). */
  withThresholds(thresholds: number | ArrayLike<number>): LexicalCoder {
    const values =
      typeof thresholds === 'number' ? Float64Array.of(thresholds) : Float64Array.from(thresholds);
    if (values.length !== 1 && values.length !== this.labels.length)
      invalidArgument(
        'LexicalCoder.withThresholds',
        'thresholds',
        `1 or ${this.labels.length} values`,
        values.length,
      );
    for (const value of values)
      if (Number.isNaN(value) || value === Number.NEGATIVE_INFINITY)
        invalidArgument(
          'LexicalCoder.withThresholds',
          'thresholds',
          'numbers (Infinity: never predict)',
          value,
        );
    return new LexicalCoder(this.labels, this.vectorizer, this.model, values);
  }

  /** Probabilities `notes × labels`, row-major, in the shape `@icd/metrics` reads. */
  scores(texts: readonly string[]): { data: Float64Array; rows: number; cols: number } {
    const z = decisionValues(this.model, this.vectorizer.transform(texts));
    for (let index = 0; index < z.length; index++) z[index] = sigmoid(z[index]!);
    return { data: z, rows: texts.length, cols: this.labels.length };
  }

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    checkPredictArguments('LexicalCoder.predict', notes, options);
    const out: NotePrediction[] = [];
    const batch = 64;
    for (let first = 0; first < notes.length; first += batch) {
      options.signal?.throwIfAborted();
      const slice = notes.slice(first, first + batch);
      const { data } = this.scores(slice.map((note) => note.text));
      slice.forEach((note, row) => {
        const ranked = rankCodes(
          this.labels,
          data,
          row * this.labels.length,
          this.thresholds,
          options,
          (label) => this.evidence(note.text, label, options.maxEvidence ?? 3),
        );
        out.push({
          noteId: note.id,
          ranked,
          evidenceSource: ranked.some((code) => code.evidence.length > 0) ? 'keyword' : 'none',
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    options.signal?.throwIfAborted();
    return out;
  }

  /** The note's n-grams with the largest positive contribution `x_j · w_j` to a code's logit. */
  private evidence(text: string, label: number, limit: number): Evidence[] {
    // The codes of one note are asked in a row: tokens and features are computed once per note.
    if (this.context?.text !== text) this.context = this.evidenceContext(text);
    const { tokens, first, columns, values } = this.context;
    const weights = labelWeights(this.model, label, columns);
    return columns
      .map((column, position) => ({ column, contribution: values[position]! * weights[position]! }))
      .filter((entry) => entry.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, limit)
      .map(({ column, contribution }) => {
        const [start, length] = first.get(column)!;
        const span = { start: tokens[start]!.start, end: tokens[start + length - 1]!.end };
        return {
          ...span,
          text: text.slice(span.start, span.end),
          score: contribution,
          source: 'keyword' as const,
        };
      });
  }

  toJSON(): LexicalCoderJson {
    const { support } = this.model;
    return {
      format: 'icd-lexical-coder',
      version: 1,
      labels: this.labels,
      // JSON has no Infinity: a code that is never predicted is written null.
      thresholds: Array.from(this.thresholds, (t) => (t === Number.POSITIVE_INFINITY ? null : t)),
      vectorizer: this.vectorizer.toJSON(),
      support: {
        rows: support.rows,
        cols: support.cols,
        rowStart: [...support.rowStart],
        indices: [...support.indices],
        values: [...support.values],
      },
      dual: [...this.model.dual],
      intercepts: [...this.model.intercepts],
    };
  }

  /** A note's tokens, features and the first occurrence of each feature. */
  private evidenceContext(text: string): EvidenceContext {
    const tokens = lexicalTokens(text);
    const first = new Map<number, [number, number]>();
    for (const [term, start] of ngrams(tokens, this.vectorizer.ngramRange)) {
      const column = this.vectorizer.column(term);
      if (column !== undefined && !first.has(column)) first.set(column, [start, term.split(' ').length]);
    }
    const row = this.vectorizer.transform([text]);
    return { text, tokens, first, columns: [...row.indices], values: row.values };
  }

  /** Nothing to release (plain arrays); present for the `Coder` contract. */
  dispose(): void {}
}
