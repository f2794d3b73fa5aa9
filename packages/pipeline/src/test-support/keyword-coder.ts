import type { Coder, NoteInput, NotePrediction, PredictOptions } from '@icd/core';

const KEYWORDS: Readonly<Record<string, string>> = {
  'E11.9': 'diabetes',
  I10: 'hypertension',
  'I48.91': 'fibrillation',
  R07: 'chest pain',
};

/**
 * A fast deterministic coder for transport tests (a child process starts it in milliseconds, unlike a
 * model package): a code scores 0.9 when its keyword is in the note, else 0.1; evidence is the keyword's
 * first occurrence. `delayMs` makes each call wait, checking the signal, as a model between batches.
 */
export class KeywordCoder implements Coder {
  readonly labels = Object.keys(KEYWORDS).sort();
  constructor(private readonly delayMs = 0) {}

  async predict(notes: readonly NoteInput[], options: PredictOptions = {}): Promise<NotePrediction[]> {
    options.signal?.throwIfAborted();
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    options.signal?.throwIfAborted();
    return notes.map((note) => {
      const lower = note.text.toLowerCase();
      const ranked = this.labels
        .map((code) => {
          const at = lower.indexOf(KEYWORDS[code]!);
          const score = at >= 0 ? 0.9 : 0.1;
          const evidence =
            at >= 0
              ? [
                  {
                    start: at,
                    end: at + KEYWORDS[code]!.length,
                    text: note.text.slice(at, at + KEYWORDS[code]!.length),
                    score: 1,
                    source: 'dictionary' as const,
                  },
                ]
              : [];
          return { code, score, threshold: 0.5, predicted: score >= 0.5, evidence };
        })
        .sort((a, b) => b.score - a.score);
      return {
        noteId: note.id,
        ranked,
        evidenceSource: ranked.some((code) => code.evidence.length > 0)
          ? ('dictionary' as const)
          : ('none' as const),
      };
    });
  }

  dispose(): void {}
}
