import { invalidArgument } from '@icd/core';
import { assertSameShape, isMatrixInput, toIndicatorMatrix } from '../internal/inputs.js';
import { encodeLabels } from '../internal/labels.js';
import type { ClassificationTargets } from './label-counts.js';

/** Options of {@link accuracyScore}. */
export interface AccuracyOptions {
  /** `true` (default): the fraction correct; `false`: the count correct. */
  normalize?: boolean;
}

/**
 * Accuracy as scikit-learn's `accuracy_score`: the fraction of samples whose prediction equals the
 * truth. For multi-label indicator matrices this is *subset accuracy* (a document counts only when
 * every label matches), which is not the example-based "accuracy" of ICD papers: that is
 * {@link jaccardScore} with `average: 'samples'`.
 *
 * @example
 * ```ts
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 * accuracyScore([[0, 1], [1, 1]], [[1, 1], [1, 1]]); // 0.5
 * ```
 */
export function accuracyScore(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: AccuracyOptions = {},
): number {
  const fn = 'accuracyScore';
  const normalize = options.normalize ?? true;
  if (typeof normalize !== 'boolean') invalidArgument(fn, 'normalize', 'a boolean', normalize);
  const trueIsMatrix = isMatrixInput(yTrue);
  if (trueIsMatrix !== isMatrixInput(yPred)) {
    invalidArgument(fn, 'yPred', `a ${trueIsMatrix ? 'matrix' : 'vector'} like yTrue`, yPred);
  }
  let correct = 0;
  let total: number;
  if (trueIsMatrix) {
    const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
    const prediction = toIndicatorMatrix(fn, 'yPred', yPred);
    assertSameShape(fn, 'yPred', truth, prediction);
    total = truth.rows;
    for (let row = 0; row < truth.rows; row++) {
      let matches = true;
      for (let index = row * truth.cols; index < (row + 1) * truth.cols && matches; index++) {
        matches = truth.data[index] === prediction.data[index];
      }
      if (matches) correct++;
    }
  } else {
    const encoded = encodeLabels(fn, yTrue, yPred);
    total = encoded.trueIndex.length;
    for (let index = 0; index < total; index++) {
      if (encoded.trueIndex[index] === encoded.predIndex[index]) correct++;
    }
  }
  return normalize ? correct / total : correct;
}
