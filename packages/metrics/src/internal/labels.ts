import { invalidArgument } from '@icd/core';
import { fromVectorInput } from './inputs.js';

/** A class label of a multi-class problem. */
export type ClassLabel = number | string;

/** Class vectors encoded as indices into a sorted class list. */
export interface EncodedLabels {
  readonly classes: readonly ClassLabel[];
  readonly trueIndex: Int32Array;
  readonly predIndex: Int32Array;
}

function readVector(fn: string, argument: string, input: unknown): ClassLabel[] {
  const value = fromVectorInput(fn, argument, input);
  if (
    value == null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<unknown>).length !== 'number'
  ) {
    invalidArgument(fn, argument, 'an array of class labels', value);
  }
  const source = value as ArrayLike<unknown>;
  if (source.length === 0) invalidArgument(fn, argument, 'a non-empty array', value);
  const labels: ClassLabel[] = new Array(source.length);
  let kind: string | undefined;
  for (let index = 0; index < source.length; index++) {
    const entry = source[index];
    const entryKind = typeof entry;
    if (entryKind === 'number' ? !Number.isFinite(entry as number) : entryKind !== 'string') {
      invalidArgument(fn, argument, `finite numbers or strings (entry ${index} is not)`, entry);
    }
    if (kind !== undefined && kind !== entryKind) {
      invalidArgument(fn, argument, 'labels of one type (all numbers or all strings)', entry);
    }
    kind = entryKind;
    labels[index] = entry as ClassLabel;
  }
  return labels;
}

/** Sorts labels like `numpy.unique`: numbers ascending, strings by code unit. */
export function sortLabels(labels: Iterable<ClassLabel>): ClassLabel[] {
  return [...new Set(labels)].sort((left, right) =>
    typeof left === 'number' && typeof right === 'number'
      ? left - right
      : left < right
        ? -1
        : left > right
          ? 1
          : 0,
  );
}

/**
 * Encodes `yTrue` / `yPred` against `labels` (default: the sorted union of both, as scikit-learn's
 * `unique_labels`). A value outside an explicit `labels` list is an error rather than silently dropped.
 */
export function encodeLabels(
  fn: string,
  yTrue: unknown,
  yPred: unknown,
  labels?: readonly ClassLabel[],
): EncodedLabels {
  const trueLabels = readVector(fn, 'yTrue', yTrue);
  const predLabels = readVector(fn, 'yPred', yPred);
  if (trueLabels.length !== predLabels.length) {
    invalidArgument(
      fn,
      'yPred',
      `of the same length as yTrue (${trueLabels.length})`,
      `length ${predLabels.length}`,
    );
  }
  if (typeof trueLabels[0] !== typeof predLabels[0]) {
    invalidArgument(fn, 'yPred', `labels of the same type as yTrue (${typeof trueLabels[0]})`, predLabels[0]);
  }
  let classes: readonly ClassLabel[];
  if (labels === undefined) {
    classes = sortLabels([...trueLabels, ...predLabels]);
  } else {
    if (!Array.isArray(labels) || labels.length === 0)
      invalidArgument(fn, 'labels', 'a non-empty array', labels);
    if (new Set(labels).size !== labels.length)
      invalidArgument(fn, 'labels', 'an array without duplicates', labels);
    classes = labels;
  }
  const position = new Map<ClassLabel, number>(classes.map((label, index) => [label, index]));
  const encode = (values: ClassLabel[], argument: string): Int32Array => {
    const encoded = new Int32Array(values.length);
    for (let index = 0; index < values.length; index++) {
      const found = position.get(values[index] as ClassLabel);
      if (found === undefined) {
        invalidArgument(fn, argument, `labels from the label set [${classes.join(', ')}]`, values[index]);
      }
      encoded[index] = found;
    }
    return encoded;
  };
  return { classes, trueIndex: encode(trueLabels, 'yTrue'), predIndex: encode(predLabels, 'yPred') };
}
