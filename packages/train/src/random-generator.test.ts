import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { RandomGenerator } from './random-generator.js';

describe('RandomGenerator', () => {
  it('matches xoshiro128** worked by hand from the state [1, 2, 3, 4]', () => {
    const random = new RandomGenerator(0);
    random.setState([1, 2, 3, 4]);
    // rotl(2 * 5, 7) * 9 = 11520; the next state has s1 = 0, so 0; then rotl(1029 * 5, 7) * 9 = 5927040.
    expect([random.nextUint32(), random.nextUint32(), random.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('is reproducible from a seed and from a saved state', () => {
    const a = new RandomGenerator(7);
    const b = new RandomGenerator(7);
    const drawsA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(drawsA);
    const saved = a.getState();
    const next = a.nextFloat();
    b.setState(saved);
    expect(b.nextFloat()).toBe(next);
    expect(new RandomGenerator(8).nextUint32()).not.toBe(new RandomGenerator(7).nextUint32());
  });

  it('draws uniform floats and integers', () => {
    const random = new RandomGenerator(3);
    const counts = new Float64Array(10);
    let sum = 0;
    let smallest = 1;
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random.nextFloat();
      smallest = Math.min(smallest, value);
      largest = Math.max(largest, value);
      sum += value;
      counts[random.nextInt(10)]!++;
    }
    expect(smallest).toBeGreaterThanOrEqual(0);
    expect(largest).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (const count of counts) expect(Math.abs(count / 100_000 - 0.1)).toBeLessThan(0.005);
  });

  it('shuffles to a permutation', () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new RandomGenerator(1).shuffle([...values]);
    expect(shuffled).not.toEqual(values);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(values);
  });

  it('rejects bad seeds and states', () => {
    expect(() => new RandomGenerator(-1)).toThrow(InvalidArgumentError);
    expect(() => new RandomGenerator(1.5)).toThrow(/must be an integer in \[0, 4294967295\]/);
    expect(() => new RandomGenerator(1).setState([0, 0, 0, 0])).toThrow(InvalidArgumentError);
    expect(() => new RandomGenerator(1).setState([1, 2, 3] as never)).toThrow(InvalidArgumentError);
  });
});
