/**
 * A dense n-dimensional array in row-major order, independent of any tensor library.
 *
 * Contracts in `@icd/core` exchange `TensorData` so that one consumer (a keyword extractor, a service)
 * works with every engine: TensorFlow.js tensors, ONNX Runtime tensors and plain arrays all convert to it
 * without copying more than once. `data.length` equals the product of `shape`.
 *
 * @example
 * ```ts
 * const hidden: TensorData = { data: new Float32Array(2 * 3), shape: [1, 2, 3] };
 * ```
 */
export interface TensorData<TArray extends ArrayLike<number> = Float32Array> {
  readonly data: TArray;
  readonly shape: readonly number[];
}

/** A batch of token ids (or masks) as nested rows, or as a row-major `[batch, sequence]` matrix. */
export type TokenBatch = readonly (readonly number[])[] | TensorData<Int32Array>;
