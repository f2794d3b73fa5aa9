import { assertFiniteNumber, assertOneOf, invalidArgument } from '@icd/core';
import type { ClassLabel } from '../internal/labels.js';
import { type ClassificationTargets, countLabels, type LabelCounts } from './label-counts.js';

/** How per-label scores are combined; `null` returns them per label. As in scikit-learn. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | 'samples' | null;

/** Options of {@link precisionRecallFscoreSupport} and the scores built on it. */
export interface PrecisionRecallFscoreOptions {
  /** Default `'binary'` (scikit-learn's default): scores the class `posLabel` of a binary label vector. */
  average?: Average;
  /** Labels to score: class values for vectors, column indices for indicator matrices. Default: all. */
  labels?: readonly ClassLabel[];
  /** Positive class for `average: 'binary'`. Default `1`. */
  posLabel?: ClassLabel;
  /** Value for 0/0 (a label never predicted, or never present). Default `0` (scikit-learn's `'warn'`). */
  zeroDivision?: 0 | 1;
  /** Weight of recall in the F-score. Default `1` (F1). */
  beta?: number;
}

/** Scores of one averaged figure; `support` is `null` as in scikit-learn. */
export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly fScore: number;
  readonly support: null;
}

/** Scores per label, in the order of `labels`. */
export interface PerLabelScores {
  readonly labels: readonly ClassLabel[];
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly fScore: Float64Array;
  readonly support: Float64Array;
}

const averages = ['binary', 'micro', 'macro', 'weighted', 'samples', null] as const;

/** Element-wise `numerator / denominator`, with `zeroDivision` where the denominator is 0. */
export function divideOrDefault(
  numerator: Float64Array,
  denominator: Float64Array,
  zeroDivision: number,
): Float64Array {
  const result = new Float64Array(numerator.length);
  for (let index = 0; index < result.length; index++) {
    const divisor = denominator[index] as number;
    result[index] = divisor === 0 ? zeroDivision : (numerator[index] as number) / divisor;
  }
  return result;
}

/** F-beta from (already zero-division-resolved) precision and recall, 0 where both are 0. */
export function fBetaFrom(precision: Float64Array, recall: Float64Array, beta: number): Float64Array {
  const beta2 = beta * beta;
  const result = new Float64Array(precision.length);
  for (let index = 0; index < result.length; index++) {
    const p = precision[index] as number;
    const r = recall[index] as number;
    const denominator = beta2 * p + r;
    result[index] = denominator === 0 ? 0 : ((1 + beta2) * p * r) / denominator;
  }
  return result;
}

function mean(values: Float64Array, weights?: Float64Array): number {
  let total = 0;
  let weightTotal = 0;
  for (let index = 0; index < values.length; index++) {
    const weight = weights === undefined ? 1 : (weights[index] as number);
    total += (values[index] as number) * weight;
    weightTotal += weight;
  }
  return total / weightTotal;
}

/** Validates the shared options and returns them with defaults. */
export function resolvePrfOptions(fn: string, options: PrecisionRecallFscoreOptions) {
  const average = options.average === undefined ? 'binary' : options.average;
  assertOneOf(fn, 'average', average, averages);
  const zeroDivision = options.zeroDivision ?? 0;
  assertOneOf(fn, 'zeroDivision', zeroDivision, [0, 1] as const);
  const beta = options.beta ?? 1;
  assertFiniteNumber(fn, 'beta', beta, { min: 0 });
  return { average, zeroDivision, beta, posLabel: options.posLabel ?? 1 };
}

/**
 * Restricts counts to what `average` needs: the positive class for `'binary'`, sums for `'micro'`,
 * per-document counts for `'samples'`.
 */
export function countsForAverage(
  fn: string,
  counts: LabelCounts,
  average: Average,
  posLabel: ClassLabel,
): { truePositives: Float64Array; predicted: Float64Array; actual: Float64Array } {
  if (average === 'binary') {
    if (counts.kind !== 'binary') {
      invalidArgument(
        fn,
        'average',
        `one of "micro", "macro", "weighted"${counts.kind === 'multilabel' ? ', "samples"' : ''} or null for ${counts.kind} targets`,
        average,
      );
    }
    const position = counts.labels.indexOf(posLabel);
    if (position < 0 && counts.labels.length >= 2) {
      invalidArgument(fn, 'posLabel', `one of the labels [${counts.labels.join(', ')}]`, posLabel);
    }
    const pick = (values: Float64Array) => Float64Array.of(position < 0 ? 0 : (values[position] as number));
    return {
      truePositives: pick(counts.truePositives),
      predicted: pick(counts.predicted),
      actual: pick(counts.actual),
    };
  }
  if (average === 'samples') {
    if (counts.perSample === undefined) {
      invalidArgument(fn, 'average', '"samples" only for multi-label indicator matrices', average);
    }
    return counts.perSample;
  }
  if (average === 'micro') {
    const sum = (values: Float64Array) => Float64Array.of(values.reduce((total, value) => total + value, 0));
    return {
      truePositives: sum(counts.truePositives),
      predicted: sum(counts.predicted),
      actual: sum(counts.actual),
    };
  }
  return counts;
}

/**
 * Precision, recall, F-beta and support, defined as scikit-learn 1.2's `precision_recall_fscore_support`:
 * `P = tp / (tp + fp)`, `R = tp / (tp + fn)`, `F = (1 + β²)·P·R / (β²·P + R)` (0 when `P = R = 0`), each
 * 0/0 replaced by `zeroDivision`. Averages: `'micro'` sums counts over labels first; `'macro'` is the
 * unweighted mean of per-label scores; `'weighted'` weights them by support; `'samples'` averages
 * per-document scores (multi-label). Works on multi-class label vectors and on multi-label indicator
 * matrices (`number[][]` or `{ data, rows, cols }`).
 *
 * @example
 * ```ts
 * precisionRecallFscoreSupport(['cat', 'dog', 'pig', 'cat', 'dog', 'pig'],
 *   ['cat', 'pig', 'dog', 'cat', 'cat', 'dog'], { average: 'macro' });
 * // { precision: 0.2222…, recall: 0.3333…, fScore: 0.2666…, support: null }
 * ```
 */
export function precisionRecallFscoreSupport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions & { average: null },
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions & { average?: Exclude<Average, null> },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options?: PrecisionRecallFscoreOptions,
): AveragedScores | PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions = {},
): AveragedScores | PerLabelScores {
  return computePrecisionRecallFscore('precisionRecallFscoreSupport', yTrue, yPred, options);
}

/** {@link precisionRecallFscoreSupport} with the caller's name in error messages. */
export function computePrecisionRecallFscore(
  fn: string,
  yTrue: ClassificationTargets,
  yPred: ClassificationTargets,
  options: PrecisionRecallFscoreOptions,
): AveragedScores | PerLabelScores {
  return scoresFromCounts(fn, countLabels(fn, yTrue, yPred, options.labels), options);
}

/** The averaging step of {@link precisionRecallFscoreSupport}, on counts computed once. */
export function scoresFromCounts(
  fn: string,
  counts: LabelCounts,
  options: PrecisionRecallFscoreOptions,
): AveragedScores | PerLabelScores {
  const { average, zeroDivision, beta, posLabel } = resolvePrfOptions(fn, options);
  const selected = countsForAverage(fn, counts, average, posLabel);
  const precision = divideOrDefault(selected.truePositives, selected.predicted, zeroDivision);
  const recall = divideOrDefault(selected.truePositives, selected.actual, zeroDivision);
  const fScore = fBetaFrom(precision, recall, beta);
  if (average === null) return { labels: counts.labels, precision, recall, fScore, support: selected.actual };
  if (average === 'weighted') {
    const supportTotal = selected.actual.reduce((total, value) => total + value, 0);
    if (supportTotal === 0) {
      // scikit-learn's special case: no positive label anywhere.
      const predictedTotal = selected.predicted.reduce((total, value) => total + value, 0);
      return predictedTotal === 0
        ? { precision: zeroDivision, recall: zeroDivision, fScore: zeroDivision, support: null }
        : { precision: 0, recall: zeroDivision, fScore: 0, support: null };
    }
    return {
      precision: mean(precision, selected.actual),
      recall: mean(recall, selected.actual),
      fScore: mean(fScore, selected.actual),
      support: null,
    };
  }
  return { precision: mean(precision), recall: mean(recall), fScore: mean(fScore), support: null };
}
