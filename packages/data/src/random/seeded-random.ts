import { assertInteger, invalidArgument } from '@icd/core';

/**
 * A small seeded pseudo-random generator (mulberry32, Tommy Ettinger 2017): 32-bit state, period 2^32,
 * passes gjrand/PractRand far enough for shuffling and sampling. One generator drives every split,
 * sample and synthetic note of this package, so a seed reproduces a dataset exactly on any platform.
 *
 * state ← state + 0x6D2B79F5; t ← (state ⊕ state≫15)·(state|1); t ← t ⊕ (t + (t ⊕ t≫7)·(t|61));
 * output = (t ⊕ t≫14) / 2^32.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42);
 * random.next(); // a float in [0, 1), the same for seed 42 everywhere
 * random.shuffle([1, 2, 3, 4]);
 * ```
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    assertInteger('SeededRandom', 'seed', seed);
    this.state = seed >>> 0;
  }

  /** The next float in `[0, 1)`. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in `[0, bound)`. */
  integer(bound: number): number {
    assertInteger('SeededRandom.integer', 'bound', bound, { min: 1 });
    return Math.floor(this.next() * bound);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) invalidArgument('SeededRandom.pick', 'items', 'a non-empty array', items);
    return items[this.integer(items.length)]!;
  }

  /** An index drawn with probability proportional to `weights[index]`. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let index = 0; index < weights.length; index++) total += weights[index]!;
    if (!(total > 0))
      invalidArgument('SeededRandom.weightedIndex', 'weights', 'weights with a positive sum', total);
    let threshold = this.next() * total;
    for (let index = 0; index < weights.length; index++) {
      threshold -= weights[index]!;
      if (threshold < 0) return index;
    }
    return weights.length - 1;
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      const swap = items[index]!;
      items[index] = items[other]!;
      items[other] = swap;
    }
    return items;
  }
}
