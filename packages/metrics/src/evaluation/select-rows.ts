import { invalidArgument } from '@icd/core';
import { isMatrixInput, type MatrixData, type MatrixInput, toDenseMatrix } from '../internal/inputs.js';

/**
 * Picks rows (documents) of a matrix or entries of a vector, in the order of `indices` (repeats
 * allowed): the slicing step of bootstrap resampling and learning curves. Matrices come back as
 * `{ data, rows, cols }`, vectors as arrays.
 *
 * @example
 * ```ts
 * selectRows([[1, 0], [0, 1]], Uint32Array.of(1, 1)); // { data: Float64Array [0, 1, 0, 1], rows: 2, cols: 2 }
 * selectRows(['a', 'b', 'c'], [2, 0]); // ['c', 'a']
 * ```
 */
export function selectRows(matrix: MatrixInput, indices: ArrayLike<number>): MatrixData;
export function selectRows<T>(vector: readonly T[], indices: ArrayLike<number>): T[];
export function selectRows<T>(
  values: MatrixInput | readonly T[],
  indices: ArrayLike<number>,
): MatrixData | T[] {
  const fn = 'selectRows';
  if (isMatrixInput(values)) {
    const matrix = toDenseMatrix(fn, 'matrix', values);
    const data = new Float64Array(indices.length * matrix.cols);
    for (let position = 0; position < indices.length; position++) {
      const row = indices[position] as number;
      if (!(row >= 0 && row < matrix.rows && Number.isInteger(row))) {
        invalidArgument(fn, 'indices', `row indices in [0, ${matrix.rows - 1}]`, row);
      }
      data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), position * matrix.cols);
    }
    return { data, rows: indices.length, cols: matrix.cols };
  }
  const vector = values as readonly T[];
  return Array.from(indices, (row) => {
    if (!(row >= 0 && row < vector.length && Number.isInteger(row))) {
      invalidArgument(fn, 'indices', `indices in [0, ${vector.length - 1}]`, row);
    }
    return vector[row] as T;
  });
}
