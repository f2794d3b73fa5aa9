import { assertInteger, invalidArgument } from '@icd/core';

/**
 * The serialisable state of a {@link RandomGenerator}: four unsigned 32-bit words.
 *
 * @example
 * ```ts
 * const state: RandomGeneratorState = new RandomGenerator(42).getState();
 * new RandomGenerator(0).setState(state); // continues where the first one was
 * ```
 */
export type RandomGeneratorState = readonly [number, number, number, number];

/**
 * The seeded pseudo-random generator of `@icd/*` training (xoshiro128**, Blackman & Vigna 2018) whose
 * state can be saved in a checkpoint and restored. `Math.random` cannot be seeded or saved, hence this
 * class. The seed is expanded into the 128-bit state with splitmix32, as the xoshiro authors recommend.
 * It is the one generator of training code; two older mulberry32 copies remain where their outputs are
 * pinned by tests and do not depend on `@icd/train`: `@icd/data`'s `seededRandom`
 * (packages/data/src/random/seeded-random.ts: splits, synthetic corpus) and `@icd/metrics`' internal
 * `seededRandom` (packages/metrics/src/internal/random.ts: bootstrap resampling).
 *
 * @example
 * ```ts
 * const random = new RandomGenerator(42);
 * const saved = random.getState();
 * const first = random.nextFloat();
 * random.setState(saved);
 * random.nextFloat() === first; // true
 * ```
 */
export class RandomGenerator {
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    assertInteger('RandomGenerator', 'seed', seed, { min: 0, max: 2 ** 32 - 1 });
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32: decorrelates nearby seeds and never yields the all-zero state from seed 0.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.state[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotateLeft(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotateLeft(s[3]!, 11);
    return result;
  }

  /** A float in `[0, 1)` with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in `[0, bound)`; the modulo bias is below `bound / 2^32`. */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = values[i]!;
      values[i] = values[j]!;
      values[j] = swap;
    }
    return values;
  }

  getState(): RandomGeneratorState {
    return [this.state[0]!, this.state[1]!, this.state[2]!, this.state[3]!];
  }

  setState(state: RandomGeneratorState): void {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      state.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffffffff) ||
      state.every((word) => word === 0)
    ) {
      invalidArgument('RandomGenerator.setState', 'state', 'four unsigned 32-bit integers, not all 0', state);
    }
    this.state.set(state);
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** murmur3's 32-bit finaliser: a bijection on uint32 that spreads every input bit over the output. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A 32-bit seed for stream `index` of a run seeded with `seed` (e.g. micro-batch 1,234 of run 42).
 * For a fixed `seed`, distinct indices below 2³² give distinct seeds (the map is a bijection), so no
 * two micro-batches share dropout or masking draws; different run seeds give unrelated sequences.
 *
 * @example
 * ```ts
 * const dropoutSeed = deriveSeed(42, microBatch);
 * deriveSeed(42, 0) !== deriveSeed(42, 1); // true, for every pair of indices
 * ```
 */
export function deriveSeed(seed: number, index: number): number {
  assertInteger('deriveSeed', 'seed', seed, { min: 0, max: 2 ** 32 - 1 });
  assertInteger('deriveSeed', 'index', index, { min: 0, max: 2 ** 32 - 1 });
  return mix32((mix32(seed ^ 0x5bd1e995) + index) >>> 0);
}
