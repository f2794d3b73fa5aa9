/**
 * An Aho–Corasick automaton over word sequences: every pattern (a list of word ids) is found in one
 * left-to-right pass over a text's words, overlapping matches included. Internal to the term matcher.
 */
export class WordAutomaton {
  private readonly edges = new EdgeTable();
  private readonly fail: number[] = [0];
  private readonly depth: number[] = [0];
  /** The pattern ending exactly at each node, or -1. */
  private readonly output: number[] = [-1];
  /** The nearest node on the failure chain (itself excluded) with an output, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly children = new Map<number, [word: number, child: number][]>();

  constructor(patterns: readonly (readonly number[])[]) {
    patterns.forEach((pattern, id) => {
      let node = 0;
      for (const word of pattern) {
        let next = this.edges.get(node, word);
        if (next === -1) {
          next = this.fail.length;
          this.edges.set(node, word, next);
          const list = this.children.get(node) ?? [];
          list.push([word, next]);
          this.children.set(node, list);
          this.fail.push(0);
          this.depth.push(this.depth[node]! + 1);
          this.output.push(-1);
          this.outputLink.push(-1);
        }
        node = next;
      }
      if (this.output[node] === -1) this.output[node] = id;
    });
    this.link();
  }

  // Breadth-first: a node's failure link is the longest proper suffix of its path that is a prefix.
  private link(): void {
    const children = this.children;
    const queue: number[] = [];
    for (const [, child] of children.get(0) ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [word, child] of children.get(node) ?? []) {
        let fallback = this.fail[node]!;
        while (fallback !== 0 && this.edges.get(fallback, word) === -1) fallback = this.fail[fallback]!;
        const target = this.edges.get(fallback, word);
        this.fail[child] = target !== -1 && target !== child ? target : 0;
        const suffix = this.fail[child]!;
        this.outputLink[child] = this.output[suffix] !== -1 ? suffix : this.outputLink[suffix]!;
        queue.push(child);
      }
    }
    children.clear();
  }

  /** Number of states. */
  get states(): number {
    return this.fail.length;
  }

  /**
   * Calls `found(pattern, firstWord, lastWord)` for every occurrence; `words[i] < 0` is a word no
   * pattern contains.
   */
  scan(words: ArrayLike<number>, found: (pattern: number, first: number, last: number) => void): void {
    let node = 0;
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      if (word < 0) {
        node = 0;
        continue;
      }
      while (node !== 0 && this.edges.get(node, word) === -1) node = this.fail[node]!;
      node = Math.max(this.edges.get(node, word), 0);
      for (
        let hit = this.output[node] !== -1 ? node : this.outputLink[node]!;
        hit !== -1;
        hit = this.outputLink[hit]!
      ) {
        found(this.output[hit]!, index - this.depth[hit]! + 1, index);
      }
    }
  }
}

// (node, word) → child, open addressing with linear probing on typed arrays: no boxed keys, no
// per-node maps. Grows at half load.
class EdgeTable {
  private nodes = new Int32Array(1024).fill(-1);
  private words = new Int32Array(1024);
  private values = new Int32Array(1024);
  private size = 0;

  private slot(node: number, word: number, nodes: Int32Array, words: Int32Array): number {
    const mask = nodes.length - 1;
    let index = (Math.imul(node, 0x9e3779b1) ^ Math.imul(word + 1, 0x85ebca77)) & mask;
    while (nodes[index] !== -1 && (nodes[index] !== node || words[index] !== word))
      index = (index + 1) & mask;
    return index;
  }

  get(node: number, word: number): number {
    const index = this.slot(node, word, this.nodes, this.words);
    return this.nodes[index] === -1 ? -1 : this.values[index]!;
  }

  set(node: number, word: number, value: number): void {
    if (2 * (this.size + 1) > this.nodes.length) this.grow();
    const index = this.slot(node, word, this.nodes, this.words);
    if (this.nodes[index] === -1) this.size++;
    this.nodes[index] = node;
    this.words[index] = word;
    this.values[index] = value;
  }

  private grow(): void {
    const { nodes, words, values } = this;
    this.nodes = new Int32Array(nodes.length * 2).fill(-1);
    this.words = new Int32Array(nodes.length * 2);
    this.values = new Int32Array(nodes.length * 2);
    for (let index = 0; index < nodes.length; index++) {
      if (nodes[index] === -1) continue;
      const target = this.slot(nodes[index]!, words[index]!, this.nodes, this.words);
      this.nodes[target] = nodes[index]!;
      this.words[target] = words[index]!;
      this.values[target] = values[index]!;
    }
  }
}
