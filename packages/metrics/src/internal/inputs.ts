import type { TensorData } from '@icd/core';
import { invalidArgument } from '@icd/core';

/**
 * A row-major matrix given as flat data plus its shape (typed arrays welcome): entry `(i, j)` is
 * `data[i * cols + j]`.
 *
 * @example
 * ```ts
 * const yTrue: MatrixData = { data: Uint8Array.of(1, 0, 1, 1), rows: 2, cols: 2 }; // [[1, 0], [1, 1]]
 * ```
 */
export interface MatrixData {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/**
 * A matrix as nested rows (`number[][]`), as flat row-major data with its shape (`{ data, rows, cols }`),
 * or as core's `TensorData` of shape `[rows, cols]` (what `LabelSpace.encodeBatch` of `@icd/data` and
 * the encoders return).
 *
 * @example
 * ```ts
 * const nested: MatrixInput = [[0.9, 0.1], [0.2, 0.7]];
 * const flat: MatrixInput = { data: Float32Array.of(0.9, 0.1, 0.2, 0.7), rows: 2, cols: 2 }; // the same matrix
 * const tensor: MatrixInput = { data: Float32Array.of(0.9, 0.1, 0.2, 0.7), shape: [2, 2] }; // and again
 * ```
 */
export type MatrixInput = readonly (readonly number[])[] | MatrixData | TensorData<ArrayLike<number>>;

/** A vector of class labels (numbers or strings), or of scores. */
export type LabelVector = readonly (number | string)[] | ArrayLike<number>;

/** Internal dense form: row-major `Float64Array` and its shape. */
export interface DenseMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Internal multi-label indicator form: row-major 0/1 bytes and the shape. */
export interface IndicatorMatrix {
  readonly data: Uint8Array;
  readonly rows: number;
  readonly cols: number;
}

/** True for a `TensorData`-shaped object (`{ data, shape }`). */
function isTensorData(value: object): value is TensorData<ArrayLike<number>> {
  return 'shape' in value && 'data' in value && !('rows' in value);
}

/**
 * True when `value` is a matrix (nested rows, `{ data, rows, cols }` or a `TensorData` of rank 2), false
 * for a flat vector (a `TensorData` of rank 1 is a vector).
 */
export function isMatrixInput(value: unknown): value is MatrixInput {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value))
    return value.length > 0 && (Array.isArray(value[0]) || ArrayBuffer.isView(value[0]));
  if (isTensorData(value)) return !Array.isArray(value.shape) || value.shape.length !== 1;
  return 'rows' in value && 'cols' in value && 'data' in value;
}

/**
 * Turns a `TensorData` of shape `[rows, cols]` into `{ data, rows, cols }`; other values pass through.
 * A shape of another rank or one that does not match `data.length` is an error naming `argument.shape`.
 */
function fromTensorData(fn: string, argument: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !isTensorData(value))
    return value;
  const { shape, data } = value;
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((size) => Number.isInteger(size) && (size as number) >= 1)
  ) {
    invalidArgument(fn, `${argument}.shape`, '[rows, cols] with positive integers', shape);
  }
  const [rows, cols] = shape as [number, number];
  if (data == null || typeof data.length !== 'number' || data.length !== rows * cols) {
    invalidArgument(fn, `${argument}.data`, `of length shape[0] * shape[1] = ${rows * cols}`, data?.length);
  }
  return { data, rows, cols };
}

/**
 * Reads a vector argument that may come as a `TensorData` of shape `[n]` (then its `data`) or as an
 * array; anything else is returned unchanged for the caller's own checks.
 */
export function fromVectorInput(fn: string, argument: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !isTensorData(value))
    return value;
  const { shape, data } = value;
  if (!Array.isArray(shape) || shape.length !== 1 || data == null || data.length !== shape[0]) {
    invalidArgument(fn, `${argument}.shape`, `[n] with n = data.length`, shape);
  }
  return data;
}

/** Throws unless a matrix entry is a number: `null`, `'1'` and `true` would otherwise coerce to 0 / 1. */
function assertNumberEntry(fn: string, argument: string, entry: unknown, row: number, col: number): void {
  if (typeof entry !== 'number') {
    invalidArgument(fn, argument, `numbers (entry at row ${row}, column ${col} is ${typeof entry})`, entry);
  }
}

/** Reads a matrix, checking that it is rectangular, non-empty and finite. */
export function toDenseMatrix(fn: string, argument: string, input: unknown): DenseMatrix {
  const value = fromTensorData(fn, argument, input);
  if (value === null || typeof value !== 'object') {
    invalidArgument(fn, argument, 'a matrix (number[][] or { data, rows, cols })', value);
  }
  let data: Float64Array;
  let rows: number;
  let cols: number;
  if (Array.isArray(value)) {
    rows = value.length;
    if (rows === 0) invalidArgument(fn, argument, 'a non-empty matrix', value);
    const first = value[0] as ArrayLike<number>;
    if (first == null || typeof first !== 'object' || typeof first.length !== 'number') {
      invalidArgument(fn, argument, 'a matrix whose rows are arrays', first);
    }
    cols = first.length;
    if (cols === 0) invalidArgument(fn, argument, 'a matrix with at least one column', value);
    data = new Float64Array(rows * cols);
    for (let row = 0; row < rows; row++) {
      const values = value[row] as ArrayLike<number> | undefined;
      if (values == null || values.length !== cols) {
        invalidArgument(
          fn,
          argument,
          `a rectangular matrix (row 0 has ${cols} columns, row ${row} has ${values?.length ?? 'none'})`,
          values,
        );
      }
      for (let col = 0; col < cols; col++) {
        const entry = values[col];
        assertNumberEntry(fn, argument, entry, row, col);
        data[row * cols + col] = entry as number;
      }
    }
  } else {
    const matrix = value as Partial<MatrixData>;
    rows = matrix.rows as number;
    cols = matrix.cols as number;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      invalidArgument(fn, `${argument}.rows/cols`, 'positive integers', `${rows} x ${cols}`);
    }
    const source = matrix.data;
    if (source == null || source.length !== rows * cols) {
      invalidArgument(fn, `${argument}.data`, `of length rows * cols = ${rows * cols}`, source?.length);
    }
    if (!ArrayBuffer.isView(source)) {
      for (let index = 0; index < source.length; index++) {
        assertNumberEntry(fn, `${argument}.data`, source[index], Math.floor(index / cols), index % cols);
      }
    }
    data = source instanceof Float64Array ? source : Float64Array.from(source);
  }
  for (let index = 0; index < data.length; index++) {
    const entry = data[index] as number;
    if (!Number.isFinite(entry)) {
      invalidArgument(
        fn,
        argument,
        `finite numbers (entry at row ${Math.floor(index / cols)}, column ${index % cols} is not)`,
        entry,
      );
    }
  }
  return { data, rows, cols };
}

/**
 * Reads a 0/1 indicator matrix (multi-label targets or predictions). A `Uint8Array` given as
 * `{ data, rows, cols }` is used as is after validation: no copy of a large matrix.
 */
export function toIndicatorMatrix(fn: string, argument: string, input: unknown): IndicatorMatrix {
  const value = fromTensorData(fn, argument, input);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const matrix = value as Partial<MatrixData>;
    const { rows, cols, data: source } = matrix;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 1 || (cols as number) < 1) {
      invalidArgument(fn, `${argument}.rows/cols`, 'positive integers', `${rows} x ${cols}`);
    }
    const size = (rows as number) * (cols as number);
    if (source == null || source.length !== size) {
      invalidArgument(fn, `${argument}.data`, `of length rows * cols = ${size}`, source?.length);
    }
    const data = source instanceof Uint8Array ? source : new Uint8Array(size);
    for (let index = 0; index < size; index++) {
      const entry = source[index] as number;
      if (entry !== 0 && entry !== 1) notIndicator(fn, argument, index, cols as number, entry);
      data[index] = entry;
    }
    return { data, rows: rows as number, cols: cols as number };
  }
  const dense = toDenseMatrix(fn, argument, value);
  const data = new Uint8Array(dense.data.length);
  for (let index = 0; index < data.length; index++) {
    const entry = dense.data[index] as number;
    if (entry !== 0 && entry !== 1) notIndicator(fn, argument, index, dense.cols, entry);
    data[index] = entry;
  }
  return { data, rows: dense.rows, cols: dense.cols };
}

function notIndicator(fn: string, argument: string, index: number, cols: number, entry: unknown): never {
  return invalidArgument(
    fn,
    argument,
    `a 0/1 indicator matrix (entry at row ${Math.floor(index / cols)}, column ${index % cols} is not)`,
    entry,
  );
}

/** Reads a non-empty vector of finite scores (an array, a typed array or a `TensorData` of shape `[n]`). */
export function toScoreVector(fn: string, argument: string, input: unknown): Float64Array {
  const value = fromVectorInput(fn, argument, input);
  if (value == null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    invalidArgument(fn, argument, 'an array of numbers', value);
  }
  const source = value as ArrayLike<unknown>;
  if (source.length === 0) invalidArgument(fn, argument, 'a non-empty array', value);
  const scores = new Float64Array(source.length);
  for (let index = 0; index < source.length; index++) {
    const entry = source[index];
    if (typeof entry !== 'number' || !Number.isFinite(entry)) {
      invalidArgument(fn, argument, `finite numbers (entry ${index} is not)`, entry);
    }
    scores[index] = entry;
  }
  return scores;
}

/** Throws unless two lengths agree. */
export function assertSameLength(fn: string, argument: string, expected: number, actual: number): void {
  if (expected !== actual) {
    invalidArgument(fn, argument, `of the same length as yTrue (${expected})`, `length ${actual}`);
  }
}

/** Throws unless two matrices have the same shape. */
export function assertSameShape(
  fn: string,
  argument: string,
  expected: { rows: number; cols: number },
  actual: { rows: number; cols: number },
): void {
  if (expected.rows !== actual.rows || expected.cols !== actual.cols) {
    invalidArgument(
      fn,
      argument,
      `of the same shape as yTrue (${expected.rows} x ${expected.cols})`,
      `${actual.rows} x ${actual.cols}`,
    );
  }
}
