import type { Encoding } from '../tokenizer-like.js';

/**
 * A mutable-free encoding of the mock tokenizer with HF `tokenizers`' algebra (`Encoding::truncate`,
 * `merge_with`, `pad` of `tokenizers/src/tokenizer/encoding.rs`), so that `MockTokenizer` windows, pairs
 * and padding behave as the real tokenizer's, nested overflowing windows of pairs included.
 *
 * @internal
 */
export interface MockEncoding {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
  readonly offsets: readonly (readonly [number, number])[];
  readonly typeIds: readonly number[];
  readonly wordIds: readonly (number | null)[];
  readonly sequenceIds: readonly (number | null)[];
  readonly specialTokensMask: readonly number[];
  readonly attentionMask: readonly number[];
  readonly overflowing: readonly MockEncoding[];
}

type Arrays = Omit<MockEncoding, 'overflowing'>;
const keys = [
  'ids',
  'tokens',
  'offsets',
  'typeIds',
  'wordIds',
  'sequenceIds',
  'specialTokensMask',
  'attentionMask',
] as const;

function map(
  encoding: Arrays,
  f: (values: readonly unknown[], key: (typeof keys)[number]) => unknown[],
): Arrays {
  const out: Record<string, unknown[]> = {};
  for (const key of keys) out[key] = f(encoding[key], key);
  return out as unknown as Arrays;
}

/** Tokens `[from, to)`, without windows. */
export function sliceEncoding(encoding: MockEncoding, from: number, to: number): MockEncoding {
  return { ...map(encoding, (values) => values.slice(from, to)), overflowing: [] };
}

/** HF `truncate`: keep `maxLength` tokens; the rest become windows of `maxLength` every `maxLength - stride`. */
export function truncateEncoding(encoding: MockEncoding, maxLength: number, stride: number): MockEncoding {
  const length = encoding.ids.length;
  if (maxLength >= length) return encoding;
  if (maxLength === 0)
    return { ...sliceEncoding(encoding, 0, 0), overflowing: [{ ...encoding, overflowing: [] }] };
  const windows: MockEncoding[] = [];
  for (let start = 0; ; start += maxLength - stride) {
    const stop = Math.min(start + maxLength, length);
    windows.push(sliceEncoding(encoding, start, stop));
    if (stop === length) break;
  }
  return { ...windows[0]!, overflowing: windows.slice(1) };
}

/** HF `merge_with`: `a` then `b`; windows combine (each of a's with b and b's windows, then a with b's). */
export function mergeEncodings(a: MockEncoding, b: MockEncoding): MockEncoding {
  const overflowing: MockEncoding[] = [];
  for (const own of a.overflowing) {
    overflowing.push(mergeEncodings(own, b));
    for (const other of b.overflowing) overflowing.push(mergeEncodings(own, other));
  }
  for (const other of b.overflowing) overflowing.push(mergeEncodings(a, other));
  return { ...map(a, (values, key) => [...values, ...b[key]]), overflowing };
}

/** HF `pad`: to `length` with the pad id (type 0, attention 0, special 1), windows too. */
export function padEncoding(
  encoding: MockEncoding,
  length: number,
  padId: number,
  padToken: string,
  left: boolean,
): MockEncoding {
  const overflowing = encoding.overflowing.map((window) =>
    padEncoding(window, length, padId, padToken, left),
  );
  const count = length - encoding.ids.length;
  if (count <= 0) return { ...encoding, overflowing };
  const fill: Record<(typeof keys)[number], unknown> = {
    ids: padId,
    tokens: padToken,
    offsets: [0, 0],
    typeIds: 0,
    wordIds: null,
    sequenceIds: null,
    specialTokensMask: 1,
    attentionMask: 0,
  };
  const padded = map(encoding, (values, key) => {
    const pad = Array<unknown>(count).fill(fill[key]);
    return left ? [...pad, ...values] : [...values, ...pad];
  });
  return { ...padded, overflowing };
}

/** Sets type and sequence ids of every real token, windows too (what HF's post-processor does first). */
export function withSequence(encoding: MockEncoding, typeId: number, sequenceId: number): MockEncoding {
  return {
    ...encoding,
    typeIds: encoding.ids.map(() => typeId),
    sequenceIds: encoding.ids.map(() => sequenceId),
    overflowing: encoding.overflowing.map((window) => withSequence(window, typeId, sequenceId)),
  };
}

/** The public {@link Encoding} (the same object: the fields already match). */
export function toEncoding(encoding: MockEncoding): Encoding {
  return encoding;
}
