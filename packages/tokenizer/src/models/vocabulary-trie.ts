/**
 * A trie over the UTF-16 code units of every vocabulary token, for greedy longest-match WordPiece without
 * substrings: walking it from one position visits each unit once and stops as soon as no token has the
 * prefix read so far (the trie part of Song et al. 2021, "Fast WordPiece Tokenization", EMNLP).
 *
 * Children of the root sit in a dense table (one load); the other edges in an open-addressing hash table
 * keyed by (node, unit) in typed arrays.
 */
export class VocabularyTrie {
  /** Token id ending at each node, -1 when none. */
  readonly tokenIds: Int32Array;
  private readonly rootChildren = new Int32Array(0x10000).fill(-1);
  private readonly edgeNodes: Int32Array;
  private readonly edgeUnits: Uint16Array;
  private readonly edgeTargets: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(vocabulary: ReadonlyMap<string, number>) {
    let totalUnits = 1;
    for (const token of vocabulary.keys()) totalUnits += token.length;
    let capacity = 1024;
    let bits = 10;
    while (capacity < totalUnits * 2) {
      capacity *= 2;
      bits++;
    }
    this.mask = capacity - 1;
    this.shift = 32 - bits;
    this.edgeNodes = new Int32Array(capacity).fill(-1);
    this.edgeUnits = new Uint16Array(capacity);
    this.edgeTargets = new Int32Array(capacity);
    const tokenIds = new Int32Array(totalUnits).fill(-1);
    let nodes = 1;
    for (const [token, id] of vocabulary) {
      let node = 0;
      for (let i = 0; i < token.length; i++) {
        const unit = token.charCodeAt(i);
        let next = this.child(node, unit);
        if (next < 0) {
          next = nodes++;
          this.addEdge(node, unit, next);
        }
        node = next;
      }
      if (node > 0) tokenIds[node] = id;
    }
    this.tokenIds = tokenIds.subarray(0, nodes);
  }

  private slot(node: number, unit: number): number {
    // Fibonacci hashing: the high bits of the product are well mixed.
    return Math.imul(node ^ (unit << 16) ^ (unit >>> 4), 0x9e3779b1) >>> this.shift;
  }

  private addEdge(node: number, unit: number, target: number): void {
    if (node === 0) {
      this.rootChildren[unit] = target;
      return;
    }
    let at = this.slot(node, unit);
    while (this.edgeNodes[at] !== -1) at = (at + 1) & this.mask;
    this.edgeNodes[at] = node;
    this.edgeUnits[at] = unit;
    this.edgeTargets[at] = target;
  }

  /** The node reached from `node` by `unit`, -1 when there is none. */
  child(node: number, unit: number): number {
    if (node === 0) return this.rootChildren[unit]!;
    let at = this.slot(node, unit);
    for (;;) {
      const owner = this.edgeNodes[at]!;
      if (owner === node && this.edgeUnits[at] === unit) return this.edgeTargets[at]!;
      if (owner === -1) return -1;
      at = (at + 1) & this.mask;
    }
  }

  /** The children of `node` as a dense table by code unit (-1: none), for nodes visited very often. */
  denseChildren(node: number): Int32Array {
    if (node === 0) return this.rootChildren;
    const table = new Int32Array(0x10000).fill(-1);
    for (let at = 0; at < this.edgeNodes.length; at++) {
      if (this.edgeNodes[at] === node) table[this.edgeUnits[at]!] = this.edgeTargets[at]!;
    }
    return table;
  }

  /** The node reached from the root by `text`, -1 when there is none. */
  walk(text: string): number {
    let node = 0;
    for (let i = 0; i < text.length && node >= 0; i++) node = this.child(node, text.charCodeAt(i));
    return node;
  }
}
