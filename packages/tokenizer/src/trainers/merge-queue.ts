/**
 * The priority queue of candidate merges used by {@link learnWordPieceVocabulary}: a binary max-heap
 * over parallel typed arrays (no object per entry).
 *
 * Order, as in HuggingFace tokenizers' BPE trainer (`tokenizers/src/models/bpe/trainer.rs`, `impl Ord
 * for Merge`): the larger pair count first; among equal counts, the pair whose `(leftId, rightId)` is
 * lexicographically SMALLER first. An entry also carries the list of word indices where the pair was seen
 * when the entry was pushed (HF's `pos` set); a pair may sit in the queue several times with different
 * lists, exactly as in HF, because that decides which words a merge is applied to.
 *
 * @internal Not exported from the package: only the trainer uses it.
 */
export class MergeQueue {
  private counts = new Float64Array(1024);
  private lefts = new Int32Array(1024);
  private rights = new Int32Array(1024);
  private pairs = new Int32Array(1024);
  private positions: Int32Array[] = [];
  private length = 0;

  /** Number of entries in the queue. */
  get size(): number {
    return this.length;
  }

  /** Adds an entry for pair `pair` (ids `left`, `right`) seen in the words `wordIndices`. */
  push(count: number, pair: number, left: number, right: number, wordIndices: Int32Array): void {
    if (this.length === this.counts.length) this.grow();
    let index = this.length++;
    // Sift up: move parents down while the new entry outranks them.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.outranks(count, left, right, parent)) break;
      this.copy(parent, index);
      index = parent;
    }
    this.set(index, count, pair, left, right, wordIndices);
  }

  /** Count of the top entry (call only when `size > 0`). */
  topCount(): number {
    return this.counts[0]!;
  }

  /** Pair index of the top entry. */
  topPair(): number {
    return this.pairs[0]!;
  }

  /** Word indices of the top entry. */
  topPositions(): Int32Array {
    return this.positions[0]!;
  }

  /** Removes the top entry. */
  pop(): void {
    const last = --this.length;
    if (last === 0) {
      this.positions.length = 0;
      return;
    }
    const count = this.counts[last]!;
    const pair = this.pairs[last]!;
    const left = this.lefts[last]!;
    const right = this.rights[last]!;
    const wordIndices = this.positions[last]!;
    this.positions.length = last;
    // Sift down the former last entry from the root.
    let index = 0;
    for (;;) {
      const leftChild = 2 * index + 1;
      if (leftChild >= last) break;
      let best = leftChild;
      const rightChild = leftChild + 1;
      if (rightChild < last && this.entryOutranks(rightChild, leftChild)) best = rightChild;
      if (!this.outranksEntry(best, count, left, right)) break;
      this.copy(best, index);
      index = best;
    }
    this.set(index, count, pair, left, right, wordIndices);
  }

  /** True when (count, left, right) ranks strictly above the entry at `index`. */
  private outranks(count: number, left: number, right: number, index: number): boolean {
    const other = this.counts[index]!;
    if (count !== other) return count > other;
    const otherLeft = this.lefts[index]!;
    if (left !== otherLeft) return left < otherLeft;
    return right < this.rights[index]!;
  }

  /** True when the entry at `index` ranks strictly above (count, left, right). */
  private outranksEntry(index: number, count: number, left: number, right: number): boolean {
    const own = this.counts[index]!;
    if (own !== count) return own > count;
    const ownLeft = this.lefts[index]!;
    if (ownLeft !== left) return ownLeft < left;
    return this.rights[index]! < right;
  }

  private entryOutranks(first: number, second: number): boolean {
    return this.outranks(this.counts[first]!, this.lefts[first]!, this.rights[first]!, second);
  }

  private copy(from: number, to: number): void {
    this.counts[to] = this.counts[from]!;
    this.pairs[to] = this.pairs[from]!;
    this.lefts[to] = this.lefts[from]!;
    this.rights[to] = this.rights[from]!;
    this.positions[to] = this.positions[from]!;
  }

  private set(
    index: number,
    count: number,
    pair: number,
    left: number,
    right: number,
    wordIndices: Int32Array,
  ): void {
    this.counts[index] = count;
    this.pairs[index] = pair;
    this.lefts[index] = left;
    this.rights[index] = right;
    this.positions[index] = wordIndices;
  }

  private grow(): void {
    const capacity = this.counts.length * 2;
    const counts = new Float64Array(capacity);
    counts.set(this.counts);
    this.counts = counts;
    for (const name of ['lefts', 'rights', 'pairs'] as const) {
      const grown = new Int32Array(capacity);
      grown.set(this[name]);
      this[name] = grown;
    }
  }
}
