import { invalidArgument } from '@icd/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * What a template with soft tokens needs from the masked LM: its input (word) embedding table
 * `[vocab, hidden]`, as HF's `get_input_embeddings()`.
 *
 * @example
 * ```ts
 * const source: InputEmbeddingSource = plm; // a BertForMaskedLM
 * source.getInputEmbeddings().shape; // [vocabSize, hiddenSize]
 * ```
 */
export interface InputEmbeddingSource {
  getInputEmbeddings(): tf.Tensor;
}

/** The embedding table of `source`, checked to be `[vocab, hidden]`. */
export function inputEmbeddingsOf(fn: string, source: InputEmbeddingSource | undefined): tf.Tensor2D {
  if (!source || typeof source.getInputEmbeddings !== 'function')
    invalidArgument(fn, 'model', 'a model with getInputEmbeddings() (e.g. a BertForMaskedLM)', source);
  const table = source.getInputEmbeddings();
  if (table.rank !== 2) invalidArgument(fn, 'model', 'an input embedding table of rank 2', table.shape);
  return table as tf.Tensor2D;
}
