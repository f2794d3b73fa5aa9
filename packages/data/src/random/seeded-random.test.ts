import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('reproduces the reference mulberry32 stream', () => {
    // Reference values printed by the public-domain one-liner of bryc/code (jshash/PRNGs.md):
    // function mulberry32(a){return function(){var t=a+=0x6D2B79F5;t=Math.imul(t^t>>>15,t|1);
    //   t^=t+Math.imul(t^t>>>7,t|61);return((t^t>>>14)>>>0)/4294967296;}}
    const random = new SeededRandom(42);
    expect([random.next(), random.next(), random.next()]).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099,
    ]);
    const zero = new SeededRandom(0);
    expect([zero.next(), zero.next()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
  });

  it('shuffles to a permutation, the same for the same seed', () => {
    const first = new SeededRandom(7).shuffle([...Array(50).keys()]);
    const second = new SeededRandom(7).shuffle([...Array(50).keys()]);
    expect(first).toEqual(second);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(first).not.toEqual([...Array(50).keys()]);
  });

  it('draws weighted indices in proportion to their weights', () => {
    const random = new SeededRandom(3);
    const counts = [0, 0, 0];
    for (let draw = 0; draw < 30_000; draw++) counts[random.weightedIndex([1, 2, 0])]!++;
    expect(counts[2]).toBe(0);
    expect(counts[1]! / 30_000).toBeCloseTo(2 / 3, 1);
  });

  it('rejects bad arguments with the house message', () => {
    expect(() => new SeededRandom(1.5)).toThrow(InvalidArgumentError);
    expect(() => new SeededRandom(1).integer(0)).toThrow(
      "Argument 'bound' passed to 'SeededRandom.integer' must be an integer >= 1, got 0",
    );
    expect(() => new SeededRandom(1).pick([])).toThrow(InvalidArgumentError);
    expect(() => new SeededRandom(1).weightedIndex([0, 0])).toThrow(InvalidArgumentError);
  });
});
