import { invalidArgument } from '@icd/core';
import { assertSameShape, isMatrixInput, type MatrixInput, toIndicatorMatrix } from '../internal/inputs.js';
import { type ClassLabel, encodeLabels } from '../internal/labels.js';

/** Targets: a multi-class label vector, or a multi-label 0/1 indicator matrix (documents x labels). */
export type ClassificationTargets = readonly (number | string)[] | ArrayLike<number> | MatrixInput;

/** Per-label counts shared by precision, recall, F-score, Jaccard and the report. */
export interface LabelCounts {
  /** `'binary'` and `'multiclass'` come from label vectors, `'multilabel'` from indicator matrices. */
  readonly kind: 'binary' | 'multiclass' | 'multilabel';
  /** Class values (vectors) or column indices (matrices), in the order of the arrays below. */
  readonly labels: readonly ClassLabel[];
  readonly truePositives: Float64Array;
  /** Predicted positives per label (tp + fp). */
  readonly predicted: Float64Array;
  /** Actual positives per label (tp + fn): the support. */
  readonly actual: Float64Array;
  /** Per-document counts, multi-label only (for `average: 'samples'`). */
  readonly perSample?: { truePositives: Float64Array; predicted: Float64Array; actual: Float64Array };
  readonly sampleCount: number;
}

/** Options naming the labels to count: class values for vectors, column indices for matrices. */
export interface LabelSelection {
  /** Subset and order of labels. Default: all (sorted union of classes, or every column). */
  labels?: readonly ClassLabel[];
}

/** Counts tp, predicted and actual positives per label, validating shapes and values. */
export function countLabels(
  fn: string,
  yTrue: unknown,
  yPred: unknown,
  labels?: readonly ClassLabel[],
): LabelCounts {
  const trueIsMatrix = isMatrixInput(yTrue);
  if (trueIsMatrix !== isMatrixInput(yPred)) {
    invalidArgument(fn, 'yPred', `a ${trueIsMatrix ? 'matrix' : 'vector'} like yTrue`, yPred);
  }
  if (!trueIsMatrix) {
    const encoded = encodeLabels(fn, yTrue, yPred, labels);
    const count = encoded.classes.length;
    const truePositives = new Float64Array(count);
    const predicted = new Float64Array(count);
    const actual = new Float64Array(count);
    for (let index = 0; index < encoded.trueIndex.length; index++) {
      const trueClass = encoded.trueIndex[index] as number;
      const predClass = encoded.predIndex[index] as number;
      actual[trueClass]! += 1;
      predicted[predClass]! += 1;
      if (trueClass === predClass) truePositives[trueClass]! += 1;
    }
    return {
      kind: labels === undefined && count <= 2 ? 'binary' : 'multiclass',
      labels: encoded.classes,
      truePositives,
      predicted,
      actual,
      sampleCount: encoded.trueIndex.length,
    };
  }
  const truth = toIndicatorMatrix(fn, 'yTrue', yTrue);
  const prediction = toIndicatorMatrix(fn, 'yPred', yPred);
  assertSameShape(fn, 'yPred', truth, prediction);
  const { rows, cols } = truth;
  const columns = selectColumns(fn, cols, labels);
  const count = columns.length;
  const truePositives = new Float64Array(count);
  const predicted = new Float64Array(count);
  const actual = new Float64Array(count);
  const sampleTruePositives = new Float64Array(rows);
  const samplePredicted = new Float64Array(rows);
  const sampleActual = new Float64Array(rows);
  const allColumns = labels === undefined;
  for (let row = 0; row < rows; row++) {
    const offset = row * cols;
    let rowTruePositives = 0;
    let rowPredicted = 0;
    let rowActual = 0;
    for (let position = 0; position < count; position++) {
      // Without a label subset the column is the position: no indirection in the hot loop.
      const index = offset + (allColumns ? position : (columns[position] as number));
      const isTrue = truth.data[index] as number;
      const isPredicted = prediction.data[index] as number;
      const isBoth = isTrue & isPredicted;
      actual[position]! += isTrue;
      predicted[position]! += isPredicted;
      truePositives[position]! += isBoth;
      rowActual += isTrue;
      rowPredicted += isPredicted;
      rowTruePositives += isBoth;
    }
    sampleTruePositives[row] = rowTruePositives;
    samplePredicted[row] = rowPredicted;
    sampleActual[row] = rowActual;
  }
  return {
    kind: 'multilabel',
    labels: Array.from(columns),
    truePositives,
    predicted,
    actual,
    perSample: { truePositives: sampleTruePositives, predicted: samplePredicted, actual: sampleActual },
    sampleCount: rows,
  };
}

/** Resolves `labels` (column indices) for a matrix with `cols` columns. */
export function selectColumns(fn: string, cols: number, labels?: readonly ClassLabel[]): Int32Array {
  if (labels === undefined) return Int32Array.from({ length: cols }, (_, index) => index);
  if (!Array.isArray(labels) || labels.length === 0)
    invalidArgument(fn, 'labels', 'a non-empty array', labels);
  const columns = new Int32Array(labels.length);
  labels.forEach((label, position) => {
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= cols) {
      invalidArgument(fn, 'labels', `column indices in [0, ${cols - 1}] for a ${cols}-column matrix`, label);
    }
    columns[position] = label;
  });
  return columns;
}
