import { describe, expect, it } from 'vitest';
import { fixture } from '../internal/expect-close.test-helper.js';
import { classificationReport } from './classification-report.js';
import { formatFixed } from './format-fixed.js';

describe('classificationReport', () => {
  for (const testCase of fixture.classificationReport) {
    it(`text matches scikit-learn character for character: ${testCase.name}`, () => {
      const labels = (testCase as { labels?: (number | string)[] }).labels;
      expect(
        classificationReport(testCase.yTrue, testCase.yPred, {
          digits: testCase.digits,
          ...(labels === undefined ? {} : { labels }),
        }),
      ).toBe(testCase.text);
    });
  }

  it('markdown and JSON carry the same numbers', () => {
    const yTrue = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const yPred = [
      [1, 0],
      [1, 1],
      [1, 0],
    ];
    const json = classificationReport(yTrue, yPred, { output: 'json', targetNames: ['A00', 'B01'] });
    expect(json.labels.map((row) => row.name)).toEqual(['A00', 'B01']);
    expect(json.labels[0]!.f1Score).toBeCloseTo(0.8, 15);
    expect(json.averages.map((row) => row.name)).toEqual([
      'micro avg',
      'macro avg',
      'weighted avg',
      'samples avg',
    ]);
    const markdown = classificationReport(yTrue, yPred, { output: 'markdown', targetNames: ['A00', 'B01'] });
    expect(markdown).toContain('| A00 | 0.67 | 1.00 | 0.80 | 2 |');
    expect(markdown).toContain('| **macro avg** | 0.83 | 0.75 | 0.73 | 4 |');
  });

  it('states the AUC policy and the skipped labels', () => {
    const yTrue = [
      [1, 0, 0],
      [0, 0, 1],
      [1, 0, 1],
    ];
    const yPred = [
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
    ];
    const yScore = [
      [0.9, 0.1, 0.2],
      [0.2, 0.3, 0.8],
      [0.7, 0.2, 0.6],
    ];
    const text = classificationReport(yTrue, yPred, { yScore });
    expect(text).toContain(
      "ROC AUC macro 1.00, micro 1.00 (undefinedLabels: 'skip': 1 label(s) without positives or negatives skipped)",
    );
    expect(classificationReport(yTrue, yPred, { yScore, output: 'json' }).rocAuc?.skippedLabels).toEqual([1]);
  });

  it('formats exact ties to even like Python', () => {
    expect([
      formatFixed(0.125, 2),
      formatFixed(0.375, 2),
      formatFixed(0.5, 0),
      formatFixed(2.675, 2),
    ]).toEqual(['0.12', '0.38', '0', '2.67']);
  });
});
