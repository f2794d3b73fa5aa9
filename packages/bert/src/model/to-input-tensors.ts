import type { EncoderInput, EncoderTensorInput, TokenBatch } from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';

/**
 * The tensors a BERT forward pass reads: `[batch, sequence]` int32 ids (or `[batch, sequence, hidden]`
 * float32 `inputsEmbeds`), mask and segment ids.
 */
export interface InputTensors {
  readonly inputIds?: tf.Tensor2D;
  readonly inputsEmbeds?: tf.Tensor3D;
  readonly attentionMask: tf.Tensor2D;
  readonly tokenTypeIds: tf.Tensor2D;
  readonly batch: number;
  readonly length: number;
}

const int32Limit = 2 ** 31;

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
        // Checked before the Int32Array store, which would wrap 2**32 to 0 ([PAD]) silently.
        if (!Number.isInteger(value) || value < -int32Limit || value >= int32Limit)
          invalidArgument(fn, `${argument}[${rowIndex}][${column}]`, 'an int32 integer', value);
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
  if (![rows, width].every((size) => Number.isInteger(size) && size >= 0)) {
    invalidArgument(fn, `${argument}.shape`, 'two non-negative integers [batch, sequence]', matrix.shape);
  }
  if (matrix.data.length !== rows * width) {
    invalidArgument(
      fn,
      `${argument}.data`,
      `${rows * width} values for shape [${rows}, ${width}]`,
      matrix.data.length,
    );
  }
  return { data: toInt32(fn, `${argument}.data`, matrix.data), shape: [rows, width] };
}

/**
 * Int32 copy of `values`, refusing what does not survive the cast (2.5, NaN, 2**32). BigInt64 data (what
 * transformers.js and ONNX Runtime give as int64 ids) is read value by value.
 */
function toInt32(fn: string, argument: string, values: ArrayLike<number>): Int32Array {
  const wide = values as unknown;
  if (wide instanceof BigInt64Array || wide instanceof BigUint64Array) {
    const data = new Int32Array(wide.length);
    for (let index = 0; index < wide.length; index++) {
      const value = wide[index] as bigint;
      if (value < -BigInt(int32Limit) || value >= BigInt(int32Limit))
        invalidArgument(fn, `${argument}[${index}]`, 'an int32 integer', String(value));
      data[index] = Number(value);
    }
    return data;
  }
  const data = Int32Array.from(values);
  if (!(values instanceof Int32Array)) {
    for (let index = 0; index < data.length; index++) {
      if (data[index] !== values[index])
        invalidArgument(fn, `${argument}[${index}]`, 'an int32 integer', values[index]);
    }
  }
  return data;
}

function checkRange(fn: string, argument: string, data: Int32Array, limit: number, expected: string): void {
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number;
    if (value < 0 || value >= limit) invalidArgument(fn, argument, expected, value);
  }
}

/**
 * An int32 copy of a `[batch, sequence]` tensor whose values are checked to lie in `[0, limit)`: float
 * tensors must hold integers (2.5 is refused, not truncated), and int32 ones are range-checked on their
 * values, so an out-of-vocabulary id fails here rather than giving
 * garbage on wasm or a raw GatherV2 error on cpu.
 */
function checkTensor(
  fn: string,
  argument: string,
  tensor: tf.Tensor,
  limit: number,
  expected: string,
  shape?: readonly number[],
): tf.Tensor2D {
  if (tensor.isDisposed) invalidArgument(fn, argument, 'a tensor that has not been disposed', 'disposed');
  if (tensor.rank !== 2) invalidArgument(fn, argument, 'a rank-2 [batch, sequence] tensor', tensor.shape);
  if (shape && (tensor.shape[0] !== shape[0] || tensor.shape[1] !== shape[1])) {
    invalidArgument(fn, argument, `shape [${shape.join(', ')}] like the input`, tensor.shape);
  }
  if (tensor.dtype === 'int32' || tensor.dtype === 'bool') {
    // The values are checked where they are: a tensor made from ids still holds them on the CPU (also on
    // WebGPU, until its first use uploads it), so this reads no GPU buffer, which WebGPU in Node cannot
    // do synchronously at all.
    if (tensor.size > 0) checkRange(fn, argument, tensor.dataSync() as Int32Array, limit, expected);
    return (tensor.dtype === 'int32' ? tensor.clone() : tf.cast(tensor, 'int32')) as tf.Tensor2D;
  }
  if (tensor.dtype !== 'float32') invalidArgument(fn, argument, 'an int32 or float32 tensor', tensor.dtype);
  const data = toInt32(fn, argument, tensor.dataSync() as Float32Array);
  checkRange(fn, argument, data, limit, expected);
  return tf.tensor2d(data, tensor.shape as [number, number], 'int32');
}

function checkEmbeds(fn: string, tensor: unknown, config: BertConfig): tf.Tensor3D {
  if (!(tensor instanceof tf.Tensor)) invalidArgument(fn, 'inputsEmbeds', 'a tfjs tensor', tensor);
  if (tensor.isDisposed)
    invalidArgument(fn, 'inputsEmbeds', 'a tensor that has not been disposed', 'disposed');
  if (tensor.rank !== 3 || tensor.shape[2] !== config.hiddenSize) {
    invalidArgument(fn, 'inputsEmbeds', `a [batch, sequence, ${config.hiddenSize}] tensor`, tensor.shape);
  }
  if (tensor.dtype !== 'float32') invalidArgument(fn, 'inputsEmbeds', 'a float32 tensor', tensor.dtype);
  return tensor.clone() as tf.Tensor3D;
}

/**
 * Converts plain-array, {@link TokenBatch} or tensor inputs to tensors (new tensors the caller
 * disposes), checking shapes, the sequence length and value ranges: ids in `[0, vocabSize)`, mask
 * values 0 or 1, token types in `[0, typeVocabSize)`. Exactly one of `inputIds` and `inputsEmbeds`.
 */
export function toInputTensors(
  fn: string,
  input: EncoderInput | EncoderTensorInput<tf.Tensor>,
  config: BertConfig,
): InputTensors {
  if (typeof input !== 'object' || input === null) {
    invalidArgument(fn, 'input', 'an object with inputIds or inputsEmbeds', input);
  }
  const given = input as { inputIds?: unknown; inputsEmbeds?: unknown };
  const hasIds = given.inputIds !== undefined && given.inputIds !== null;
  const hasEmbeds = given.inputsEmbeds !== undefined && given.inputsEmbeds !== null;
  if (hasIds === hasEmbeds) {
    invalidArgument(fn, 'input', 'exactly one of inputIds and inputsEmbeds', hasIds ? 'both' : 'neither');
  }
  const vocabulary = `ids in [0, ${config.vocabSize - 1}]`;
  let inputIds: tf.Tensor2D | undefined;
  let inputsEmbeds: tf.Tensor3D | undefined;
  if (hasEmbeds) {
    inputsEmbeds = checkEmbeds(fn, given.inputsEmbeds, config);
  } else if (given.inputIds instanceof tf.Tensor) {
    inputIds = checkTensor(fn, 'inputIds', given.inputIds, config.vocabSize, vocabulary);
  } else {
    const ids = toMatrix(fn, 'inputIds', given.inputIds as TokenBatch);
    checkRange(fn, 'inputIds', ids.data, config.vocabSize, vocabulary);
    inputIds = tf.tensor2d(ids.data, ids.shape, 'int32');
  }
  const primary = (inputIds ?? inputsEmbeds) as tf.Tensor;
  const [batch, length] = primary.shape as [number, number];
  const argument = inputIds ? 'inputIds' : 'inputsEmbeds';
  const created: tf.Tensor[] = [primary];
  try {
    if (batch === 0 || length === 0) invalidArgument(fn, argument, 'a non-empty batch', primary.shape);
    if (length > config.maxPositionEmbeddings) {
      invalidArgument(fn, argument, `rows of at most ${config.maxPositionEmbeddings} tokens`, length);
    }
    const secondary = (
      name: 'attentionMask' | 'tokenTypeIds',
      fill: number,
      limit: number,
      expected: string,
    ): tf.Tensor2D => {
      const value = input[name];
      let tensor: tf.Tensor2D;
      if (value === undefined || value === null) {
        tensor = tf.fill([batch, length], fill, 'int32') as tf.Tensor2D;
      } else if (value instanceof tf.Tensor) {
        tensor = checkTensor(fn, name, value, limit, expected, [batch, length]);
      } else {
        const matrix = toMatrix(fn, name, value as TokenBatch);
        if (matrix.shape[0] !== batch || matrix.shape[1] !== length) {
          invalidArgument(fn, name, `shape [${batch}, ${length}] like the input`, matrix.shape);
        }
        checkRange(fn, name, matrix.data, limit, expected);
        tensor = tf.tensor2d(matrix.data, matrix.shape, 'int32');
      }
      created.push(tensor);
      return tensor;
    };
    const attentionMask = secondary('attentionMask', 1, 2, 'values 0 (padding) or 1 (token)');
    const tokenTypeIds = secondary(
      'tokenTypeIds',
      0,
      config.typeVocabSize,
      `segment ids in [0, ${config.typeVocabSize - 1}] (typeVocabSize ${config.typeVocabSize})`,
    );
    return {
      ...(inputIds ? { inputIds } : {}),
      ...(inputsEmbeds ? { inputsEmbeds } : {}),
      attentionMask,
      tokenTypeIds,
      batch,
      length,
    };
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}

/**
 * Checks the options of a forward pass: an object (or undefined), `training` and the `output*` flags
 * booleans, `dropoutSeed` a finite number, so `{ training: "no" }` does not silently turn dropout on.
 */
export function checkForwardOptions(fn: string, options: unknown): void {
  if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
  const given = options as Record<string, unknown>;
  for (const name of ['training', 'outputHiddenStates', 'outputAttentions']) {
    const value = given[name];
    if (value !== undefined && typeof value !== 'boolean') invalidArgument(fn, name, 'a boolean', value);
  }
  const seed = given.dropoutSeed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed)))
    invalidArgument(fn, 'dropoutSeed', 'a finite number', seed);
}

/** Checks a `[..., hidden]` float32 tensor given to the masked-LM head. */
export function checkHiddenStates(fn: string, tensor: unknown, hiddenSize: number): void {
  if (!(tensor instanceof tf.Tensor)) invalidArgument(fn, 'hiddenStates', 'a tfjs tensor', tensor);
  if (tensor.isDisposed)
    invalidArgument(fn, 'hiddenStates', 'a tensor that has not been disposed', 'disposed');
  if (tensor.rank < 1 || tensor.shape[tensor.rank - 1] !== hiddenSize)
    invalidArgument(fn, 'hiddenStates', `a [..., ${hiddenSize}] tensor`, tensor.shape);
  if (tensor.dtype !== 'float32') invalidArgument(fn, 'hiddenStates', 'a float32 tensor', tensor.dtype);
}
