/**
 * A set of code points built from inclusive `[first, last]` range pairs: a bitmap for the Basic
 * Multilingual Plane (one load per lookup in hot loops) and a binary search over the ranges above it.
 */
export class CodePointSet {
  private readonly bmp = new Uint8Array(0x10000);
  private readonly astral: Int32Array;

  constructor(ranges: readonly number[]) {
    const astral: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const first = ranges[i]!;
      const last = ranges[i + 1]!;
      for (let cp = first; cp <= Math.min(last, 0xffff); cp++) this.bmp[cp] = 1;
      if (last > 0xffff) astral.push(Math.max(first, 0x10000), last);
    }
    this.astral = Int32Array.from(astral);
  }

  has(codePoint: number): boolean {
    if (codePoint <= 0xffff) return this.bmp[codePoint] === 1;
    let low = 0;
    let high = (this.astral.length >> 1) - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (codePoint < this.astral[middle * 2]!) high = middle - 1;
      else if (codePoint > this.astral[middle * 2 + 1]!) low = middle + 1;
      else return true;
    }
    return false;
  }
}
