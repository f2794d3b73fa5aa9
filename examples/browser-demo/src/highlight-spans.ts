/** A passage to mark in the note: character offsets, and whether the note negates it. */
export interface HighlightSpan {
  readonly start: number;
  readonly end: number;
  readonly negated: boolean;
}

/**
 * Non-overlapping marks for a set of spans that may overlap (evidence from two windows, a negated
 * mention inside an evidence passage): sorted by start, each span keeps only the characters no earlier
 * span took, so every character of the note is shown once, in at most one mark, and no marked
 * character is lost. Spans outside `[0, length]` are clipped; empty ones dropped.
 */
export function highlightSegments(spans: readonly HighlightSpan[], length: number): HighlightSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: HighlightSpan[] = [];
  let taken = 0;
  for (const span of sorted) {
    const start = Math.max(span.start, taken, 0);
    const end = Math.min(span.end, length);
    if (start >= end) continue;
    out.push({ start, end, negated: span.negated });
    taken = end;
  }
  return out;
}
