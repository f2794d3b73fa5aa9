import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.js';
import { formatSplitReport } from './split-report.js';
import { apportion, stratifiedSplit } from './stratified-split.js';

const labelled = (counts: Record<string, number>) =>
  Object.entries(counts).flatMap(([label, count]) =>
    Array.from({ length: count }, (_, index) => ({ id: `${label}${index}`, label })),
  );

describe('apportion (largest remainder)', () => {
  it.each([
    // Hand-computed: 6 × (0.6, 0.2, 0.2) = 3.6, 1.2, 1.2 → floors 3, 1, 1; the 1 left goes to .6 → 4, 1, 1.
    [6, [0.6, 0.2, 0.2], [4, 1, 1]],
    // 4 × (0.6, 0.2, 0.2) = 2.4, 0.8, 0.8 → floors 2, 0, 0; 2 left go to the .8s → 2, 1, 1.
    [4, [0.6, 0.2, 0.2], [2, 1, 1]],
    [5, [0.6, 0.2, 0.2], [3, 1, 1]],
    [1, [0.6, 0.2, 0.2], [1, 0, 0]],
    [7, [0.5, 0.5], [4, 3]],
  ])('%i items over %j → %j', (count, shares, expected) => {
    expect(apportion(count, shares)).toEqual(expected);
  });
});

describe('stratifiedSplit, single label', () => {
  const items = labelled({ A: 6, B: 4, C: 5 });

  it('cuts every class 3:1:1 by default, reproducibly', () => {
    const { parts, report } = stratifiedSplit(items, { seed: 1, label: (item) => item.label });
    const count = (part: string, label: string) => parts[part]!.filter((item) => item.label === label).length;
    expect(
      ['A', 'B', 'C'].map((label) => ['train', 'validation', 'test'].map((part) => count(part, label))),
    ).toEqual([
      [4, 1, 1],
      [2, 1, 1],
      [3, 1, 1],
    ]);
    expect(report.sizes).toEqual([9, 3, 3]);
    expect(report.labels.map((row) => [row.label, row.total, row.counts])).toEqual([
      ['A', 6, [4, 1, 1]],
      ['C', 5, [3, 1, 1]],
      ['B', 4, [2, 1, 1]],
    ]);
    expect(report.labels[0]!.proportions).toEqual([4 / 9, 1 / 3, 1 / 3]);
    const again = stratifiedSplit(items, { seed: 1, label: (item) => item.label });
    expect(again.parts).toEqual(parts);
    const other = stratifiedSplit(items, { seed: 2, label: (item) => item.label });
    expect(other.parts.train).not.toEqual(parts.train);
  });

  it('takes any ratio and renders a Markdown report', () => {
    const { parts, report } = stratifiedSplit(items, {
      seed: 3,
      label: (item) => item.label,
      ratios: { train: 4, test: 1 },
    });
    expect([parts.train!.length, parts.test!.length]).toEqual([12, 3]);
    expect(formatSplitReport(report).split('\n').slice(0, 3)).toEqual([
      '| label | total | train (n=12) | test (n=3) |',
      '| --- | ---: | ---: | ---: |',
      '| A | 6 | 5 (41.7%) | 1 (33.3%) |',
    ]);
  });

  it('rejects bad options', () => {
    expect(() => stratifiedSplit(items, { seed: 1.5, label: (item) => item.label })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      stratifiedSplit(items, { seed: 1, label: (item) => item.label, ratios: { train: -1 } }),
    ).toThrow("Argument 'ratios.train' passed to 'stratifiedSplit' must be a finite number >= 0, got -1");
    expect(() => stratifiedSplit(items, { seed: 1, label: (item) => item.label, ratios: { a: 0 } })).toThrow(
      'positive sum',
    );
    expect(() => stratifiedSplit(items, { seed: 1, label: () => 5 as unknown as string })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('stratifiedSplit, multi-label (iterative stratification)', () => {
  // A multi-label set with rare and frequent labels, fixed by a seed.
  const random = new SeededRandom(99);
  const labels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const weights = [0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.02];
  const items = Array.from({ length: 500 }, (_, id) => ({
    id,
    codes: labels.filter((_, index) => random.chance(weights[index]!)),
  }));

  it('puts every item in exactly one part with about the requested sizes', () => {
    const { parts } = stratifiedSplit(items, { seed: 5, label: (item) => item.codes });
    const ids = [...parts.train!, ...parts.validation!, ...parts.test!]
      .map((item) => item.id)
      .sort((a, b) => a - b);
    expect(ids).toEqual(items.map((item) => item.id));
    expect(Math.abs(parts.train!.length - 300)).toBeLessThanOrEqual(5);
  });

  it('keeps each label within one or two items of its target in every part (Sechidis et al. 2011)', () => {
    const { report } = stratifiedSplit(items, { seed: 5, label: (item) => item.codes });
    for (const row of report.labels) {
      row.counts.forEach((count, part) => {
        expect(Math.abs(count - row.total * report.targetShares[part]!)).toBeLessThanOrEqual(2);
      });
    }
  });

  it('beats a random split on label-distribution deviation', () => {
    const deviation = (partOf: (item: (typeof items)[number]) => number) => {
      let total = 0;
      for (const label of labels) {
        const all = items.filter((item) => item.codes.includes(label)).length;
        [0.6, 0.2, 0.2].forEach((share, part) => {
          const count = items.filter((item) => partOf(item) === part && item.codes.includes(label)).length;
          total += Math.abs(count - all * share);
        });
      }
      return total;
    };
    const { parts } = stratifiedSplit(items, { seed: 5, label: (item) => item.codes });
    const partIndex = new Map<number, number>();
    ['train', 'validation', 'test'].forEach((name, part) => {
      for (const item of parts[name]!) partIndex.set(item.id, part);
    });
    const shuffled = new SeededRandom(5).shuffle(items.map((item) => item.id));
    const randomPart = new Map(shuffled.map((id, rank) => [id, rank < 300 ? 0 : rank < 400 ? 1 : 2]));
    expect(deviation((item) => partIndex.get(item.id)!)).toBeLessThan(
      deviation((item) => randomPart.get(item.id)!) / 3,
    );
  });

  it('places items without labels by the remaining part sizes', () => {
    const { parts } = stratifiedSplit(
      [...items, ...Array.from({ length: 20 }, (_, index) => ({ id: 1000 + index, codes: [] }))],
      {
        seed: 5,
        label: (item) => item.codes,
      },
    );
    expect(parts.train!.length + parts.validation!.length + parts.test!.length).toBe(520);
  });
});
