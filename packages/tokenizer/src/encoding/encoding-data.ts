import { invalidArgument } from '@icd/core';

/**
 * The typed-array form of an encoding, and the HuggingFace operations on it (`merge_with`, `truncate`,
 * `pad` of `tokenizers/src/tokenizer/encoding.rs`, re-implemented with the same semantics, overflowing
 * windows included). What post-processors read and return; users see the `Encoding` view of it.
 *
 * @example
 * ```ts
 * const cls = EncodingData.special([101], 0);
 * cls.merge(EncodingData.special([102], 0)).ids; // Int32Array [101, 102]
 * ```
 */
export class EncodingData {
  constructor(
    readonly ids: Int32Array,
    readonly typeIds: Int32Array,
    /** Start offsets into the original text (UTF-16), 0 for specials and padding. */
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** Word index, -1 for none. */
    readonly wordIds: Int32Array,
    /** 0 or 1, -1 for none (specials, padding). */
    readonly sequenceIds: Int8Array,
    readonly specialTokensMask: Uint8Array,
    readonly attentionMask: Uint8Array,
    readonly overflowing: readonly EncodingData[] = [],
  ) {}

  get length(): number {
    return this.ids.length;
  }

  /** An encoding of `length` empty slots (all zero, word and sequence ids -1). */
  static allocate(length: number): EncodingData {
    return new EncodingData(
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length).fill(-1),
      new Int8Array(length).fill(-1),
      new Uint8Array(length),
      new Uint8Array(length),
    );
  }

  /** Special tokens (no offsets, no word), as a post-processor adds them. */
  static special(ids: readonly number[], typeId: number): EncodingData {
    const data = EncodingData.allocate(ids.length);
    data.ids.set(ids);
    data.typeIds.fill(typeId);
    data.specialTokensMask.fill(1);
    data.attentionMask.fill(1);
    return data;
  }

  withOverflowing(overflowing: readonly EncodingData[]): EncodingData {
    return new EncodingData(
      this.ids,
      this.typeIds,
      this.starts,
      this.ends,
      this.wordIds,
      this.sequenceIds,
      this.specialTokensMask,
      this.attentionMask,
      overflowing,
    );
  }

  /** Tokens `[from, to)`, without overflowing windows. */
  slice(from: number, to: number): EncodingData {
    return new EncodingData(
      this.ids.slice(from, to),
      this.typeIds.slice(from, to),
      this.starts.slice(from, to),
      this.ends.slice(from, to),
      this.wordIds.slice(from, to),
      this.sequenceIds.slice(from, to),
      this.specialTokensMask.slice(from, to),
      this.attentionMask.slice(from, to),
    );
  }

  /** Sets type and sequence ids of every real token, in the overflowing windows too. */
  withSequence(typeId: number, sequenceId: number): EncodingData {
    // Usually already so (the tokenizer fills them): then no copy.
    let same = true;
    for (let i = 0; i < this.ids.length && same; i++) {
      same = this.typeIds[i] === typeId && this.sequenceIds[i] === sequenceId;
    }
    if (same) {
      const windows = this.overflowing.map((window) => window.withSequence(typeId, sequenceId));
      return windows.every((window, i) => window === this.overflowing[i])
        ? this
        : this.withOverflowing(windows);
    }
    const copy = this.slice(0, this.length);
    copy.typeIds.fill(typeId);
    copy.sequenceIds.fill(sequenceId);
    return copy.withOverflowing(this.overflowing.map((window) => window.withSequence(typeId, sequenceId)));
  }

  /** The concatenation of `parts`, none of which may have overflowing windows (one allocation). */
  static concat(parts: readonly EncodingData[]): EncodingData {
    let length = 0;
    for (const part of parts) length += part.length;
    // Every slot is written below: no need for allocate's fills.
    const out = new EncodingData(
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length),
      new Int32Array(length),
      new Int8Array(length),
      new Uint8Array(length),
      new Uint8Array(length),
    );
    let at = 0;
    for (const part of parts) {
      out.ids.set(part.ids, at);
      out.typeIds.set(part.typeIds, at);
      out.starts.set(part.starts, at);
      out.ends.set(part.ends, at);
      out.wordIds.set(part.wordIds, at);
      out.sequenceIds.set(part.sequenceIds, at);
      out.specialTokensMask.set(part.specialTokensMask, at);
      out.attentionMask.set(part.attentionMask, at);
      at += part.length;
    }
    return out;
  }

  /**
   * `this` followed by `pair`. As HF's `merge_with`, overflowing windows combine: each of ours with
   * `pair` and with each of `pair`'s windows, then `this` with each of `pair`'s windows.
   */
  merge(pair: EncodingData): EncodingData {
    const overflowing: EncodingData[] = [];
    for (const own of this.overflowing) {
      overflowing.push(own.merge(pair));
      for (const other of pair.overflowing) overflowing.push(own.merge(other));
    }
    for (const other of pair.overflowing) overflowing.push(this.merge(other));
    const length = this.length + pair.length;
    const out = EncodingData.allocate(length);
    const at = this.length;
    out.ids.set(this.ids);
    out.ids.set(pair.ids, at);
    out.typeIds.set(this.typeIds);
    out.typeIds.set(pair.typeIds, at);
    out.starts.set(this.starts);
    out.starts.set(pair.starts, at);
    out.ends.set(this.ends);
    out.ends.set(pair.ends, at);
    out.wordIds.set(this.wordIds);
    out.wordIds.set(pair.wordIds, at);
    out.sequenceIds.set(this.sequenceIds);
    out.sequenceIds.set(pair.sequenceIds, at);
    out.specialTokensMask.set(this.specialTokensMask);
    out.specialTokensMask.set(pair.specialTokensMask, at);
    out.attentionMask.set(this.attentionMask);
    out.attentionMask.set(pair.attentionMask, at);
    return out.withOverflowing(overflowing);
  }

  /**
   * Keeps the first `maxLength` tokens; with HF semantics the rest becomes overflowing windows of
   * `maxLength` tokens starting every `maxLength - stride` tokens, until one reaches the end.
   */
  truncate(maxLength: number, stride: number): EncodingData {
    const length = this.length;
    if (maxLength >= length) return this;
    if (maxLength === 0) return EncodingData.allocate(0).withOverflowing([this.withOverflowing([])]);
    const step = maxLength - stride;
    if (!(step > 0)) invalidArgument('truncate', 'stride', `less than maxLength ${maxLength}`, stride);
    const windows: EncodingData[] = [];
    for (let start = 0; ; start += step) {
      const stop = Math.min(start + maxLength, length);
      windows.push(this.slice(start, stop));
      if (stop === length) break;
    }
    return windows[0]!.withOverflowing(windows.slice(1));
  }

  /** Pads to `targetLength` (and every overflowing window too), left or right. */
  pad(targetLength: number, padId: number, padTypeId: number, left: boolean): EncodingData {
    const overflowing = this.overflowing.map((window) => window.pad(targetLength, padId, padTypeId, left));
    const length = this.length;
    if (length >= targetLength) return this.withOverflowing(overflowing);
    const padCount = targetLength - length;
    const out = EncodingData.allocate(targetLength);
    const at = left ? padCount : 0;
    const padFrom = left ? 0 : length;
    out.ids.set(this.ids, at);
    out.ids.fill(padId, padFrom, padFrom + padCount);
    out.typeIds.set(this.typeIds, at);
    out.typeIds.fill(padTypeId, padFrom, padFrom + padCount);
    out.starts.set(this.starts, at);
    out.ends.set(this.ends, at);
    out.wordIds.set(this.wordIds, at);
    out.sequenceIds.set(this.sequenceIds, at);
    out.specialTokensMask.set(this.specialTokensMask, at);
    out.specialTokensMask.fill(1, padFrom, padFrom + padCount);
    out.attentionMask.set(this.attentionMask, at);
    return out.withOverflowing(overflowing);
  }
}
