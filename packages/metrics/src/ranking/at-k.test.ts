import { describe, expect, it } from 'vitest';
import { expectClose, fixture } from '../internal/expect-close.test-helper.js';
import { precisionAtK } from './precision-at-k.js';
import { rPrecision } from './r-precision.js';
import { recallAtK } from './recall-at-k.js';

describe('precision@k, recall@k, R-precision against numpy (stable order: ties to the lower label)', () => {
  for (const testCase of fixture.atK) {
    it(testCase.name, () => {
      for (const k of Object.keys(testCase.precisionAtK)) {
        expectClose(
          precisionAtK(testCase.yTrue, testCase.yScore, Number(k)),
          testCase.precisionAtK[k],
          1e-12,
          `P@${k}`,
        );
        expectClose(
          recallAtK(testCase.yTrue, testCase.yScore, Number(k)),
          testCase.recallAtK[k],
          1e-12,
          `R@${k}`,
        );
        expectClose(
          recallAtK(testCase.yTrue, testCase.yScore, Number(k), { emptyDocuments: 'skip' }),
          testCase.recallAtKSkip[k],
          1e-12,
          `R@${k} skip`,
        );
      }
      expectClose(rPrecision(testCase.yTrue, testCase.yScore), testCase.rPrecision);
    });
  }

  it('hand-computed', () => {
    const yTrue = [
      [1, 0, 1],
      [0, 1, 0],
    ];
    const yScore = [
      [0.9, 0.8, 0.1],
      [0.2, 0.7, 0.3],
    ];
    expect(precisionAtK(yTrue, yScore, 2)).toBe(0.5);
    expect(recallAtK(yTrue, yScore, 1)).toBe(0.75);
    expect(rPrecision(yTrue, yScore)).toBe(0.75);
    // All tied: the lower label index wins, so the top-1 of row 0 is label 0 (gold).
    expect(precisionAtK([[1, 0, 0]], [[0.5, 0.5, 0.5]], 1)).toBe(1);
  });

  it('rejects k < 1 with the house message', () => {
    expect(() => precisionAtK([[1]], [[0.5]], 0)).toThrow(
      "Argument 'k' passed to 'precisionAtK' must be an integer >= 1, got 0",
    );
    expect(() => recallAtK([[1]], [[0.5]], 1.5)).toThrow(
      "Argument 'k' passed to 'recallAtK' must be an integer >= 1, got 1.5",
    );
  });
});
