import { describe, expect, it } from 'vitest';
import { expectClose, fixture } from '../internal/expect-close.test-helper.js';
import { averagePrecisionScore } from './average-precision-score.js';
import { precisionRecallCurve } from './precision-recall-curve.js';
import { rocAucScore, rocAucScoreDetails } from './roc-auc-score.js';
import { rocCurve } from './roc-curve.js';

interface BinaryCase {
  name: string;
  yTrue: number[];
  yScore: number[];
  rocAuc: number;
  averagePrecision: number;
  roc: { fpr: number[]; tpr: number[]; thresholdsAfterFirst: number[] };
  rocAll: { fpr: number[]; tpr: number[]; thresholdsAfterFirst: number[] };
  precisionRecall: { precision: number[]; recall: number[]; thresholds: number[] };
}

describe('binary curves, AUC and AP against scikit-learn', () => {
  for (const testCase of fixture.binaryRanking as BinaryCase[]) {
    it(testCase.name, () => {
      expectClose(rocAucScore(testCase.yTrue, testCase.yScore), testCase.rocAuc, 1e-12, 'rocAuc');
      expectClose(
        averagePrecisionScore(testCase.yTrue, testCase.yScore),
        testCase.averagePrecision,
        1e-12,
        'ap',
      );
      for (const [curve, dropIntermediate] of [
        [testCase.roc, true],
        [testCase.rocAll, false],
      ] as const) {
        const roc = rocCurve(testCase.yTrue, testCase.yScore, { dropIntermediate });
        expectClose(roc.fpr, curve.fpr, 1e-12, 'fpr');
        expectClose(roc.tpr, curve.tpr, 1e-12, 'tpr');
        // scikit-learn 1.2 starts at max + 1, ≥ 1.3 at +inf; we follow the newer convention.
        expect(roc.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
        expectClose(roc.thresholds.subarray(1), curve.thresholdsAfterFirst, 0, 'thresholds');
      }
      const pr = precisionRecallCurve(testCase.yTrue, testCase.yScore);
      expectClose(pr.precision, testCase.precisionRecall.precision, 1e-12, 'precision');
      expectClose(pr.recall, testCase.precisionRecall.recall, 1e-12, 'recall');
      expectClose(pr.thresholds, testCase.precisionRecall.thresholds, 0, 'thresholds');
    });
  }
});

describe('multi-label and multi-class AUC / AP against scikit-learn', () => {
  for (const testCase of fixture.multilabelRanking) {
    for (const average of ['micro', 'macro', 'weighted', 'samples', null] as const) {
      it(`multi-label ${testCase.name}, average ${average}`, () => {
        const auc = rocAucScoreDetails(testCase.yTrue, testCase.yScore, { average });
        if (average === null) expectClose(auc.perLabel, testCase.rocAuc[String(average ?? 'None')]);
        else expectClose(auc.score, testCase.rocAuc[String(average ?? 'None')]);
        expectClose(
          averagePrecisionScore(testCase.yTrue, testCase.yScore, { average }),
          testCase.averagePrecision[String(average ?? 'None')],
        );
      });
    }
  }
  for (const testCase of fixture.multiclassRanking) {
    for (const average of ['micro', 'macro', 'weighted', null] as const) {
      it(`multi-class one-vs-rest ${testCase.name}, average ${average}`, () => {
        const auc = rocAucScoreDetails(testCase.yTrue, testCase.yScore, { average, multiClass: 'ovr' });
        expect(auc.kind).toBe('multiclass');
        if (average === null) expectClose(auc.perLabel, testCase.rocAuc[String(average ?? 'None')]);
        else expectClose(auc.score, testCase.rocAuc[String(average ?? 'None')]);
      });
    }
  }
});

describe('labels without positives or negatives', () => {
  const { yTrue, yScore, skippedLabels, macroOverDefined, weightedOverDefined, perLabelDefined } =
    fixture.undefinedLabels;

  it("'raise' throws like scikit-learn and names the label", () => {
    expect(() => rocAucScore(yTrue, yScore)).toThrow(
      "Argument 'yTrue' passed to 'rocAucScore' must be both a positive and a negative example in every label (or pass undefinedLabels: 'skip'), got \"label 2 with only one class\"",
    );
  });

  it("'skip' equals scikit-learn on the remaining labels and reports what it skipped", () => {
    const macro = rocAucScoreDetails(yTrue, yScore, { undefinedLabels: 'skip' });
    expectClose(macro.score, macroOverDefined);
    expect(macro.undefinedLabels).toBe('skip');
    expect(macro.skippedLabels).toEqual(skippedLabels);
    expectClose(
      rocAucScore(yTrue, yScore, { undefinedLabels: 'skip', average: 'weighted' }),
      weightedOverDefined,
    );
    const perLabel = rocAucScoreDetails(yTrue, yScore, { undefinedLabels: 'skip', average: null }).perLabel!;
    expectClose(
      Array.from(perLabel).filter((value) => !Number.isNaN(value)),
      perLabelDefined,
    );
  });

  it('average precision scores a label without positives 0, as scikit-learn 1.2', () => {
    expectClose(averagePrecisionScore(yTrue, yScore), fixture.undefinedLabels.averagePrecisionMacro);
    expectClose(
      averagePrecisionScore(yTrue, yScore, { average: null }),
      fixture.undefinedLabels.averagePrecisionPerLabel,
    );
  });
});

describe('hand-computed AUC with ties', () => {
  it('a positive tied with a negative counts one half', () => {
    // pairs (pos, neg): (0.8 > 0.4) 1, (0.8 > 0.1) 1, (0.4 = 0.4) ½, (0.4 > 0.1) 1 → 3.5 / 4
    expect(rocAucScore([1, 0, 1, 0], [0.8, 0.4, 0.4, 0.1])).toBe(0.875);
  });
  it('scores given as { data, rows, cols } typed arrays', () => {
    const yTrue = { data: Uint8Array.of(1, 0, 0, 0, 1, 1), rows: 3, cols: 2 };
    const yScore = { data: Float32Array.of(0.9, 0.2, 0.1, 0.3, 0.8, 0.1), rows: 3, cols: 2 };
    // label 0: positives {0.9, 0.8} above the negative 0.1 → 1; label 1: positive 0.1 below 0.2, 0.3 → 0.
    expect(rocAucScore(yTrue, yScore)).toBe(0.5);
  });
});
