import type { TextSpan } from '@icd/core';
import { invalidArgument } from '@icd/core';
import { sentenceSpans } from '@icd/metrics';

/**
 * The sentences of a note that evidence spans touch: indices (0-based, ascending, each once) into
 * `@icd/metrics`' `sentenceSpans(noteText)` (the split its `evidenceSentenceScores` is measured on) of
 * every sentence a span overlaps by at least one character, so predicted and gold evidence (CodiEsp-X
 * spans, the synthetic corpus's evidence sentences) compare at the sentence level whatever their exact
 * boundaries. Pass `sentences` to use another split.
 *
 * @example
 * ```ts
 * const text = 'Chest pain. No fever.\nKnown AF.';
 * sentenceEvidence(text, [{ start: 0, end: 5 }, { start: 28, end: 30 }]); // [0, 2]
 * ```
 */
export function sentenceEvidence(
  noteText: string,
  spans: readonly TextSpan[],
  sentences: readonly TextSpan[] = sentenceSpans(noteText),
): number[] {
  const fn = 'sentenceEvidence';
  if (typeof noteText !== 'string') invalidArgument(fn, 'noteText', 'a string', noteText);
  if (!Array.isArray(spans)) invalidArgument(fn, 'spans', 'an array of { start, end }', spans);
  const hit = new Set<number>();
  spans.forEach((span, index) => {
    if (
      span === null ||
      typeof span !== 'object' ||
      !Number.isInteger(span.start) ||
      !Number.isInteger(span.end) ||
      span.start < 0 ||
      span.end < span.start ||
      span.end > noteText.length
    )
      invalidArgument(
        fn,
        `spans[${index}]`,
        `a { start, end } with 0 <= start <= end <= ${noteText.length}`,
        span,
      );
    sentences.forEach((sentence, s) => {
      if (span.start < sentence.end && span.end > sentence.start) hit.add(s);
    });
  });
  return [...hit].sort((a, b) => a - b);
}
