import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { BertForMaskedLM } from '../model/bert-for-masked-lm.js';
import type {
  MaskedLMInputTensors,
  MaskedLMPassOptions,
  PretrainableMaskedLM,
} from './pretrainable-masked-lm.js';

/**
 * Adapts a {@link BertForMaskedLM} for {@link MaskedLMTrainer}: the encoder runs on the whole batch, but
 * the MLM head (transform, LayerNorm and the tied `[hidden, vocab]` decoder, the most expensive matmul of
 * a small BERT) runs only on the rows of the masked positions. The pooler, which the MLM loss never
 * reaches, is left out of the trained weights (PyTorch skips parameters without gradients too).
 *
 * @example
 * ```ts
 * const model = await BertForMaskedLM.fromPretrained('models/my-bert');
 * const trainer = new MaskedLMTrainer(bertForMaskedLMPretrainable(model), data, options);
 * ```
 */
export function bertForMaskedLMPretrainable(model: BertForMaskedLM): PretrainableMaskedLM {
  if (!(model instanceof BertForMaskedLM)) {
    invalidArgument('bertForMaskedLMPretrainable', 'model', 'a BertForMaskedLM', model);
  }
  const hiddenSize = model.config.hiddenSize;
  const weights = new Map([...model.weights].filter(([name]) => !name.startsWith('bert.pooler.')));
  return {
    weights,
    vocabSize: model.config.vocabSize,
    logitsAt(
      inputs: MaskedLMInputTensors,
      positions: tf.Tensor1D,
      options: MaskedLMPassOptions,
    ): tf.Tensor2D {
      return tf.tidy(() => {
        const { lastHiddenState } = model.bert.forward(inputs, {
          training: options.training,
          ...(options.dropoutSeed === undefined ? {} : { dropoutSeed: options.dropoutSeed }),
        });
        const rows = tf.gather(tf.reshape(lastHiddenState, [-1, hiddenSize]), positions);
        return model.applyHead(rows) as tf.Tensor2D;
      });
    },
    // `save(dir)` exists on `@icd/bert/node`'s BertForMaskedLM (the main entry has no file system).
    ...('save' in model && typeof model.save === 'function'
      ? {
          save: (directory: string) =>
            (model.save as (directory: string) => Promise<void>).call(model, directory),
        }
      : {}),
  };
}
