import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { accuracyScore } from '../classification/accuracy-score.js';
import { confusionMatrix } from '../classification/confusion-matrix.js';
import { f1Score } from '../classification/f1-score.js';
import { jaccardScore } from '../classification/jaccard-score.js';
import { averagePrecisionScore } from '../ranking/average-precision-score.js';
import { precisionAtK } from '../ranking/precision-at-k.js';
import { rocAucScore } from '../ranking/roc-auc-score.js';
import { rocCurve } from '../ranking/roc-curve.js';

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('bad input gets an InvalidArgumentError with the house message', () => {
  it('ragged matrices', () => {
    const error = thrown(() =>
      f1Score(
        [[1, 0], [1]],
        [
          [1, 0],
          [1, 0],
        ],
        { average: 'micro' },
      ),
    );
    expect(error.argument).toBe('yTrue');
    expect(error.message).toBe(
      "Argument 'yTrue' passed to 'f1Score' must be a rectangular matrix (row 0 has 2 columns, row 1 has 1), got an array of length 1",
    );
  });

  it('NaN and Infinity scores', () => {
    expect(thrown(() => rocAucScore([0, 1], [0.2, Number.NaN])).message).toBe(
      "Argument 'yScore' passed to 'rocAucScore' must be finite numbers (entry 1 is not), got NaN",
    );
    expect(thrown(() => precisionAtK([[1, 0]], [[Number.POSITIVE_INFINITY, 0]], 1)).message).toBe(
      "Argument 'yScore' passed to 'precisionAtK' must be finite numbers (entry at row 0, column 0 is not), got Infinity",
    );
    expect(thrown(() => rocCurve([0, 1], [0.1, Number.NEGATIVE_INFINITY])).argument).toBe('yScore');
  });

  it('empty inputs', () => {
    expect(thrown(() => accuracyScore([], [])).message).toBe(
      "Argument 'yTrue' passed to 'accuracyScore' must be a non-empty array, got an array of length 0",
    );
    expect(thrown(() => rocAucScore({ data: [], rows: 0, cols: 3 }, [[0.5]])).argument).toBe(
      'yTrue.rows/cols',
    );
    expect(thrown(() => f1Score([[]], [[]], { average: 'micro' })).message).toContain('at least one column');
  });

  it('mismatched shapes and lengths', () => {
    expect(thrown(() => jaccardScore([[1, 0]], [[1, 0, 1]], { average: 'micro' })).message).toBe(
      "Argument 'yPred' passed to 'jaccardScore' must be of the same shape as yTrue (1 x 2), got \"1 x 3\"",
    );
    expect(thrown(() => accuracyScore([0, 1, 1], [0, 1])).argument).toBe('yPred');
    expect(thrown(() => averagePrecisionScore([0, 1, 1], [0.3, 0.2])).argument).toBe('yScore');
    expect(thrown(() => f1Score([0, 1], [[0, 1]], { average: 'micro' })).message).toContain(
      'must be a vector like yTrue',
    );
  });

  it('labels outside the label set', () => {
    expect(thrown(() => confusionMatrix([0, 1, 2], [0, 1, 1], { labels: [0, 1] })).message).toBe(
      "Argument 'yTrue' passed to 'confusionMatrix' must be labels from the label set [0, 1], got 2",
    );
    expect(thrown(() => f1Score([[1, 0]], [[1, 0]], { average: 'macro', labels: [0, 2] })).message).toBe(
      "Argument 'labels' passed to 'f1Score' must be column indices in [0, 1] for a 2-column matrix, got 2",
    );
    expect(
      thrown(() =>
        rocAucScore(
          [0, 1, 2],
          [
            [0.5, 0.5],
            [0.5, 0.5],
            [0.5, 0.5],
          ],
        ),
      ).message,
    ).toContain('one column per class (3 classes)');
  });

  it('non-indicator targets and unknown options', () => {
    expect(thrown(() => f1Score([[2, 0]], [[1, 0]], { average: 'micro' })).message).toContain(
      '0/1 indicator matrix',
    );
    expect(
      thrown(() => rocAucScore([0, 1], [0.1, 0.2], { undefinedLabels: 'ignore' as 'skip' })).message,
    ).toBe(
      'Argument \'undefinedLabels\' passed to \'rocAucScore\' must be one of "raise", "skip", got "ignore"',
    );
    expect(
      thrown(() =>
        rocAucScore(
          [0, 1, 2],
          [
            [0.5, 0.2, 0.2],
            [0.2, 0.6, 0.2],
            [0.1, 0.1, 0.8],
          ],
        ),
      ).message,
    ).toContain('probabilities summing to 1 in every row (row 0 sums to 0.89');
  });

  it('null, strings and booleans in matrices are refused, never coerced to 0 / 1', () => {
    const ok = [
      [1, 0],
      [0, 1],
    ];
    const scores = [
      [0.9, 0.1],
      [0.2, 0.8],
    ];
    for (const bad of [null, '1', true, undefined]) {
      const nested = [
        [1, bad],
        [0, 1],
      ] as unknown as number[][];
      const calls: [string, () => unknown][] = [
        ['f1Score', () => f1Score(nested, ok, { average: 'micro' })],
        ['jaccardScore', () => jaccardScore(ok, nested, { average: 'macro' })],
        ['accuracyScore', () => accuracyScore(nested, ok)],
        ['rocAucScore', () => rocAucScore(ok, nested)],
        ['averagePrecisionScore', () => averagePrecisionScore(nested, scores)],
        ['precisionAtK', () => precisionAtK(ok, nested, 1)],
      ];
      for (const [name, run] of calls) {
        const error = thrown(run);
        expect(error.message).toContain(`passed to '${name}' must be numbers (entry at row 0, column 1`);
      }
      // The flat form with a plain array is checked the same way.
      const flat = { data: [1, bad, 0, 1] as unknown as number[], rows: 2, cols: 2 };
      expect(thrown(() => precisionAtK(ok, flat, 1)).argument).toBe('yScore.data');
    }
  });

  it('null or a number as yTrue of rocAucScore', () => {
    expect(thrown(() => rocAucScore(null as unknown as number[], [0.1, 0.9])).message).toBe(
      "Argument 'yTrue' passed to 'rocAucScore' must be an array of labels or an indicator matrix, got null",
    );
    expect(thrown(() => rocAucScore(undefined as unknown as number[], scoresOf(2))).argument).toBe('yTrue');
    expect(thrown(() => rocAucScore(3 as unknown as number[], [0.1])).argument).toBe('yTrue');
    expect(thrown(() => rocAucScore({} as unknown as number[], [0.1])).argument).toBe('yTrue');
  });
});

function scoresOf(rows: number): number[][] {
  return Array.from({ length: rows }, () => [0.5, 0.5]);
}
