import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.js';
import { multiLabelFewShotSample } from './multi-label-few-shot-sample.js';

// Six notes; with seed 1 the documented ordering is SeededRandom(1).shuffle([0..5]) = [4, 1, 5, 2, 0, 3].
const notes = [['A', 'B'], ['A'], ['B'], ['C'], ['A', 'C'], ['B']].map((codes, id) => ({ id, codes }));
const labels = (note: { codes: readonly string[] }) => note.codes;

describe('multiLabelFewShotSample', () => {
  it('follows the level-by-level rule (hand-traced on six notes)', () => {
    expect(new SeededRandom(1).shuffle([0, 1, 2, 3, 4, 5])).toEqual([4, 1, 5, 2, 0, 3]);
    // Rarest first: C (2 notes), then A and B (3 each, by name).
    // n = 1: C takes note 4 (also an A); A has 1; B skips 4 (taken) and 1, takes 5.
    const one = multiLabelFewShotSample(notes, { n: 1, seed: 1, labels });
    expect(one.indices).toEqual([4, 5]);
    expect(one.counts).toEqual({ A: 1, B: 1, C: 1 });
    expect(one.short).toEqual([]);
    // n = 2: C takes 3; A takes 1; B takes 2.
    const two = multiLabelFewShotSample(notes, { n: 2, seed: 1, labels });
    expect(two.indices).toEqual([1, 2, 3, 4, 5]);
    expect(two.counts).toEqual({ A: 2, B: 2, C: 2 });
    // n = 3: C has no third note (short); A takes 0, which also makes B's third.
    const three = multiLabelFewShotSample(notes, { n: 3, seed: 1, labels });
    expect(three.indices).toEqual([0, 1, 2, 3, 4, 5]);
    expect(three.counts).toEqual({ A: 3, B: 3, C: 2 });
    expect(three.short).toEqual(['C']);
    expect(three.items.map((note) => note.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('is nested and gives every code at least n positives (or all it has) on a random corpus', () => {
    const random = new SeededRandom(5);
    const codes = Array.from({ length: 12 }, (_, i) => `C${i}`);
    const corpus = Array.from({ length: 300 }, () =>
      codes.filter((_, i) => random.chance(0.5 / (1 + i))),
    ).map((codes, id) => ({ id, codes }));
    const available = Object.fromEntries(
      codes.map((code) => [code, corpus.filter((note) => note.codes.includes(code)).length]),
    );
    let previous = new Set<number>();
    for (const n of [0, 1, 2, 4, 8, 16, 32]) {
      const sample = multiLabelFewShotSample(corpus, { n, seed: 9, labels, classes: codes.slice(0, 10) });
      for (const index of previous) expect(sample.indices).toContain(index);
      previous = new Set(sample.indices);
      for (const code of codes.slice(0, 10)) {
        const positives = sample.items.filter((note) => note.codes.includes(code)).length;
        expect(sample.counts[code]).toBe(positives);
        expect(positives).toBeGreaterThanOrEqual(Math.min(n, available[code]!));
      }
      expect(Object.keys(sample.counts)).toHaveLength(10); // C10, C11 are not counted
      expect(sample.short).toEqual(codes.slice(0, 10).filter((code) => available[code]! < n));
      if (n === 0) expect(sample.indices).toEqual([]);
    }
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => multiLabelFewShotSample(notes, { n: -1, seed: 1, labels })).toThrow(InvalidArgumentError);
    expect(() => multiLabelFewShotSample(notes, { n: 1, seed: 0.5, labels })).toThrow("Argument 'seed'");
    expect(() => multiLabelFewShotSample('x' as never, { n: 1, seed: 1, labels })).toThrow(
      InvalidArgumentError,
    );
    expect(() => multiLabelFewShotSample(notes, { n: 1, seed: 1, labels: () => 'A' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => multiLabelFewShotSample(notes, { n: 1, seed: 1, labels, classes: ['A', 'A'] })).toThrow(
      InvalidArgumentError,
    );
  });
});
