import type { TextSpan } from '@icd/core';

// A sentence ends at a line break, or at . ! ? ; followed by white space, unless the word before the
// dot is a common abbreviation or a single letter (initials, "r/o", "p.ej.").
const ABBREVIATIONS = new Set([
  'dr',
  'dra',
  'mr',
  'mrs',
  'ms',
  'vs',
  'etc',
  'approx',
  'fig',
  'sr',
  'sra',
  'pag',
  'ej',
  'aprox',
  'mg',
  'ml',
]);

/**
 * Splits a note into sentences with `[start, end)` offsets into the original text (trimmed of
 * surrounding white space; empty sentences dropped). A sentence ends at a line break or at `.`, `!`,
 * `?` or `;` followed by white space, except after an abbreviation (`Dr.`, `vs.`, `p. ej.`) or a single
 * letter.
 *
 * @example
 * ```ts
 * splitSentences('Chest pain. No AF.\nECG normal');
 * // [{ start: 0, end: 11 }, { start: 12, end: 18 }, { start: 19, end: 29 }]
 * ```
 */
export function splitSentences(text: string): TextSpan[] {
  const sentences: TextSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    let from = start;
    let to = end;
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    if (to > from) sentences.push({ start: from, end: to });
  };
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10) {
      push(index);
      start = index + 1;
    } else if (
      (code === 46 || code === 33 || code === 63 || code === 59) &&
      (index + 1 === text.length || isSpace(text.charCodeAt(index + 1)))
    ) {
      if (code === 46 && isAbbreviation(text, index)) continue;
      push(index + 1);
      start = index + 1;
    }
  }
  push(text.length);
  return sentences;
}

// White space as /\s/ sees it, without a regular expression per character.
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function isAbbreviation(text: string, dot: number): boolean {
  let from = dot;
  while (from > 0 && /[\p{L}]/u.test(text[from - 1]!)) from--;
  const word = text.slice(from, dot).toLowerCase();
  return word.length === 1 || ABBREVIATIONS.has(word);
}
