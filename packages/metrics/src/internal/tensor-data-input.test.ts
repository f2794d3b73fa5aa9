import type { TensorData } from '@icd/core';
import { InvalidArgumentError } from '@icd/core';
import { describe, expect, it } from 'vitest';
import { accuracyScore } from '../classification/accuracy-score.js';
import { f1Score } from '../classification/f1-score.js';
import { tuneThreshold } from '../evaluation/tune-threshold.js';
import { averagePrecisionScore } from '../ranking/average-precision-score.js';
import { precisionAtK } from '../ranking/precision-at-k.js';
import { rPrecision } from '../ranking/r-precision.js';
import { rocAucScore } from '../ranking/roc-auc-score.js';
import { expectClose, fixture } from './expect-close.test-helper.js';

/** The nested rows of a fixture as core's `TensorData` (what `LabelSpace.encodeBatch` returns). */
function asTensorData<TArray extends ArrayLike<number>>(
  rows: readonly (readonly number[])[],
  make: (values: number[]) => TArray,
): TensorData<TArray> {
  return { data: make(rows.flat()), shape: [rows.length, rows[0]!.length] };
}

describe("core's TensorData { data, shape } is a matrix input", () => {
  const ranking = fixture.multilabelRanking[0]!;
  it('ROC AUC and average precision of scikit-learn, multi-label', () => {
    const yTrue = asTensorData(ranking.yTrue, (values) => Uint8Array.from(values));
    const yScore = asTensorData(ranking.yScore, (values) => Float32Array.from(values));
    for (const average of ['micro', 'macro', 'weighted', 'samples'] as const) {
      // Float32 scores: ties and order are those of the float64 fixture at this precision.
      expectClose(rocAucScore(yTrue, yScore, { average }), ranking.rocAuc[average], 1e-6);
      expectClose(averagePrecisionScore(yTrue, yScore, { average }), ranking.averagePrecision[average], 1e-6);
    }
  });

  it('precision@k and R-precision of the fixture', () => {
    const atK = fixture.atK[0]!;
    const yTrue = asTensorData(atK.yTrue, (values) => Float32Array.from(values));
    const yScore = asTensorData(atK.yScore, (values) => Float64Array.from(values));
    expectClose(precisionAtK(yTrue, yScore, 5), atK.precisionAtK['5']);
    expectClose(rPrecision(yTrue, yScore), atK.rPrecision);
  });

  it('classification scores of scikit-learn, multi-label', () => {
    const testCase = fixture.classification.find(
      (entry: { name: string }) => entry.name === 'multilabel with empty label and row',
    )!;
    const yTrue = asTensorData(testCase.yTrue as number[][], (values) => Uint8Array.from(values));
    const yPred = asTensorData(testCase.yPred as number[][], (values) => Uint8Array.from(values));
    for (const result of testCase.results) {
      if (result.average === 'binary' || result.average === null) continue;
      expectClose(
        f1Score(yTrue, yPred, { average: result.average as 'micro', zeroDivision: result.zeroDivision as 0 }),
        result.fScore,
      );
    }
    expectClose(accuracyScore(yTrue, yPred), testCase.accuracy);
  });

  it('mixes with nested rows, and tunes thresholds', () => {
    const yTrue: TensorData<Uint8Array> = { data: Uint8Array.of(1, 0, 0, 1), shape: [2, 2] };
    // Hand-computed: one threshold in (0.2, 0.6] separates both labels, micro F1 = 1.
    const tuned = tuneThreshold(yTrue, [
      [0.9, 0.2],
      [0.1, 0.6],
    ]);
    expect(tuned.microF1).toBe(1);
  });

  it('a 1-D TensorData is a vector', () => {
    // Hand-computed: positives 0.35 and 0.8 against negatives 0.1 and 0.4 win 3 of 4 pairs.
    expect(
      rocAucScore(
        { data: Int32Array.of(0, 0, 1, 1), shape: [4] },
        { data: Float32Array.of(0.1, 0.4, 0.35, 0.8), shape: [4] },
      ),
    ).toBeCloseTo(0.75, 12);
  });

  it('a shape that is not [rows, cols] or does not match data is an InvalidArgumentError', () => {
    const check = (run: () => unknown, argument: string) => {
      try {
        run();
      } catch (error) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        expect((error as InvalidArgumentError).argument).toBe(argument);
        return;
      }
      throw new Error('expected an InvalidArgumentError');
    };
    check(() => precisionAtK({ data: Uint8Array.of(1, 0, 1), shape: [2, 2] }, [[0.1, 0.2]], 1), 'yTrue.data');
    check(
      () => precisionAtK({ data: Uint8Array.of(1, 0), shape: [1, 1, 2] }, [[0.1, 0.2]], 1),
      'yTrue.shape',
    );
    check(() => rPrecision([[1, 0]], { data: Float32Array.of(0.5, 0.5), shape: [2, 0.5] }), 'yScore.shape');
  });
});
