import { describe, expect, it } from 'vitest';
import { expectClose, fixture } from '../internal/expect-close.test-helper.js';
import { accuracyScore } from './accuracy-score.js';
import { confusionMatrix } from './confusion-matrix.js';
import { f1Score } from './f1-score.js';
import { jaccardScore } from './jaccard-score.js';
import { macroF1FromMacroPrecisionRecall, macroF1PerLabelMean } from './macro-f1.js';
import { type Average, precisionRecallFscoreSupport } from './precision-recall-fscore-support.js';
import { precisionScore } from './precision-score.js';
import { recallScore } from './recall-score.js';

interface ClassificationCase {
  name: string;
  yTrue: (number | string)[] | number[][];
  yPred: (number | string)[] | number[][];
  labels?: (number | string)[];
  accuracy: number;
  confusionMatrix?: number[][];
  camlMacroF1?: number;
  meanOfPerLabelF1?: number;
  results: {
    average: Average;
    zeroDivision: 0 | 1;
    precision: number | number[];
    recall: number | number[];
    fScore: number | number[];
    support: number[] | null;
    f2: number | number[];
    jaccard: number | number[];
  }[];
}

const cases = fixture.classification as ClassificationCase[];

describe('precision, recall, F-score, Jaccard against scikit-learn (fixtures/sklearn.json)', () => {
  for (const testCase of cases) {
    for (const result of testCase.results) {
      it(`${testCase.name}: average ${result.average}, zeroDivision ${result.zeroDivision}`, () => {
        const options = {
          average: result.average,
          zeroDivision: result.zeroDivision,
          ...(testCase.labels ? { labels: testCase.labels } : {}),
        };
        const scores = precisionRecallFscoreSupport(testCase.yTrue, testCase.yPred, options);
        expectClose(scores.precision, result.precision, 1e-12, 'precision');
        expectClose(scores.recall, result.recall, 1e-12, 'recall');
        expectClose(scores.fScore, result.fScore, 1e-12, 'fScore');
        if (result.support === null) expect(scores.support).toBeNull();
        else expectClose(scores.support, result.support, 0, 'support');
        expectClose(precisionScore(testCase.yTrue, testCase.yPred, options), result.precision);
        expectClose(recallScore(testCase.yTrue, testCase.yPred, options), result.recall);
        expectClose(f1Score(testCase.yTrue, testCase.yPred, options), result.fScore);
        const f2 = precisionRecallFscoreSupport(testCase.yTrue, testCase.yPred, { ...options, beta: 2 });
        expectClose(f2.fScore, result.f2, 1e-12, 'f2');
        expectClose(jaccardScore(testCase.yTrue, testCase.yPred, options), result.jaccard, 1e-12, 'jaccard');
      });
    }
    it(`${testCase.name}: accuracy${testCase.confusionMatrix ? ' and confusion matrix' : ''}`, () => {
      expectClose(accuracyScore(testCase.yTrue, testCase.yPred), testCase.accuracy);
      if (testCase.confusionMatrix) {
        const matrix = confusionMatrix(
          testCase.yTrue as (number | string)[],
          testCase.yPred as (number | string)[],
          testCase.labels ? { labels: testCase.labels } : {},
        );
        expect(matrix).toEqual(testCase.confusionMatrix);
      }
    });
    if (testCase.camlMacroF1 !== undefined) {
      it(`${testCase.name}: the two macro-F1 definitions`, () => {
        expectClose(macroF1FromMacroPrecisionRecall(testCase.yTrue, testCase.yPred), testCase.camlMacroF1);
        expectClose(macroF1PerLabelMean(testCase.yTrue, testCase.yPred), testCase.meanOfPerLabelF1);
      });
    }
  }
});

describe('hand-computed cases', () => {
  it('the two macro-F1s differ as the definitions say', () => {
    // label 0: P = 2/3, R = 1, F = 0.8; label 1: P = 1, R = 1/2, F = 2/3.
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
    expectClose(macroF1PerLabelMean(yTrue, yPred), (0.8 + 2 / 3) / 2);
    // P̄ = 5/6, R̄ = 3/4 → 2·(5/8)/(19/12) = 15/19
    expectClose(macroF1FromMacroPrecisionRecall(yTrue, yPred), 15 / 19);
  });

  it('micro-F1 of a multi-label matrix given as { data, rows, cols }', () => {
    // tp = 2, fp = 0, fn = 1 → 2·2 / (2·2 + 0 + 1) = 0.8
    const yTrue = { data: Uint8Array.of(1, 0, 1, 1), rows: 2, cols: 2 };
    const yPred = { data: Float32Array.of(1, 0, 0, 1), rows: 2, cols: 2 };
    expect(f1Score(yTrue, yPred, { average: 'micro' })).toBeCloseTo(0.8, 15);
  });

  it('example-based Jaccard ("accuracy" in ICD papers) and subset accuracy', () => {
    const yTrue = [
      [0, 1, 1],
      [1, 1, 0],
    ];
    const yPred = [
      [1, 1, 1],
      [1, 0, 0],
    ];
    expectClose(jaccardScore(yTrue, yPred, { average: 'samples' }), (2 / 3 + 1 / 2) / 2);
    expect(accuracyScore(yTrue, yPred)).toBe(0);
    expect(accuracyScore([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false })).toBe(2);
  });

  it('average binary is the default and rejects multi-class targets, naming the choices', () => {
    expectClose(precisionScore([0, 1, 1, 0], [1, 1, 1, 0]), 2 / 3);
    expect(() => f1Score([0, 1, 2], [0, 1, 2])).toThrow(
      `Argument 'average' passed to 'f1Score' must be one of "micro", "macro", "weighted" or null for multiclass targets, got "binary"`,
    );
  });
});
