/**
 * A small seeded generator (mulberry32): 32-bit state, uniform floats in [0, 1). Enough for resampling
 * indices reproducibly; not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher-Yates permutation of `0 … count - 1`. */
export function seededPermutation(count: number, seed: number): Uint32Array {
  const random = seededRandom(seed);
  const order = Uint32Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const value = order[index] as number;
    order[index] = order[other] as number;
    order[other] = value;
  }
  return order;
}

/** Percentile `q` (0–100) of ascending-sorted `sorted`, with numpy's default linear interpolation. */
export function percentileOfSorted(sorted: Float64Array, q: number): number {
  const position = ((sorted.length - 1) * q) / 100;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const fraction = position - lower;
  return (sorted[lower] as number) + fraction * ((sorted[upper] as number) - (sorted[lower] as number));
}
