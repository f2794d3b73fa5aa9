import type { EncoderInput, EncoderTensorInput, TokenBatch } from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';

/** The three `[batch, sequence]` int32 tensors a BERT forward pass reads. */
export interface InputTensors {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
  readonly tokenTypeIds: tf.Tensor2D;
}

function toMatrix(
  fn: string,
  argument: string,
  batch: TokenBatch,
): { data: Int32Array; shape: [number, number] } {
  if (Array.isArray(batch)) {
    const rows = batch as readonly (readonly number[])[];
    const width = rows[0]?.length ?? 0;
    const data = new Int32Array(rows.length * width);
    rows.forEach((row, rowIndex) => {
      if (!Array.isArray(row) || row.length !== width) {
        invalidArgument(
          fn,
          argument,
          `a rectangular [batch, sequence] batch (row 0 has ${width} tokens)`,
          row,
        );
      }
      for (let column = 0; column < width; column++) {
        const value = row[column] as number;
        if (!Number.isInteger(value))
          invalidArgument(fn, `${argument}[${rowIndex}][${column}]`, 'an integer', value);
        data[rowIndex * width + column] = value;
      }
    });
    return { data, shape: [rows.length, width] };
  }
  const matrix = batch as { data?: ArrayLike<number>; shape?: readonly number[] };
  if (!matrix?.data || !matrix.shape || matrix.shape.length !== 2) {
    invalidArgument(fn, argument, 'number[][] or TensorData with a [batch, sequence] shape', batch);
  }
  const [rows, width] = matrix.shape as [number, number];
  if (matrix.data.length !== rows * width) {
    invalidArgument(
      fn,
      `${argument}.data`,
      `${rows * width} values for shape [${rows}, ${width}]`,
      matrix.data.length,
    );
  }
  const data = Int32Array.from(matrix.data);
  // Int32Array.from truncates 2.5 to 2 and turns NaN into 0: refuse what does not survive the cast.
  if (!(matrix.data instanceof Int32Array)) {
    for (let index = 0; index < data.length; index++) {
      if (data[index] !== matrix.data[index])
        invalidArgument(fn, `${argument}.data[${index}]`, 'an int32 integer', matrix.data[index]);
    }
  }
  return { data, shape: [rows, width] };
}

function checkRange(fn: string, argument: string, data: Int32Array, limit: number): void {
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number;
    if (value < 0 || value >= limit) invalidArgument(fn, argument, `ids in [0, ${limit - 1}]`, value);
  }
}

function checkTensor(
  fn: string,
  argument: string,
  tensor: tf.Tensor,
  shape?: readonly number[],
): tf.Tensor2D {
  if (tensor.rank !== 2) invalidArgument(fn, argument, 'a rank-2 [batch, sequence] tensor', tensor.shape);
  if (shape && (tensor.shape[0] !== shape[0] || tensor.shape[1] !== shape[1])) {
    invalidArgument(fn, argument, `shape [${shape.join(', ')}] like inputIds`, tensor.shape);
  }
  return (tensor.dtype === 'int32' ? tensor.clone() : tf.cast(tensor, 'int32')) as tf.Tensor2D;
}

/**
 * Converts plain-array, {@link TokenBatch} or tensor inputs to int32 tensors (new tensors the caller
 * disposes), checking shapes, id ranges (for non-tensor input) and the sequence length.
 */
export function toInputTensors(
  fn: string,
  input: EncoderInput | EncoderTensorInput<tf.Tensor>,
  config: BertConfig,
): InputTensors {
  if (typeof input !== 'object' || input === null || input.inputIds === undefined) {
    invalidArgument(fn, 'input', 'an object with inputIds', input);
  }
  let inputIds: tf.Tensor2D;
  if (input.inputIds instanceof tf.Tensor) {
    inputIds = checkTensor(fn, 'inputIds', input.inputIds);
  } else {
    const ids = toMatrix(fn, 'inputIds', input.inputIds as TokenBatch);
    checkRange(fn, 'inputIds', ids.data, config.vocabSize);
    inputIds = tf.tensor2d(ids.data, ids.shape, 'int32');
  }
  const [batch, length] = inputIds.shape;
  try {
    if (batch === 0 || length === 0) invalidArgument(fn, 'inputIds', 'a non-empty batch', inputIds.shape);
    if (length > config.maxPositionEmbeddings) {
      invalidArgument(fn, 'inputIds', `rows of at most ${config.maxPositionEmbeddings} tokens`, length);
    }
    const secondary = (
      argument: 'attentionMask' | 'tokenTypeIds',
      fill: number,
      limit: number,
    ): tf.Tensor2D => {
      const given = input[argument];
      if (given === undefined || given === null)
        return tf.fill([batch, length], fill, 'int32') as tf.Tensor2D;
      if (given instanceof tf.Tensor) return checkTensor(fn, argument, given, [batch, length]);
      const matrix = toMatrix(fn, argument, given as TokenBatch);
      if (matrix.shape[0] !== batch || matrix.shape[1] !== length) {
        invalidArgument(fn, argument, `shape [${batch}, ${length}] like inputIds`, matrix.shape);
      }
      checkRange(fn, argument, matrix.data, limit);
      return tf.tensor2d(matrix.data, matrix.shape, 'int32');
    };
    const attentionMask = secondary('attentionMask', 1, 2);
    try {
      return { inputIds, attentionMask, tokenTypeIds: secondary('tokenTypeIds', 0, config.typeVocabSize) };
    } catch (error) {
      attentionMask.dispose();
      throw error;
    }
  } catch (error) {
    inputIds.dispose();
    throw error;
  }
}
