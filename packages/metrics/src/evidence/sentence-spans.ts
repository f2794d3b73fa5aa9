import type { TextSpan } from '@icd/core';
import { invalidArgument } from '@icd/core';

/**
 * Splits a text into sentence spans, `[start, end)` offsets in UTF-16 code units, for the sentence-level
 * evidence metrics ({@link evidenceSentenceScores}). The rule, exactly:
 *
 * - every line break (`\n`, `\r`) ends a sentence;
 * - a run of `.`, `!`, `?` or `…` (optionally followed by closing quotes or brackets `"'”’»)]`) ends a
 *   sentence when whitespace follows it and the next non-space character is not a lower-case letter
 *   (`\p{Ll}`), so "p. ej. la" and "2.5 mg" do not split, "Fiebre. Tos" does;
 * - each sentence is trimmed of surrounding whitespace; empty ones are dropped.
 *
 * CodiEsp's English text has one sentence per line and its Spanish original mostly so; the synthetic
 * cardiology notes write several sentences per line. Spans are sorted and do not overlap.
 *
 * @example
 * ```ts
 * sentenceSpans('Fiebre alta. Tos seca.\nSin disnea.');
 * // [{ start: 0, end: 12 }, { start: 13, end: 22 }, { start: 23, end: 34 }]
 * ```
 */
export function sentenceSpans(text: string): TextSpan[] {
  if (typeof text !== 'string') invalidArgument('sentenceSpans', 'text', 'a string', text);
  const spans: TextSpan[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) spans.push({ start, end });
  };
  let start = 0;
  const boundary = /[\r\n]|[.!?…]+["'”’»)\]]*(?=\s+(?![\s\p{Ll}]))/gu;
  for (let match = boundary.exec(text); match !== null; match = boundary.exec(text)) {
    const end = match.index + match[0].length;
    push(start, end);
    start = end;
  }
  push(start, text.length);
  return spans;
}
