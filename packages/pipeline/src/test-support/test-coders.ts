import type { Coder, NoteInput, NotePrediction, PredictOptions } from '@icd/core';
import { LexicalCoder } from '@icd/heads';

/** Six notes that train a {@link LexicalCoder} in milliseconds (labels E11.9, I10, I48.91). */
export const TRAINING_NOTES = [
  { text: 'Known atrial fibrillation on apixaban.', codes: ['I48.91'] },
  { text: 'Atrial fibrillation, rate controlled.', codes: ['I48.91', 'I10'] },
  { text: 'Essential hypertension on lisinopril.', codes: ['I10'] },
  { text: 'Hypertension, well controlled today.', codes: ['I10'] },
  { text: 'Type 2 diabetes on metformin.', codes: ['E11.9'] },
  { text: 'Diabetes follow up, metformin continued.', codes: ['E11.9', 'Z00.0'] },
];

/** A real model for tests: the lexical baseline trained on {@link TRAINING_NOTES}. */
export function trainTestCoder(): LexicalCoder {
  return LexicalCoder.train(TRAINING_NOTES, { c: 100, minDf: 1, threshold: 0.4 });
}

/** What a {@link RecordingCoder} saw. */
export interface PredictCall {
  readonly texts: readonly string[];
  readonly options: PredictOptions;
  /** Set when the call ended by its signal. */
  aborted: boolean;
  /** Work steps done (one per `stepMs`). */
  steps: number;
}

/**
 * Wraps a coder: records every `predict` call (its notes, options, whether it was aborted) and can make
 * each call slow, working in `stepMs` slices for `delayMs` and checking the signal between slices as a
 * real model checks it between batches.
 */
export class RecordingCoder implements Coder {
  readonly calls: PredictCall[] = [];
  delayMs: number;
  stepMs: number;
  disposed = 0;

  constructor(
    private readonly inner: Coder,
    { delayMs = 0, stepMs = 5 }: { delayMs?: number; stepMs?: number } = {},
  ) {
    this.delayMs = delayMs;
    this.stepMs = stepMs;
  }

  get labels(): readonly string[] {
    return this.inner.labels;
  }

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    const call: PredictCall = { texts: notes.map((note) => note.text), options, aborted: false, steps: 0 };
    this.calls.push(call);
    try {
      for (let waited = 0; waited < this.delayMs; waited += this.stepMs) {
        options.signal?.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, this.stepMs));
        call.steps++;
      }
      return await this.inner.predict(notes, options);
    } catch (error) {
      if (options.signal?.aborted) call.aborted = true;
      throw error;
    }
  }

  dispose(): void {
    this.disposed++;
  }
}
