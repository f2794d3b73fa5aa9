import { assertOneOf, invalidArgument } from '@icd/core';
import { areaUnderRoc, rocAucOfColumn, splitColumn } from '../internal/binary-counts.js';
import { toBinaryTargets } from '../internal/binary-targets.js';
import {
  assertSameLength,
  assertSameShape,
  fromVectorInput,
  isMatrixInput,
  type MatrixInput,
  toDenseMatrix,
  toIndicatorMatrix,
  toScoreVector,
} from '../internal/inputs.js';
import { type ClassLabel, sortLabels } from '../internal/labels.js';
import {
  averageBinaryScore,
  type RankingAverage,
  type UndefinedLabelPolicy,
} from './average-binary-score.js';

/** Options of {@link rocAucScore}. */
export interface RocAucOptions {
  /** Default `'macro'`. Multi-class accepts `'micro' | 'macro' | 'weighted' | null`. */
  average?: RankingAverage;
  /** Multi-class strategy; only one-vs-rest is implemented. Default `'ovr'`. */
  multiClass?: 'ovr';
  /** Multi-class: the classes in the order of the `yScore` columns. Default: sorted classes of `yTrue`. */
  labels?: readonly ClassLabel[];
  /**
   * A label with no positive (or no negative) example has no AUC. `'raise'` (default) throws, as
   * scikit-learn does; `'skip'` leaves it out of the average, as most ICD-coding papers do. Say which
   * one a figure used: {@link rocAucScoreDetails} returns it with the skipped labels.
   */
  undefinedLabels?: UndefinedLabelPolicy;
}

/** {@link rocAucScoreDetails}: the score and how it was obtained. */
export interface RocAucResult {
  /** The averaged AUC (NaN for `average: null`; see `perLabel`). */
  readonly score: number;
  readonly kind: 'binary' | 'multiclass' | 'multilabel';
  readonly average: RankingAverage;
  readonly undefinedLabels: UndefinedLabelPolicy;
  /** AUC per label (per document for `'samples'`), NaN where undefined; `null` for binary and `'micro'`. */
  readonly perLabel: Float64Array | null;
  /** Labels (class values or column indices; documents for `'samples'`) left out of the mean. */
  readonly skippedLabels: readonly ClassLabel[];
}

const policies = ['raise', 'skip'] as const;

/**
 * Area under the ROC curve, as scikit-learn's `roc_auc_score`, with the details of the averaging.
 * See {@link rocAucScore}.
 *
 * @example
 * ```ts
 * const result = rocAucScoreDetails([[1, 0], [0, 0], [1, 0]], [[0.9, 0.2], [0.1, 0.3], [0.8, 0.1]],
 *   { undefinedLabels: 'skip' });
 * // result.score 1, result.skippedLabels [1], result.undefinedLabels 'skip'
 * ```
 */
export function rocAucScoreDetails(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options: RocAucOptions = {},
): RocAucResult {
  const fn = 'rocAucScore';
  const average = options.average === undefined ? 'macro' : options.average;
  assertOneOf(fn, 'average', average, ['micro', 'macro', 'weighted', 'samples', null] as const);
  assertOneOf(fn, 'multiClass', options.multiClass ?? 'ovr', ['ovr'] as const);
  const policy = options.undefinedLabels ?? 'raise';
  assertOneOf(fn, 'undefinedLabels', policy, policies);
  if (yTrue == null || typeof yTrue !== 'object') {
    invalidArgument(fn, 'yTrue', 'an array of labels or an indicator matrix', yTrue);
  }

  if (isMatrixInput(yTrue)) {
    const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
    const scores = toDenseMatrix(fn, 'yScore', yScore);
    assertSameShape(fn, 'yScore', truth, scores);
    const result = averageBinaryScore(fn, truth, scores, average, rocAucOfColumn, policy);
    return { ...result, kind: 'multilabel', average, undefinedLabels: policy, skippedLabels: result.skipped };
  }

  const labelVector = fromVectorInput(fn, 'yTrue', yTrue);
  if (typeof (labelVector as ArrayLike<unknown>).length !== 'number') {
    invalidArgument(fn, 'yTrue', 'an array of labels or an indicator matrix', yTrue);
  }
  if (!isMatrixInput(yScore)) {
    const targets = toBinaryTargets(fn, labelVector, binaryPositive(fn, labelVector));
    const scores = toScoreVector(fn, 'yScore', yScore);
    assertSameLength(fn, 'yScore', targets.length, scores.length);
    const score = areaUnderRoc(splitColumn(targets, scores, scores.length, 1, 0));
    if (Number.isNaN(score)) {
      // A single binary problem has nothing to skip to.
      invalidArgument(fn, 'yTrue', 'both classes (ROC AUC is undefined with only one class)', 'one class');
    }
    return { score, kind: 'binary', average, undefinedLabels: policy, perLabel: null, skippedLabels: [] };
  }

  // Multi-class one-vs-rest from a probability matrix.
  if (average === 'samples') {
    invalidArgument(
      fn,
      'average',
      'one of "micro", "macro", "weighted" or null for multi-class targets',
      average,
    );
  }
  const scores = toDenseMatrix(fn, 'yScore', yScore);
  const values = Array.from(labelVector as ArrayLike<ClassLabel>);
  assertSameLength(fn, 'yScore', values.length, scores.rows);
  const classes = options.labels ?? sortLabels(values);
  if (classes.length !== scores.cols) {
    invalidArgument(
      fn,
      'yScore',
      `one column per class (${classes.length} classes)`,
      `${scores.cols} columns`,
    );
  }
  for (let row = 0; row < scores.rows; row++) {
    let sum = 0;
    for (let col = 0; col < scores.cols; col++) sum += scores.data[row * scores.cols + col] as number;
    // numpy.allclose(1, sum): |1 - sum| <= 1e-8 + 1e-5 * |sum|
    if (Math.abs(1 - sum) > 1e-8 + 1e-5 * Math.abs(sum)) {
      invalidArgument(
        fn,
        'yScore',
        `probabilities summing to 1 in every row (row ${row} sums to ${sum})`,
        sum,
      );
    }
  }
  const position = new Map(classes.map((label, index) => [label, index]));
  const truth = new Uint8Array(scores.rows * scores.cols);
  values.forEach((label, row) => {
    const col = position.get(label);
    if (col === undefined) invalidArgument(fn, 'yTrue', `labels from [${classes.join(', ')}]`, label);
    truth[row * scores.cols + col] = 1;
  });
  const result = averageBinaryScore(
    fn,
    { data: truth, rows: scores.rows, cols: scores.cols },
    scores,
    average,
    rocAucOfColumn,
    policy,
    classes,
  );
  return {
    score: result.score,
    perLabel: result.perLabel,
    kind: 'multiclass',
    average,
    undefinedLabels: policy,
    skippedLabels: result.skipped.map((index) => classes[index] as ClassLabel),
  };
}

/** scikit-learn binarises binary `y_true` with its sorted classes and scores the greater one. */
function binaryPositive(fn: string, yTrue: unknown): ClassLabel {
  const values = Array.from(yTrue as ArrayLike<ClassLabel>);
  if (values.length === 0) invalidArgument(fn, 'yTrue', 'a non-empty array', yTrue);
  const classes = sortLabels(values);
  if (classes.length > 2) {
    invalidArgument(
      fn,
      'yScore',
      'a probability matrix (one column per class) for multi-class targets',
      'a vector',
    );
  }
  return classes[classes.length - 1] as ClassLabel;
}

/**
 * Area under the ROC curve, as scikit-learn's `roc_auc_score`: binary (score vector), multi-class
 * one-vs-rest (probability matrix, one column per sorted class) and multi-label (indicator matrix and
 * score matrix; `'micro'` pools all cells, `'macro'` averages labels, `'weighted'` weights them by
 * positives, `'samples'` averages documents). Ties follow the trapezoidal rule over distinct
 * thresholds: a positive tied with a negative counts ½, so `AUC = P(s⁺ > s⁻) + ½·P(s⁺ = s⁻)`.
 *
 * Labels with no positive or no negative example: `undefinedLabels: 'raise'` (default, scikit-learn)
 * or `'skip'` (ICD papers). Report which; {@link rocAucScoreDetails} returns it with the skipped labels.
 *
 * @example
 * ```ts
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAucScore([[1, 0], [0, 0], [1, 1]], [[0.9, 0.2], [0.1, 0.3], [0.8, 0.1]], { average: 'macro' }); // 0.5·(1 + 0) = 0.5
 * ```
 */
export function rocAucScore(
  yTrue: readonly ClassLabel[] | ArrayLike<number> | MatrixInput,
  yScore: ArrayLike<number> | MatrixInput,
  options: RocAucOptions = {},
): number {
  return rocAucScoreDetails(yTrue, yScore, options).score;
}
