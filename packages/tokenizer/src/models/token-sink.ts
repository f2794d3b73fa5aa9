/**
 * Growable parallel arrays of `(id, start, end)` a model appends tokens to; offsets are in the units of the
 * buffer the model read. Reused across calls so the hot path allocates nothing per token.
 *
 * @example
 * ```ts
 * const sink = new TokenSink();
 * model.tokenize(Uint16Array.from('unaffable', (c) => c.charCodeAt(0)), 0, 9, sink);
 * sink.count; // 3 with the BERT vocabulary: un ##aff ##able
 * ```
 */
export class TokenSink {
  ids = new Int32Array(1024);
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  /** Filled by the tokenizer, not the model: the word index of each token. */
  wordIds = new Int32Array(1024);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  push(id: number, start: number, end: number): void {
    if (this.count === this.ids.length) this.grow();
    const at = this.count++;
    this.ids[at] = id;
    this.starts[at] = start;
    this.ends[at] = end;
  }

  private grow(): void {
    const capacity = this.ids.length * 2;
    for (const key of ['ids', 'starts', 'ends', 'wordIds'] as const) {
      const grown = new Int32Array(capacity);
      grown.set(this[key]);
      this[key] = grown;
    }
  }
}
