import type { NoteInput, NotePrediction } from '@icd/core';
import { type RedactedSpan, type RedactPhiOptions, redactPhi } from '@icd/data';

/** A note with identifiers replaced, and the way back to the original offsets. */
export interface RedactedNote {
  readonly note: NoteInput;
  readonly spans: readonly RedactedSpan[];
  /** Maps an offset of the redacted text to the original text (`side` picks the end of a placeholder). */
  readonly toOriginal: (offset: number, side: 'start' | 'end') => number;
}

/**
 * Runs `@icd/data`'s `redactPhi` on a note before inference and returns a mapper from offsets of the
 * redacted text back to the original: an offset inside a placeholder maps to the start (`'start'`) or the
 * end (`'end'`) of the identifier it replaced.
 */
export function redactNote(note: NoteInput, options: RedactPhiOptions = {}): RedactedNote {
  const language = options.language ?? (note.language === 'es' ? 'es' : undefined);
  const { text, spans } = redactPhi(note.text, { ...options, ...(language ? { language } : {}) });
  // Placeholder i covers [redactedStart[i], redactedStart[i] + replacement.length) of the redacted text.
  const redactedStart: number[] = [];
  let shift = 0;
  for (const span of spans) {
    redactedStart.push(span.start + shift);
    shift += span.replacement.length - (span.end - span.start);
  }
  const toOriginal = (offset: number, side: 'start' | 'end') => {
    let delta = 0;
    for (let index = 0; index < spans.length; index++) {
      const span = spans[index]!;
      const from = redactedStart[index]!;
      const to = from + span.replacement.length;
      if (offset < from || (offset === from && side === 'end')) break;
      if (offset < to || (offset === to && side === 'end')) return side === 'start' ? span.start : span.end;
      delta = span.end - to;
    }
    return offset + delta;
  };
  return { note: { ...note, text }, spans, toOriginal };
}

/** The prediction of a redacted note with its evidence moved back onto the original text. */
export function unredactPrediction(
  prediction: NotePrediction,
  original: NoteInput,
  redacted: RedactedNote,
): NotePrediction {
  return {
    ...prediction,
    ranked: prediction.ranked.map((code) => ({
      ...code,
      evidence: code.evidence.map((evidence) => {
        const start = redacted.toOriginal(evidence.start, 'start');
        const end = Math.max(start, redacted.toOriginal(evidence.end, 'end'));
        return { ...evidence, start, end, text: original.text.slice(start, end) };
      }),
    })),
  };
}
