import type * as tf from '@tensorflow/tfjs-core';

/**
 * The batch tensors a masked-LM step feeds the model, `[batch, sequence]` int32.
 *
 * @example
 * ```ts
 * const inputs: MaskedLMInputTensors = {
 *   inputIds: tf.tensor2d(batch.inputIds, [batch.batchSize, batch.sequenceLength], 'int32'),
 *   attentionMask: tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.sequenceLength], 'int32'),
 * };
 * const logits = pretrainable.logitsAt(inputs, positions, { training: true });
 * ```
 */
export interface MaskedLMInputTensors {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
}

/**
 * Options of one forward pass during pretraining.
 *
 * @example
 * ```ts
 * const options: MaskedLMPassOptions = { training: true, dropoutSeed: step };
 * pretrainable.logitsAt(inputs, positions, options);
 * ```
 */
export interface MaskedLMPassOptions {
  /** Dropout on (training) or off (evaluation). */
  readonly training: boolean;
  /** Seed of this pass's dropout masks, so a resumed run repeats them. */
  readonly dropoutSeed?: number;
}

/**
 * What the pretraining loop needs from a masked language model: its trainable variables by HuggingFace
 * parameter name, and the MLM logits at chosen positions only. Computing the vocabulary projection at
 * the ~15% masked positions rather than all of them is what keeps a step affordable: for a mini BERT
 * (256 hidden, 30,522 words) the full `[batch·sequence, vocab]` head costs more than the encoder.
 *
 * `bertForMaskedLMPretrainable(model)` adapts `@icd/bert`'s `BertForMaskedLM`; tests use a tiny model.
 *
 * @example
 * ```ts
 * const pretrainable: PretrainableMaskedLM = {
 *   weights, vocabSize: 100,
 *   logitsAt: (inputs, positions, options) => myHead(gatherRows(myEncoder(inputs, options), positions)),
 * };
 * ```
 */
export interface PretrainableMaskedLM {
  /** Trainable parameters by HuggingFace name; the optimizer updates exactly these. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  readonly vocabSize: number;
  /**
   * `[positions.length, vocabSize]` logits at `positions`, flat indices `row · sequenceLength + column`
   * into the batch. Called inside the trainer's `tf.tidy` / gradient tape.
   */
  logitsAt(inputs: MaskedLMInputTensors, positions: tf.Tensor1D, options: MaskedLMPassOptions): tf.Tensor2D;
  /** Writes a loadable model folder (HF `config.json` + `model.safetensors`); optional. */
  save?(directory: string): Promise<void>;
}
