import { invalidArgument } from '@icd/core';
import { fromVectorInput } from './inputs.js';
import type { ClassLabel } from './labels.js';

/**
 * Reads binary targets as 0/1 bytes. With no `posLabel`, the labels must be {0, 1} or {-1, 1} (or a
 * subset) and 1 is positive, as scikit-learn's `_check_pos_label_consistency`.
 */
export function toBinaryTargets(fn: string, input: unknown, posLabel?: ClassLabel): Uint8Array {
  const yTrue = fromVectorInput(fn, 'yTrue', input);
  if (
    yTrue == null ||
    typeof yTrue !== 'object' ||
    typeof (yTrue as ArrayLike<unknown>).length !== 'number'
  ) {
    invalidArgument(fn, 'yTrue', 'an array of binary labels', yTrue);
  }
  const source = yTrue as ArrayLike<unknown>;
  if (source.length === 0) invalidArgument(fn, 'yTrue', 'a non-empty array', yTrue);
  const distinct = new Set<unknown>();
  const targets = new Uint8Array(source.length);
  for (let index = 0; index < source.length; index++) {
    const entry = source[index];
    if (typeof entry === 'number' ? !Number.isFinite(entry) : typeof entry !== 'string') {
      invalidArgument(fn, 'yTrue', `finite numbers or strings (entry ${index} is not)`, entry);
    }
    distinct.add(entry);
    if (distinct.size > 2) invalidArgument(fn, 'yTrue', 'binary labels (at most two distinct values)', entry);
    targets[index] = entry === (posLabel ?? 1) ? 1 : 0;
  }
  if (posLabel === undefined) {
    for (const label of distinct) {
      if (label !== 0 && label !== 1 && label !== -1) {
        invalidArgument(fn, 'posLabel', 'given when the labels are not {0, 1} or {-1, 1}', posLabel);
      }
    }
  }
  return targets;
}
