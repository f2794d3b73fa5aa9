import { invalidArgument } from '@icd/core';

/**
 * Interns codes as small integers, lower-casing each distinct spelling once. Clinical code lists repeat
 * a few thousand codes millions of times, so the hot loop of MAP becomes one `Map` lookup per code
 * plus typed-array reads, instead of lower-casing and hashing fresh strings into per-document sets.
 */
export class CodeTable {
  private readonly spellingToId = new Map<string, number>();
  private readonly lowerCaseToId = new Map<string, number>();

  constructor(private readonly fn: string) {}

  /** Number of distinct lower-cased codes seen so far (ids are `0 … size - 1`). */
  get size(): number {
    return this.lowerCaseToId.size;
  }

  /** The id of `code` after lower-casing; `argument` names the input in error messages. */
  id(code: unknown, argument: string): number {
    if (typeof code !== 'string') invalidArgument(this.fn, argument, 'string codes', code);
    let id = this.spellingToId.get(code);
    if (id === undefined) {
      const lowerCase = code.toLowerCase();
      id = this.lowerCaseToId.get(lowerCase);
      if (id === undefined) {
        id = this.lowerCaseToId.size;
        this.lowerCaseToId.set(lowerCase, id);
      }
      this.spellingToId.set(code, id);
    }
    return id;
  }
}

/** A growable `Int32Array` of per-code marks ("seen in document n"), read and written by code id. */
export class CodeMarks {
  private marks = new Int32Array(1024);

  get(id: number): number {
    return id < this.marks.length ? (this.marks[id] as number) : 0;
  }

  set(id: number, value: number): void {
    if (id >= this.marks.length) {
      const grown = new Int32Array(Math.max(id + 1, this.marks.length * 2));
      grown.set(this.marks);
      this.marks = grown;
    }
    this.marks[id] = value;
  }
}
