import { describe, expect, it } from 'vitest';
import { f1Score } from '../classification/f1-score.js';
import { expectClose, fixture } from '../internal/expect-close.test-helper.js';
import { percentileOfSorted, seededPermutation } from '../internal/random.js';
import { bootstrapConfidenceInterval } from './bootstrap-confidence-interval.js';
import { formatLearningCurve, learningCurveSubsets } from './learning-curve.js';
import { selectRows } from './select-rows.js';
import { tuneThreshold } from './tune-threshold.js';

describe('tuneThreshold against a brute-force search with scikit-learn f1_score', () => {
  for (const testCase of fixture.thresholdTuning) {
    it(`${testCase.name}: global`, () => {
      const tuned = tuneThreshold(testCase.yTrue, testCase.yScore);
      expect(tuned.mode).toBe('global');
      expect(Array.from(tuned.thresholds)).toEqual([testCase.globalThreshold]);
      expectClose(tuned.microF1, testCase.globalMicroF1);
    });
    it(`${testCase.name}: per label`, () => {
      const tuned = tuneThreshold(testCase.yTrue, testCase.yScore, { mode: 'perLabel' });
      expect(Array.from(tuned.thresholds)).toEqual(testCase.perLabelThresholds.map(Number));
      expectClose(tuned.microF1, testCase.perLabelMicroF1);
      expect(tuned.microF1).toBeGreaterThanOrEqual(testCase.globalMicroF1);
    });
  }
  it('hand-computed: one threshold separates both labels', () => {
    const tuned = tuneThreshold(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0.9, 0.4],
        [0.3, 0.6],
      ],
    );
    expect(Array.from(tuned.thresholds)).toEqual([0.6]);
    expect(tuned.microF1).toBe(1);
  });
});

describe('bootstrapConfidenceInterval', () => {
  const yTrue = [
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0],
    [1, 0],
    [0, 1],
  ];
  const yPred = [
    [1, 0],
    [0, 0],
    [1, 1],
    [0, 1],
    [0, 0],
    [0, 1],
  ];
  const microF1 = (rows: Uint32Array) =>
    f1Score(selectRows(yTrue, rows), selectRows(yPred, rows), { average: 'micro' });

  it('is reproducible with a seed and brackets the estimate', () => {
    const first = bootstrapConfidenceInterval(yTrue.length, microF1, { seed: 42, resamples: 200 });
    const second = bootstrapConfidenceInterval(yTrue.length, microF1, { seed: 42, resamples: 200 });
    expect(second).toEqual(first);
    // tp 4, fp 1, fn 2 → 2·4 / (2·4 + 1 + 2)
    expect(first.estimate).toBeCloseTo(8 / 11, 15);
    expect(first.lower).toBeLessThanOrEqual(first.estimate);
    expect(first.upper).toBeGreaterThanOrEqual(first.estimate);
    expect(bootstrapConfidenceInterval(yTrue.length, microF1, { seed: 7, resamples: 200 })).not.toEqual(
      first,
    );
  });

  it('collapses to the value of a constant statistic', () => {
    const interval = bootstrapConfidenceInterval(10, () => 0.25, { resamples: 50 });
    expect([interval.lower, interval.upper, interval.standardError]).toEqual([0.25, 0.25, 0]);
  });

  it("takes percentiles with numpy's linear rule", () => {
    const sorted = Float64Array.from(fixture.percentiles.samples as number[]).sort();
    const values = (fixture.percentiles.q as number[]).map((q) => percentileOfSorted(sorted, q));
    expectClose(values, fixture.percentiles.values);
  });

  it('rejects a bad confidence level', () => {
    expect(() => bootstrapConfidenceInterval(3, () => 1, { confidence: 1 })).toThrow(
      "Argument 'confidence' passed to 'bootstrapConfidenceInterval' must be strictly between 0 and 1, got 1",
    );
  });
});

describe('learning-curve helpers', () => {
  it('gives nested subsets of the requested sizes', () => {
    const subsets = learningCurveSubsets(1000, { fractions: [0.1, 0.5, 1], seed: 7 });
    expect(subsets.map((subset) => subset.size)).toEqual([100, 500, 1000]);
    expect(Array.from(subsets[1]!.indices.subarray(0, 100))).toEqual(Array.from(subsets[0]!.indices));
    expect(new Set(subsets[2]!.indices).size).toBe(1000);
    expect(Array.from(seededPermutation(5, 3)).sort()).toEqual([0, 1, 2, 3, 4]);
  });
  it('formats a markdown table', () => {
    expect(
      formatLearningCurve(
        [
          { size: 100, score: 0.41 },
          { size: 500, score: 0.52, lower: 0.5, upper: 0.54 },
        ],
        'micro-F1',
        2,
      ),
    ).toBe(
      '| training documents | micro-F1 | interval |\n| ---: | ---: | :---: |\n| 100 | 0.41 | |\n| 500 | 0.52 | [0.50, 0.54] |',
    );
  });
  it('rejects decreasing fractions', () => {
    expect(() => learningCurveSubsets(10, { fractions: [0.5, 0.2] })).toThrow(
      "Argument 'fractions' passed to 'learningCurveSubsets' must be increasing numbers in (0, 1], got 0.2",
    );
  });
});
