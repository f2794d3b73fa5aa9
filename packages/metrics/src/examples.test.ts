import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecisionScore,
  confusionMatrix,
  f1Score,
  jaccardScore,
  macroF1FromMacroPrecisionRecall,
  macroF1PerLabelMean,
  meanAveragePrecision,
  meanAveragePrecisionDetails,
  precisionAtK,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  precisionScore,
  recallAtK,
  recallScore,
  rocAucScore,
  rocAucScoreDetails,
  rocCurve,
  rPrecision,
  selectRows,
  tuneThreshold,
} from './index.js';

// The values promised by the @example blocks of the public TSDoc, computed by hand there.
describe('TSDoc examples hold', () => {
  it('classification', () => {
    const scores = precisionRecallFscoreSupport(
      ['cat', 'dog', 'pig', 'cat', 'dog', 'pig'],
      ['cat', 'pig', 'dog', 'cat', 'cat', 'dog'],
      { average: 'macro' },
    );
    // cat: P = 2/3, R = 1, F = 0.8; dog and pig: 0 → macro P = 2/9, R = 1/3, F = 0.8 / 3.
    expect(scores.precision).toBeCloseTo(2 / 9, 15);
    expect(scores.recall).toBeCloseTo(1 / 3, 15);
    expect(scores.fScore).toBeCloseTo(0.8 / 3, 15);
    expect(precisionScore([0, 1, 1, 0], [1, 1, 1, 0])).toBeCloseTo(2 / 3, 15);
    expect(
      recallScore(
        [
          [1, 0],
          [1, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        { average: 'micro' },
      ),
    ).toBeCloseTo(2 / 3, 15);
    expect(
      f1Score(
        [
          [1, 0],
          [1, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        { average: 'micro' },
      ),
    ).toBeCloseTo(0.8, 15);
    expect(
      jaccardScore(
        [
          [0, 1, 1],
          [1, 1, 0],
        ],
        [
          [1, 1, 1],
          [1, 0, 0],
        ],
        { average: 'samples' },
      ),
    ).toBeCloseTo(7 / 12, 15);
    expect(accuracyScore([0, 1, 2, 3], [0, 2, 1, 3])).toBe(0.5);
    expect(
      accuracyScore(
        [
          [0, 1],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 1],
        ],
      ),
    ).toBe(0.5);
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(
      macroF1PerLabelMean(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        [
          [1, 0],
          [1, 0],
          [1, 0],
        ],
      ),
    ).toBeCloseTo(0.4, 15);
    expect(
      macroF1FromMacroPrecisionRecall(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        [
          [1, 0],
          [1, 0],
          [1, 0],
        ],
      ),
    ).toBeCloseTo(0.4, 15);
  });

  it('ranking', () => {
    const roc = rocCurve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { posLabel: 2 });
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(roc.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(roc.thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
    const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(Array.from(pr.recall)).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(Array.from(pr.thresholds)).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(
      rocAucScore(
        [
          [1, 0],
          [0, 0],
          [1, 1],
        ],
        [
          [0.9, 0.2],
          [0.1, 0.3],
          [0.8, 0.1],
        ],
        { average: 'macro' },
      ),
    ).toBe(0.5);
    const details = rocAucScoreDetails(
      [
        [1, 0],
        [0, 0],
        [1, 0],
      ],
      [
        [0.9, 0.2],
        [0.1, 0.3],
        [0.8, 0.1],
      ],
      { undefinedLabels: 'skip' },
    );
    expect([details.score, details.skippedLabels, details.undefinedLabels]).toEqual([1, [1], 'skip']);
    expect(averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 15);
    const atKGold = [
      [1, 0, 1],
      [0, 1, 0],
    ];
    const atKScores = [
      [0.9, 0.8, 0.1],
      [0.2, 0.7, 0.3],
    ];
    expect(precisionAtK(atKGold, atKScores, 2)).toBe(0.5);
    expect(recallAtK(atKGold, atKScores, 1)).toBe(0.75);
    expect(rPrecision(atKGold, atKScores)).toBe(0.75);
  });

  it('CodiEsp MAP, thresholds, rows', () => {
    const details = meanAveragePrecisionDetails({ doc1: ['a00'] }, { doc1: ['A00', 'b01'] });
    expect([details.score, details.documentCount, details.perDocument.get('doc1')]).toEqual([1, 1, 1]);
    const gold = { doc1: ['a00', 'b01'], doc2: ['c02'] };
    expect(meanAveragePrecision(gold, { doc1: ['b01', 'x99', 'a00'] })).toBeCloseTo(5 / 6, 15);
    expect(
      meanAveragePrecision(gold, { doc1: ['b01', 'x99', 'a00'] }, { averageOver: 'allGoldDocuments' }),
    ).toBeCloseTo(5 / 12, 15);
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
    expect([tuned.mode, Array.from(tuned.thresholds), tuned.microF1]).toEqual(['global', [0.6], 1]);
    expect(selectRows(['a', 'b', 'c'], [2, 0])).toEqual(['c', 'a']);
    expect(
      Array.from(
        selectRows(
          [
            [1, 0],
            [0, 1],
          ],
          Uint32Array.of(1, 1),
        ).data,
      ),
    ).toEqual([0, 1, 0, 1]);
  });
});
