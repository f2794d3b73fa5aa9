/**
 * A word of a text: its normalised form and its `[start, end)` offsets in the ORIGINAL text.
 *
 * @example
 * ```ts
 * wordTokens('Fibrilación auricular')[0]; // { text: 'fibrilacion', start: 0, end: 11 }
 * ```
 */
export interface WordToken {
  /** Lower case, accents stripped (NFD without combining marks). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
const COMBINING = /\p{M}/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at U+0000 on purpose.
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Normalises a word or phrase the way the matcher sees it: lower case, accents and other combining
 * marks removed, so `Fibrilación` and `FIBRILACION` are one key.
 *
 * @example
 * ```ts
 * normalizeWord('Insuficiencia Cardíaca'); // 'insuficiencia cardiaca'
 * ```
 */
export function normalizeWord(text: string): string {
  // ASCII needs lower-casing only; NFD and mark removal are for accented letters.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(COMBINING, '').toLowerCase();
}

/**
 * Splits a text into words (runs of letters and digits; punctuation and spaces separate words),
 * each normalised with {@link normalizeWord} and mapped to its original offsets. `r/o` is two words,
 * `COVID-19` two, `ñ` a letter.
 *
 * @example
 * ```ts
 * wordTokens('No evidence of AF.').map((word) => word.text); // ['no', 'evidence', 'of', 'af']
 * ```
 */
export function wordTokens(text: string): WordToken[] {
  const tokens: WordToken[] = [];
  for (const match of text.matchAll(WORD)) {
    tokens.push({ text: normalizeWord(match[0]), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/**
 * The normalised key of a phrase: its words joined by single spaces (`'Atrial fibrillation, NOS'` →
 * `'atrial fibrillation nos'`).
 *
 * @example
 * ```ts
 * phraseKey('Síndrome  febril.'); // 'sindrome febril'
 * ```
 */
export function phraseKey(text: string): string {
  return wordTokens(text)
    .map((token) => token.text)
    .join(' ');
}
