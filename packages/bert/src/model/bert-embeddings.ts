import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import type { DropoutContext } from './dropout.js';
import { embeddingLookup } from './embedding-lookup.js';
import { layerNorm } from './layer-norm.js';

/**
 * Word vectors of token ids, `[batch·sequence, hidden]`: rows of `embeddings.word_embeddings.weight`
 * (differentiable with respect to the table). Ids must be in range (the models check them).
 */
export function wordEmbeddings(
  parameters: ReadonlyMap<string, tf.Tensor>,
  inputIds: tf.Tensor2D,
): tf.Tensor2D {
  return embeddingLookup(
    parameters.get('embeddings.word_embeddings.weight') as tf.Tensor,
    tf.reshape(inputIds, [-1]),
  );
}

/**
 * The embedding step after the word lookup, as HF `BertEmbeddings` with `inputs_embeds`:
 * E = Dropout(LayerNorm(words + tokenType[types] + position[0..S))). `words` is `[batch·sequence, hidden]`
 * (looked-up rows, or soft-prompt vectors); returns `[batch·sequence, hidden]`. Run inside `tf.tidy`.
 */
export function embedWords(
  parameters: ReadonlyMap<string, tf.Tensor>,
  config: BertConfig,
  words: tf.Tensor,
  tokenTypeIds: tf.Tensor2D,
  dropout: DropoutContext,
): tf.Tensor2D {
  const get = (name: string): tf.Tensor => parameters.get(name) as tf.Tensor;
  const [batch, length] = tokenTypeIds.shape;
  const hiddenSize = config.hiddenSize;
  // Few segment types: a one-hot product (one fast matMul) beats a row gather of batch·length rows.
  // (int32 one-hot then cast: tfjs-wasm 4.22's OneHot writes int32 bits into float32 outputs.)
  const typeTable = get('embeddings.token_type_embeddings.weight');
  const types =
    config.typeVocabSize <= 16
      ? tf.matMul(
          tf.cast(tf.oneHot(tf.reshape(tokenTypeIds, [-1]), config.typeVocabSize), 'float32'),
          typeTable,
        )
      : embeddingLookup(typeTable, tf.reshape(tokenTypeIds, [-1]));
  const positions = tf.slice(get('embeddings.position_embeddings.weight'), [0, 0], [length, hiddenSize]);
  const summed = tf.reshape(
    tf.add(tf.reshape(tf.add(words, types), [batch, length, hiddenSize]), positions),
    [batch * length, hiddenSize],
  );
  return dropout.apply(
    layerNorm(
      summed,
      get('embeddings.LayerNorm.weight'),
      get('embeddings.LayerNorm.bias'),
      config.layerNormEps,
    ),
    config.hiddenDropoutProb,
  ) as tf.Tensor2D;
}
