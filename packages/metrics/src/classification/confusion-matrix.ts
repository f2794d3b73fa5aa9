import { invalidArgument } from '@icd/core';
import { isMatrixInput } from '../internal/inputs.js';
import { type ClassLabel, encodeLabels } from '../internal/labels.js';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Row/column order. Default: the sorted union of the labels in `yTrue` and `yPred`. */
  labels?: readonly ClassLabel[];
}

/**
 * Confusion matrix `C` as scikit-learn's `confusion_matrix`: `C[i][j]` counts samples of true class
 * `labels[i]` predicted as `labels[j]` (rows: truth, columns: prediction).
 *
 * @example
 * ```ts
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
 * // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 * ```
 */
export function confusionMatrix(
  yTrue: readonly ClassLabel[] | ArrayLike<number>,
  yPred: readonly ClassLabel[] | ArrayLike<number>,
  options: ConfusionMatrixOptions = {},
): number[][] {
  const fn = 'confusionMatrix';
  if (isMatrixInput(yTrue) || isMatrixInput(yPred)) {
    invalidArgument(
      fn,
      isMatrixInput(yTrue) ? 'yTrue' : 'yPred',
      'a label vector (count multi-label matrices with precisionRecallFscoreSupport)',
      'a matrix',
    );
  }
  const encoded = encodeLabels(fn, yTrue, yPred, options.labels);
  const size = encoded.classes.length;
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let index = 0; index < encoded.trueIndex.length; index++) {
    (counts[encoded.trueIndex[index] as number] as number[])[encoded.predIndex[index] as number]! += 1;
  }
  return counts;
}
