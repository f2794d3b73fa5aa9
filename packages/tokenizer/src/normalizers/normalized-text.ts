/**
 * A growable buffer of normalized UTF-16 code units with, for each unit, the `[start, end)` range of the
 * ORIGINAL text it comes from: the alignment map that lets token offsets point into the input even after
 * accent stripping, lower-casing or removed control characters (HF's `NormalizedString` alignments).
 *
 * Reused across calls so the hot path allocates nothing.
 *
 * @example
 * ```ts
 * const out = new NormalizedText();
 * new BertNormalizer().normalize('É!', 0, 2, out);
 * out.toString(); // 'e!'
 * out.starts[0];  // 0: 'e' comes from text[0, 1)
 * ```
 */
export class NormalizedText {
  units = new Uint16Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more units. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.units.length) return;
    let capacity = this.units.length * 2;
    while (capacity < needed) capacity *= 2;
    const units = new Uint16Array(capacity);
    units.set(this.units.subarray(0, this.length));
    const starts = new Int32Array(capacity);
    starts.set(this.starts.subarray(0, this.length));
    const ends = new Int32Array(capacity);
    ends.set(this.ends.subarray(0, this.length));
    this.units = units;
    this.starts = starts;
    this.ends = ends;
  }

  /** Appends one unit aligned to `[start, end)` of the original text (caller has reserved room). */
  push(unit: number, start: number, end: number): void {
    const at = this.length++;
    this.units[at] = unit;
    this.starts[at] = start;
    this.ends[at] = end;
  }

  /** The normalized units `[from, to)` as a string. */
  toString(from = 0, to = this.length): string {
    let out = '';
    for (let i = from; i < to; i += 4096) {
      out += String.fromCharCode(...this.units.subarray(i, Math.min(to, i + 4096)));
    }
    return out;
  }
}
