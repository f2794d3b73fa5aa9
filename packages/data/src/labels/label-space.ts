import type { ClinicalNote } from '@icd/core';
import { assertInteger, invalidArgument } from '@icd/core';

/** Options of {@link LabelSpace.fromNotes}. */
export interface FromNotesOptions {
  /** Keep only the `topK` most frequent codes (MIMIC-III-50: `topK: 50` over the training notes). */
  readonly topK?: number;
  /** Keep only codes seen in at least this many notes. Default 1. */
  readonly minFrequency?: number;
}

/** A multi-hot batch: `data[row * size + index]` is 1 when note `row` has the code at `index`. */
export interface MultiHotBatch {
  readonly data: Uint8Array;
  readonly shape: readonly [rows: number, size: number];
  /** Codes of the notes that the label space does not hold, per row: reported, never silently lost. */
  readonly unseen: readonly { readonly row: number; readonly code: string }[];
}

/**
 * The label set of a task: code ↔ index, the training frequency of each code, top-k selection and
 * multi-hot encoding. Codes are ordered by descending frequency, ties by code, so `topK(50)` is the
 * "50 most frequent training codes" (MIMIC-III-50, Mullenbach et al. 2018) and two runs agree on indices.
 * Encoding reports codes that are not in the space (codes unseen at training time) instead of dropping
 * them without a trace.
 *
 * @example
 * ```ts
 * const space = LabelSpace.fromNotes(trainNotes, { topK: 50 });
 * const { vector, unseen } = space.encode(['I48.0', 'Z99.9']); // vector: Uint8Array(50), unseen: ['Z99.9']
 * ```
 */
export class LabelSpace {
  readonly codes: readonly string[];
  readonly frequencies: Int32Array;
  private readonly indices = new Map<string, number>();

  constructor(codes: readonly string[], frequencies?: ArrayLike<number>) {
    if (!Array.isArray(codes) || codes.some((code) => typeof code !== 'string' || code === '')) {
      invalidArgument('LabelSpace', 'codes', 'an array of non-empty strings', codes);
    }
    if (frequencies !== undefined && frequencies.length !== codes.length) {
      invalidArgument('LabelSpace', 'frequencies', `an array of length ${codes.length}`, frequencies);
    }
    this.codes = [...codes];
    this.frequencies = Int32Array.from(frequencies ?? codes.map(() => 0));
    codes.forEach((code, index) => {
      if (this.indices.has(code)) invalidArgument('LabelSpace', 'codes', 'distinct codes', code);
      this.indices.set(code, index);
    });
  }

  /**
   * Counts in how many notes each code occurs (a code counted once per note) and orders codes by
   * descending count, then by code.
   */
  static fromNotes(notes: Iterable<Pick<ClinicalNote, 'codes'>>, options: FromNotesOptions = {}): LabelSpace {
    const minFrequency = options.minFrequency ?? 1;
    assertInteger('LabelSpace.fromNotes', 'minFrequency', minFrequency, { min: 1 });
    if (options.topK !== undefined) assertInteger('LabelSpace.fromNotes', 'topK', options.topK, { min: 1 });
    const counts = new Map<string, number>();
    for (const note of notes) {
      for (const code of new Set(note.codes)) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    const ranked = [...counts]
      .filter(([, count]) => count >= minFrequency)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, options.topK ?? Number.POSITIVE_INFINITY);
    return new LabelSpace(
      ranked.map(([code]) => code),
      ranked.map(([, count]) => count),
    );
  }

  /** Number of codes. */
  get size(): number {
    return this.codes.length;
  }

  /** True when the space holds `code`. */
  has(code: string): boolean {
    return this.indices.has(code);
  }

  /** The index of `code`, or -1 when the space does not hold it. */
  indexOf(code: string): number {
    return this.indices.get(code) ?? -1;
  }

  /** The code at `index`. */
  codeAt(index: number): string {
    assertInteger('LabelSpace.codeAt', 'index', index, { min: 0, max: this.size - 1 });
    return this.codes[index]!;
  }

  /** The training frequency of `code` (0 when unknown). */
  frequency(code: string): number {
    const index = this.indexOf(code);
    return index === -1 ? 0 : this.frequencies[index]!;
  }

  /** The `k` most frequent codes as a new space (all of them when `k >= size`). */
  topK(k: number): LabelSpace {
    assertInteger('LabelSpace.topK', 'k', k, { min: 1 });
    const order = this.codes.map((_, index) => index);
    order.sort((a, b) => this.frequencies[b]! - this.frequencies[a]! || a - b);
    const kept = order.slice(0, k);
    return new LabelSpace(
      kept.map((index) => this.codes[index]!),
      kept.map((index) => this.frequencies[index]!),
    );
  }

  /** Multi-hot vector of `codes`, and the codes the space does not hold. */
  encode(codes: readonly string[]): { vector: Uint8Array; unseen: string[] } {
    const vector = new Uint8Array(this.size);
    const unseen: string[] = [];
    for (const code of codes) {
      const index = this.indices.get(code);
      if (index === undefined) unseen.push(code);
      else vector[index] = 1;
    }
    return { vector, unseen };
  }

  /** Row-major multi-hot matrix of many notes, with every unseen code and its row. */
  encodeBatch(notes: readonly Pick<ClinicalNote, 'codes'>[]): MultiHotBatch {
    const data = new Uint8Array(notes.length * this.size);
    const unseen: { row: number; code: string }[] = [];
    notes.forEach((note, row) => {
      for (const code of note.codes) {
        const index = this.indices.get(code);
        if (index === undefined) unseen.push({ row, code });
        else data[row * this.size + index] = 1;
      }
    });
    return { data, shape: [notes.length, this.size], unseen };
  }

  /** The codes whose score is at least `threshold` (default 0.5), in label-space order. */
  decode(scores: ArrayLike<number>, threshold = 0.5): string[] {
    if (scores.length !== this.size) {
      invalidArgument('LabelSpace.decode', 'scores', `an array of length ${this.size}`, scores.length);
    }
    const codes: string[] = [];
    for (let index = 0; index < this.size; index++)
      if (scores[index]! >= threshold) codes.push(this.codes[index]!);
    return codes;
  }

  /** A plain object for `JSON.stringify`; {@link LabelSpace.fromJSON} reads it back. */
  toJSON(): { codes: string[]; frequencies: number[] } {
    return { codes: [...this.codes], frequencies: Array.from(this.frequencies) };
  }

  /** Rebuilds a space written by {@link LabelSpace.toJSON}. */
  static fromJSON(value: { codes: readonly string[]; frequencies?: readonly number[] }): LabelSpace {
    return new LabelSpace(value.codes, value.frequencies);
  }
}
