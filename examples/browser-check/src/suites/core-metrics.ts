import { IcdError, InvalidArgumentError } from '@icd/core';
import { classificationReport, f1Score, meanAveragePrecision, precisionAtK, rocAucScore } from '@icd/metrics';
import { type Json, numbers, type SuiteEnvironment, thrown } from '../suite.js';

const yTrue = [
  [1, 0, 1, 0],
  [0, 1, 0, 0],
  [1, 1, 0, 1],
  [0, 0, 1, 1],
];
const yScore = [
  [0.9, 0.2, 0.6, 0.1],
  [0.3, 0.8, 0.4, 0.2],
  [0.7, 0.35, 0.5, 0.65],
  [0.1, 0.3, 0.9, 0.45],
];
const yPred = yScore.map((row) => row.map((score) => (score >= 0.5 ? 1 : 0)));

/** Hand-computed values (the metrics' TSDoc examples) that Node's results must also show. */
export const anchors: Record<string, Json> = {
  docF1Micro: 0.8,
  docRocAuc: 0.75,
  docPrecisionAt2: 0.5,
  meanAveragePrecision: 11 / 12,
};

/** @icd/core errors and @icd/metrics scores on a small multi-label matrix. */
export async function run(_environment: SuiteEnvironment): Promise<Record<string, Json>> {
  const error = (() => {
    try {
      precisionAtK(yTrue, yScore, 0);
      return null;
    } catch (caught) {
      return caught;
    }
  })();
  return {
    docF1Micro: f1Score(
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
    docRocAuc: rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
    docPrecisionAt2: precisionAtK(
      [
        [1, 0, 1],
        [0, 1, 0],
      ],
      [
        [0.9, 0.8, 0.1],
        [0.2, 0.7, 0.3],
      ],
      2,
    ),
    f1Micro: f1Score(yTrue, yPred, { average: 'micro' }),
    f1Macro: f1Score(yTrue, yPred, { average: 'macro' }),
    f1PerLabel: numbers(f1Score(yTrue, yPred, { average: null })),
    rocAucMacro: rocAucScore(yTrue, yScore, { average: 'macro' }),
    rocAucFromTensorData: rocAucScore(
      { data: Float32Array.from(yTrue.flat()), shape: [4, 4] },
      { data: Float32Array.from(yScore.flat()), shape: [4, 4] },
      { average: 'micro' },
    ),
    precisionAt2: precisionAtK(yTrue, yScore, 2),
    // d1: hits at ranks 1 and 3 → (1 + 2/3) / 2; d2: 1 → MAP 11/12.
    meanAveragePrecision: meanAveragePrecision({ d1: ['I10', 'E11.9'], d2: ['J18.9'] }, [
      ['d1', 'E11.9'],
      ['d1', 'R07.9'],
      ['d1', 'I10'],
      ['d2', 'J18.9'],
    ]),
    report: classificationReport(yTrue, yPred, { targetNames: ['I10', 'E11', 'J18', 'R07'] }),
    errorIsIcdError: IcdError.isInstance(error),
    errorIsInvalidArgument: InvalidArgumentError.isInstance(error),
    error: thrown(() => {
      throw error;
    }),
  };
}
