import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { fewShotSample } from './few-shot-sample.js';

const items = [
  ...Array.from({ length: 60 }, (_, index) => ({ id: index, label: 'AF' })),
  ...Array.from({ length: 30 }, (_, index) => ({ id: 100 + index, label: 'AMI' })),
  ...Array.from({ length: 10 }, (_, index) => ({ id: 200 + index, label: 'TAB' })),
];
const label = (item: (typeof items)[number]) => item.label;

describe('fewShotSample', () => {
  it('nests: with one seed, the smaller sample is inside the larger one', () => {
    const sizes = [1, 5, 10, 50, 100];
    const samples = sizes.map((n) => new Set(fewShotSample(items, { n, seed: 7, label }).indices));
    for (let index = 1; index < samples.length; index++) {
      for (const member of samples[index - 1]!) expect(samples[index]!.has(member)).toBe(true);
    }
    expect(samples.map((sample) => sample.size)).toEqual(sizes);
  });

  it('keeps class proportions in total mode (60:30:10 → 30:15:5 at n = 50, within one)', () => {
    const { counts } = fewShotSample(items, { n: 50, seed: 3, label });
    expect(Math.abs(counts.AF! - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.AMI! - 15)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.TAB! - 5)).toBeLessThanOrEqual(1);
  });

  it('takes n per class, all of a smaller class, nested as well', () => {
    const five = fewShotSample(items, { n: 5, seed: 1, label, perClass: true });
    expect(five.counts).toEqual({ AF: 5, AMI: 5, TAB: 5 });
    const twenty = fewShotSample(items, { n: 20, seed: 1, label, perClass: true });
    expect(twenty.counts).toEqual({ AF: 20, AMI: 20, TAB: 10 });
    expect(five.indices.every((index) => twenty.indices.includes(index))).toBe(true);
    expect(five.items.map((item) => item.id)).toEqual(five.indices.map((index) => items[index]!.id));
  });

  it('rejects bad options', () => {
    expect(() => fewShotSample(items, { n: -1, seed: 1, label })).toThrow(InvalidArgumentError);
    expect(() => fewShotSample(items, { n: 1, seed: 0.5, label })).toThrow("Argument 'seed'");
  });
});
