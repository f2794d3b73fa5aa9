import type { Encoding as EncodingContract } from '@icd/core';
import type { EncodingData } from './encoding-data.js';

const toNullable = (values: ArrayLike<number>): (number | null)[] => {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! < 0 ? null : values[i]!;
  return out;
};

/**
 * The result of {@link Tokenizer.encode}: ids, tokens, offsets into the original text, masks and
 * overflowing windows, position by position (HF tokenizers' `Encoding`). Backed by typed arrays; the
 * array properties of the `@icd/core` contract are built on first access and cached. Use the `*Array`
 * properties to feed tensors without copies.
 *
 * @example
 * ```ts
 * const encoding = tokenizer.encode('Chest pain.');
 * encoding.tokens;  // ['[CLS]', 'chest', 'pain', '.', '[SEP]']
 * encoding.offsets; // [[0, 0], [0, 5], [6, 10], [10, 11], [0, 0]]
 * ```
 */
export class Encoding implements EncodingContract {
  private cache: Record<string, unknown> = {};

  constructor(
    private readonly data: EncodingData,
    private readonly vocabulary: readonly (string | undefined)[],
  ) {}

  private memo<T>(key: string, build: () => T): T {
    if (!(key in this.cache)) this.cache[key] = build();
    return this.cache[key] as T;
  }

  /** Number of positions (tokens, specials and padding). */
  get length(): number {
    return this.data.length;
  }

  /** Token ids as an `Int32Array` (no copy; do not modify). */
  get idsArray(): Int32Array {
    return this.data.ids;
  }

  /** Attention mask as a `Uint8Array` (no copy; do not modify). */
  get attentionMaskArray(): Uint8Array {
    return this.data.attentionMask;
  }

  /** Token type ids as an `Int32Array` (no copy; do not modify). */
  get typeIdsArray(): Int32Array {
    return this.data.typeIds;
  }

  get ids(): readonly number[] {
    return this.memo('ids', () => Array.from(this.data.ids));
  }

  get tokens(): readonly string[] {
    return this.memo('tokens', () => Array.from(this.data.ids, (id) => this.vocabulary[id] ?? ''));
  }

  get offsets(): readonly (readonly [number, number])[] {
    return this.memo('offsets', () =>
      Array.from(this.data.starts, (start, i) => [start, this.data.ends[i]!] as const),
    );
  }

  get attentionMask(): readonly number[] {
    return this.memo('attentionMask', () => Array.from(this.data.attentionMask));
  }

  get typeIds(): readonly number[] {
    return this.memo('typeIds', () => Array.from(this.data.typeIds));
  }

  get specialTokensMask(): readonly number[] {
    return this.memo('specialTokensMask', () => Array.from(this.data.specialTokensMask));
  }

  get wordIds(): readonly (number | null)[] {
    return this.memo('wordIds', () => toNullable(this.data.wordIds));
  }

  get sequenceIds(): readonly (number | null)[] {
    return this.memo('sequenceIds', () => toNullable(this.data.sequenceIds));
  }

  get overflowing(): readonly Encoding[] {
    return this.memo('overflowing', () =>
      this.data.overflowing.map((window) => new Encoding(window, this.vocabulary)),
    );
  }
}
