import type { NoteSection, TextSpan } from '@icd/core';

// A header line: "History of present illness:", "HOSPITAL COURSE", "Antecedentes personales:" (text
// after the colon starts the section body).
const HEADER = /^[ \t]*([\p{Lu}][\p{L} /&,()-]{2,60}?)[ \t]*:/u;
const CAPITALS = /^[ \t]*([\p{Lu}][\p{Lu} /&,()-]{2,60})[ \t]*$/u;

/**
 * Finds titled sections: a line that starts with a short title and a colon ("History of present
 * illness:") or is all capitals ("HOSPITAL COURSE") opens a section that runs to the next one. Text
 * before the first header is a section titled `''`. Returns `[]` when the note has no header.
 *
 * @example
 * ```ts
 * detectSections('Chief complaint: chest pain.\nHistory of present illness: 3 days of pain.');
 * // [{ title: 'Chief complaint', start: 0, end: 28 }, { title: 'History of present illness', start: 29, end: 74 }]
 * ```
 */
export function detectSections(text: string): NoteSection[] {
  const headers: { title: string; start: number }[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const match = HEADER.exec(line) ?? CAPITALS.exec(line);
    if (match !== null && match[1]!.trim().split(/\s+/).length <= 6)
      headers.push({ title: match[1]!.trim(), start: lineStart });
    lineStart = lineEnd + 1;
  }
  if (headers.length === 0) return [];
  const sections: NoteSection[] = [];
  if (text.slice(0, headers[0]!.start).trim() !== '')
    sections.push(trim(text, { title: '', start: 0, end: headers[0]!.start }));
  headers.forEach((header, index) => {
    sections.push(
      trim(text, { title: header.title, start: header.start, end: headers[index + 1]?.start ?? text.length }),
    );
  });
  return sections.filter((section) => section.end > section.start);
}

/**
 * The paragraphs of a span: blocks separated by blank lines, or lines when there is no blank line
 * (CodiEsp's case reports put one paragraph per line).
 *
 * @example
 * ```ts
 * splitParagraphs('One.\nTwo.', { start: 0, end: 9 }); // [{ start: 0, end: 4 }, { start: 5, end: 9 }]
 * ```
 */
export function splitParagraphs(text: string, span: TextSpan = { start: 0, end: text.length }): TextSpan[] {
  const body = text.slice(span.start, span.end);
  const separator = /\n[ \t]*\n/.test(body) ? /\n[ \t]*\n/g : /\n/g;
  const paragraphs: TextSpan[] = [];
  let from = 0;
  for (const match of body.matchAll(separator)) {
    paragraphs.push({ start: span.start + from, end: span.start + match.index });
    from = match.index + match[0].length;
  }
  paragraphs.push({ start: span.start + from, end: span.end });
  return paragraphs
    .map((paragraph) => trim(text, paragraph))
    .filter((paragraph) => paragraph.end > paragraph.start);
}

function trim<T extends TextSpan>(text: string, span: T): T {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { ...span, start, end };
}
