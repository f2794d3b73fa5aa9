/**
 * An Aho–Corasick automaton over word sequences: every pattern (a list of word ids) is found in one
 * left-to-right pass over a text's words, overlapping matches included. Internal to the term matcher.
 */
export class WordAutomaton {
  private readonly edges = new Map<number, number>();
  private readonly fail: number[] = [0];
  private readonly depth: number[] = [0];
  /** The pattern ending exactly at each node, or -1. */
  private readonly output: number[] = [-1];
  /** The nearest node on the failure chain (itself excluded) with an output, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly width: number;

  constructor(patterns: readonly (readonly number[])[], vocabularySize: number) {
    this.width = vocabularySize + 1;
    patterns.forEach((pattern, id) => {
      let node = 0;
      for (const word of pattern) {
        const key = node * this.width + word;
        let next = this.edges.get(key);
        if (next === undefined) {
          next = this.fail.length;
          this.edges.set(key, next);
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
    const children = new Map<number, [word: number, child: number][]>();
    for (const [key, child] of this.edges) {
      const parent = Math.floor(key / this.width);
      const list = children.get(parent) ?? [];
      list.push([key % this.width, child]);
      children.set(parent, list);
    }
    const queue: number[] = [];
    for (const [, child] of children.get(0) ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [word, child] of children.get(node) ?? []) {
        let fallback = this.fail[node]!;
        while (fallback !== 0 && !this.edges.has(fallback * this.width + word))
          fallback = this.fail[fallback]!;
        const target = this.edges.get(fallback * this.width + word);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const suffix = this.fail[child]!;
        this.outputLink[child] = this.output[suffix] !== -1 ? suffix : this.outputLink[suffix]!;
        queue.push(child);
      }
    }
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
      while (node !== 0 && !this.edges.has(node * this.width + word)) node = this.fail[node]!;
      node = this.edges.get(node * this.width + word) ?? 0;
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
