import type { TokenizerLike } from '@icd/core';
import { invalidArgument } from '@icd/core';

/**
 * Label words per class: `Record<className, words>` (checked against `classes`), or one entry per class
 * in class order (`string[][]`, or `string[]` for one word each).
 *
 * @example
 * ```ts
 * const labelWords: LabelWords = { I10: ['hypertension'], 'I48.91': ['fibrillation', 'flutter'] };
 * ```
 */
export type LabelWords =
  | Readonly<Record<string, readonly string[] | string>>
  | readonly (readonly string[] | string)[];

/** Label words in class order, each class's list non-empty; classes from the record when not given. */
export function resolveLabelWords(
  fn: string,
  labelWords: LabelWords,
  classes: readonly string[] | undefined,
): { classes: string[]; words: string[][] } {
  const asList = (value: unknown, name: string): string[] => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0)
      invalidArgument(fn, `labelWords[${JSON.stringify(name)}]`, 'a non-empty list of words', value);
    for (const word of list)
      if (typeof word !== 'string' || word.trim().length === 0)
        invalidArgument(fn, `labelWords[${JSON.stringify(name)}]`, 'non-empty strings', word);
    return [...list];
  };
  if (Array.isArray(labelWords)) {
    const names = classes ?? labelWords.map((_, i) => String(i));
    if (labelWords.length !== names.length)
      invalidArgument(fn, 'labelWords', `one entry per class (${names.length})`, labelWords);
    return { classes: [...names], words: labelWords.map((words, i) => asList(words, names[i]!)) };
  }
  if (labelWords === null || typeof labelWords !== 'object')
    invalidArgument(fn, 'labelWords', 'a record of class name → words, or a list per class', labelWords);
  const record = labelWords as Readonly<Record<string, readonly string[] | string>>;
  const names = classes ?? Object.keys(record);
  for (const name of names)
    if (!Object.hasOwn(record, name))
      invalidArgument(
        fn,
        'labelWords',
        `label words for every class (missing: ${JSON.stringify(name)})`,
        Object.keys(record),
      );
  for (const name of Object.keys(record))
    if (!names.includes(name))
      invalidArgument(
        fn,
        'labelWords',
        `only classes of 'classes' (unknown: ${JSON.stringify(name)})`,
        Object.keys(record),
      );
  return { classes: [...names], words: names.map((name) => asList(record[name], name)) };
}

/** OpenPrompt's `add_prefix`: `prefix + word`, except words written `<!>word`, taken as `word`. */
export function addPrefix(words: readonly (readonly string[])[], prefix: string): string[][] {
  return words.map((list) =>
    list.map((word) => (word.startsWith('<!>') ? word.split('<!>')[1]! : prefix + word)),
  );
}

/**
 * Label words as padded id tables, as OpenPrompt's `generate_parameters`: `ids [classes, words,
 * pieces]` (0-padded), `pieceMask` (1 for a real piece) and `wordMask [classes, words]` (1 for a real word).
 */
export interface LabelWordTable {
  readonly words: readonly (readonly string[])[];
  readonly ids: Int32Array;
  readonly pieceMask: Float32Array;
  readonly wordMask: Float32Array;
  readonly numClasses: number;
  readonly maxWords: number;
  readonly maxPieces: number;
}

/** Tokenizes each label word (no special tokens) into the padded tables of {@link LabelWordTable}. */
export function labelWordTable(
  fn: string,
  tokenizer: TokenizerLike,
  words: readonly (readonly string[])[],
  pieces: readonly (readonly (readonly number[])[])[] = words.map((list) =>
    list.map((word) => tokenizer.encode(word, null, { addSpecialTokens: false }).ids),
  ),
): LabelWordTable {
  for (const [c, list] of pieces.entries())
    for (const [w, ids] of list.entries())
      if (ids.length === 0)
        invalidArgument(fn, 'labelWords', 'words that tokenize to at least one token', words[c]![w]);
  const numClasses = words.length;
  const maxWords = Math.max(...words.map((list) => list.length));
  const maxPieces = Math.max(...pieces.flatMap((list) => list.map((ids) => ids.length)));
  const ids = new Int32Array(numClasses * maxWords * maxPieces);
  const pieceMask = new Float32Array(ids.length);
  const wordMask = new Float32Array(numClasses * maxWords);
  for (const [c, list] of pieces.entries()) {
    for (const [w, wordIds] of list.entries()) {
      wordMask[c * maxWords + w] = 1;
      for (const [p, id] of wordIds.entries()) {
        const at = (c * maxWords + w) * maxPieces + p;
        ids[at] = id;
        pieceMask[at] = 1;
      }
    }
  }
  return { words, ids, pieceMask, wordMask, numClasses, maxWords, maxPieces };
}
