import type { EncoderInput, TensorData, TokenBatch } from '@icd/core';
import { invalidArgument } from '@icd/core';

/**
 * An encoder input given as embeddings instead of token ids (soft prompts): `inputsEmbeds` is
 * `[batch, sequence, hiddenSize]` float32; masks and segment ids as in `EncoderInput`.
 *
 * @example
 * ```ts
 * const input: EmbeddingsInput = { inputsEmbeds: { data: new Float32Array(1 * 3 * 32), shape: [1, 3, 32] } };
 * ```
 */
export interface EmbeddingsInput {
  readonly inputsEmbeds: TensorData;
  readonly attentionMask?: TokenBatch;
  readonly tokenTypeIds?: TokenBatch;
}

/** A `[rows, columns]` int64 matrix ready for an onnxruntime tensor. */
export interface Int64Matrix {
  readonly data: BigInt64Array;
  readonly rows: number;
  readonly columns: number;
}

/** Limits the values of one batch must respect. */
interface Bounds {
  readonly max: number;
  readonly expected: string;
}

/**
 * Converts a `TokenBatch` (nested rows or a row-major `TensorData<Int32Array>`) to an int64 matrix,
 * checking that it is rectangular and that every value is an integer in `[0, bounds.max)`.
 */
export function toInt64Matrix(fn: string, argument: string, batch: TokenBatch, bounds: Bounds): Int64Matrix {
  let rows: number;
  let columns: number;
  let values: ArrayLike<number>;
  if (Array.isArray(batch)) {
    rows = batch.length;
    columns = rows > 0 ? (batch[0] as readonly number[]).length : 0;
    const flat = new Array<number>(rows * columns);
    batch.forEach((row: readonly number[], index: number) => {
      if (!Array.isArray(row) || row.length !== columns) {
        invalidArgument(fn, `${argument}[${index}]`, `a row of ${columns} numbers (rows of one length)`, row);
      }
      for (let column = 0; column < columns; column++) flat[index * columns + column] = row[column] as number;
    });
    values = flat;
  } else {
    const data = batch as TensorData<Int32Array>;
    if (
      data?.shape?.length !== 2 ||
      !data.data ||
      data.data.length !== (data.shape[0] ?? 0) * (data.shape[1] ?? 0)
    ) {
      invalidArgument(fn, argument, 'number[][] or a [batch, sequence] TensorData<Int32Array>', batch);
    }
    [rows, columns] = data.shape as [number, number];
    values = data.data;
  }
  if (rows === 0 || columns === 0)
    invalidArgument(fn, argument, 'a non-empty [batch, sequence] batch', batch);
  const result = new BigInt64Array(rows * columns);
  for (let index = 0; index < result.length; index++) {
    const value = values[index] as number;
    if (!Number.isInteger(value) || value < 0 || value >= bounds.max) {
      invalidArgument(
        fn,
        `${argument}[${Math.floor(index / columns)}][${index % columns}]`,
        bounds.expected,
        value,
      );
    }
    result[index] = BigInt(value);
  }
  return { data: result, rows, columns };
}

function filled(rows: number, columns: number, value: bigint): Int64Matrix {
  return { data: new BigInt64Array(rows * columns).fill(value), rows, columns };
}

/** The checked int64 feeds of one call: ids (or embeddings), mask and segment ids, all `[rows, columns]`. */
export interface EncoderFeeds {
  readonly rows: number;
  readonly columns: number;
  readonly inputIds?: Int64Matrix;
  readonly inputsEmbeds?: TensorData;
  readonly attentionMask: Int64Matrix;
  readonly tokenTypeIds: Int64Matrix;
}

/** Checks an encoder input against the model's sizes and fills the default mask (ones) and segments (zeros). */
export function toEncoderFeeds(
  fn: string,
  input: EncoderInput | EmbeddingsInput,
  sizes: { vocabSize: number; typeVocabSize: number; maxPositionEmbeddings: number; hiddenSize: number },
): EncoderFeeds {
  if (typeof input !== 'object' || input === null) {
    invalidArgument(fn, 'input', '{ inputIds } or { inputsEmbeds }', input);
  }
  let rows: number;
  let columns: number;
  let inputIds: Int64Matrix | undefined;
  let inputsEmbeds: TensorData | undefined;
  if ('inputsEmbeds' in input) {
    inputsEmbeds = input.inputsEmbeds;
    const shape = inputsEmbeds?.shape;
    if (
      !(inputsEmbeds?.data instanceof Float32Array) ||
      shape?.length !== 3 ||
      shape[2] !== sizes.hiddenSize ||
      inputsEmbeds.data.length !== (shape[0] as number) * (shape[1] as number) * sizes.hiddenSize ||
      (shape[0] as number) < 1 ||
      (shape[1] as number) < 1
    ) {
      invalidArgument(
        fn,
        'inputsEmbeds',
        `a [batch, sequence, ${sizes.hiddenSize}] float32 TensorData`,
        inputsEmbeds,
      );
    }
    [rows, columns] = shape as [number, number];
  } else {
    inputIds = toInt64Matrix(fn, 'inputIds', input.inputIds, {
      max: sizes.vocabSize,
      expected: `a token id in [0, ${sizes.vocabSize - 1}]`,
    });
    ({ rows, columns } = inputIds);
  }
  if (columns > sizes.maxPositionEmbeddings) {
    invalidArgument(
      fn,
      'inputIds',
      `at most ${sizes.maxPositionEmbeddings} tokens per sequence (maxPositionEmbeddings)`,
      columns,
    );
  }
  const matching = (
    argument: string,
    batch: TokenBatch | undefined,
    bounds: Bounds,
    fill: bigint,
  ): Int64Matrix => {
    if (batch === undefined) return filled(rows, columns, fill);
    const matrix = toInt64Matrix(fn, argument, batch, bounds);
    if (matrix.rows !== rows || matrix.columns !== columns) {
      invalidArgument(
        fn,
        argument,
        `a [${rows}, ${columns}] batch like the input`,
        `[${matrix.rows}, ${matrix.columns}]`,
      );
    }
    return matrix;
  };
  return {
    rows,
    columns,
    ...(inputIds ? { inputIds } : {}),
    ...(inputsEmbeds ? { inputsEmbeds } : {}),
    attentionMask: matching('attentionMask', input.attentionMask, { max: 2, expected: '0 or 1' }, 1n),
    tokenTypeIds: matching(
      'tokenTypeIds',
      input.tokenTypeIds,
      { max: sizes.typeVocabSize, expected: `a segment id in [0, ${sizes.typeVocabSize - 1}]` },
      0n,
    ),
  };
}
