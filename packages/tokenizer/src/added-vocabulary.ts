import { DataFormatError } from '@icd/core';
import { characterClasses } from './unicode/character-classes.js';

/**
 * A token matched in the text before the model runs (`added_tokens` of `tokenizer.json`).
 *
 * @example
 * ```ts
 * const mask: AddedToken = { id: 103, content: '[MASK]', special: true, normalized: false, lstrip: false, rstrip: false, singleWord: false };
 * ```
 */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  /** Special tokens are dropped by `decode(ids, { skipSpecialTokens: true })`. */
  readonly special: boolean;
  /** Matched in the normalized text (true) or in the original text (false, HF's default for specials). */
  readonly normalized: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly singleWord: boolean;
}

/** Growable `(start, end, id)` triples; `id` -1 marks text between matches. */
export class Segments {
  values = new Int32Array(96);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  push(start: number, end: number, id: number): void {
    if (this.count * 3 + 3 > this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.count++ * 3;
    this.values[at] = start;
    this.values[at + 1] = end;
    this.values[at + 2] = id;
  }
}

const isWordCharacter = (unit: number): boolean =>
  unit === 95 || /[\p{L}\p{N}]/u.test(String.fromCharCode(unit));

/**
 * Finds added tokens (`[CLS]`, `[MASK]`, never-split words) in text, leftmost-longest as HF's
 * `AddedVocabulary`, honouring `lstrip` / `rstrip` (absorb neighbouring whitespace) and `singleWord` (no
 * word character on either side). One instance matches either the original or the normalized forms.
 */
export class AddedTokenMatcher {
  private readonly firstUnits = new Uint8Array(0x10000);
  private readonly candidates = new Map<number, { token: AddedToken; pattern: string }[]>();

  constructor(entries: readonly { token: AddedToken; pattern: string }[]) {
    for (const entry of entries) {
      if (entry.pattern === '') {
        throw new DataFormatError({ message: `added token ${entry.token.id} has empty content` });
      }
      const first = entry.pattern.charCodeAt(0);
      this.firstUnits[first] = 1;
      const list = this.candidates.get(first) ?? [];
      list.push(entry);
      list.sort((a, b) => b.pattern.length - a.pattern.length);
      this.candidates.set(first, list);
    }
  }

  get isEmpty(): boolean {
    return this.candidates.size === 0;
  }

  /**
   * Splits `text(from..to)` (read through `unitAt`: the original string or a normalized buffer) into
   * segments; plain ranges get id -1.
   */
  split(unitAt: (index: number) => number, from: number, to: number, out: Segments): void {
    let plainStart = from;
    for (let i = from; i < to; i++) {
      if (this.firstUnits[unitAt(i)] !== 1) continue;
      const next = this.matchAt(unitAt, i, from, to, plainStart, out);
      if (next >= 0) i = (plainStart = next) - 1;
    }
    if (plainStart < to) out.push(plainStart, to, -1);
  }

  /** {@link split} for a string, with the scan inlined (the hot path of every encode). */
  splitString(text: string, out: Segments): void {
    const to = text.length;
    const firstUnits = this.firstUnits;
    const unitAt = (index: number) => text.charCodeAt(index);
    let plainStart = 0;
    for (let i = 0; i < to; i++) {
      if (firstUnits[text.charCodeAt(i)] !== 1) continue;
      const next = this.matchAt(unitAt, i, 0, to, plainStart, out);
      if (next >= 0) i = (plainStart = next) - 1;
    }
    if (plainStart < to) out.push(plainStart, to, -1);
  }

  // Tries the added tokens starting at `i`, longest first; on a match pushes the plain text before it and
  // the token, and returns where plain text resumes; -1 when nothing matches.
  private matchAt(
    unitAt: (index: number) => number,
    i: number,
    from: number,
    to: number,
    plainStart: number,
    out: Segments,
  ): number {
    const whitespace = characterClasses().whitespace;
    for (const { token, pattern } of this.candidates.get(unitAt(i))!) {
      const end = i + pattern.length;
      if (end > to) continue;
      let matches = true;
      for (let k = 1; k < pattern.length && matches; k++) matches = unitAt(i + k) === pattern.charCodeAt(k);
      if (!matches) continue;
      if (
        token.singleWord &&
        ((i > from && isWordCharacter(unitAt(i - 1))) || (end < to && isWordCharacter(unitAt(end))))
      ) {
        continue;
      }
      let start = i;
      let stop = end;
      if (token.lstrip) while (start > plainStart && whitespace.has(unitAt(start - 1))) start--;
      if (token.rstrip) while (stop < to && whitespace.has(unitAt(stop))) stop++;
      if (start > plainStart) out.push(plainStart, start, -1);
      out.push(start, stop, token.id);
      return stop;
    }
    return -1;
  }
}
