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
 * A seeded pseudo-random generator (xoshiro128**, Blackman & Vigna 2018) whose state can be saved in a
 * checkpoint and restored, so a resumed pretraining run draws exactly the masks it would have drawn.
 * `Math.random` cannot be seeded or saved, hence this class.
 *
 * The seed is expanded into the 128-bit state with splitmix32, as the xoshiro authors recommend.
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
