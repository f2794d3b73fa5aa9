import { invalidArgument } from '@icd/core';
import { deriveSeed, type Objective, RandomGenerator } from '@icd/train';
import * as tf from '@tensorflow/tfjs-core';
import { MaskedLMCollator } from './masked-lm-collator.js';
import { labelledPositions, maskedLMLoss } from './masked-lm-loss.js';
import type { PretrainableMaskedLM } from './pretrainable-masked-lm.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';
import type { TokenSequence } from './token-sequence.js';

/**
 * The masked-LM objective for `@icd/train`'s `Trainer`: each micro-batch of sequences is masked by
 * `collator` with a generator seeded from the micro-batch's own seed (so a resumed run draws the very
 * same masks without saving generator state), the model scores the masked positions only, and the
 * loss is the mean cross-entropy over masked tokens, with `items` = masked tokens (so gradient
 * accumulation weighs micro-batches by their masked tokens, as HF Trainer ≥ 4.46) and `tokens` =
 * non-padding tokens (the throughput figure). Dropout is seeded from the same micro-batch seed. Registers
 * the wasm training kernels (`registerWasmTrainingKernels`; other backends are unaffected).
 *
 * @example
 * ```ts
 * const collator = new MaskedLMCollator({ maskTokenId: 103, padTokenId: 0, vocabSize: 30522 });
 * const trainer = new Trainer({
 *   batches: (epoch) => batchSequences(sequencesOf(epoch), 8),
 *   objective: maskedLMObjective(pretrainable, collator),
 *   groups: [{ name: 'model', parameters: pretrainable.weights, optimizer: new AdamW(pretrainable.weights) }],
 *   totalSteps: 1000,
 * });
 * ```
 */
export function maskedLMObjective(
  model: PretrainableMaskedLM,
  collator: MaskedLMCollator,
): Objective<readonly TokenSequence[]> {
  if (typeof model?.logitsAt !== 'function') {
    invalidArgument('maskedLMObjective', 'model', 'a PretrainableMaskedLM (weights Map and logitsAt)', model);
  }
  if (!(collator instanceof MaskedLMCollator)) {
    invalidArgument('maskedLMObjective', 'collator', 'a MaskedLMCollator', collator);
  }
  // Without them, backpropagation on tfjs-wasm takes its ~20× slower transposed-matmul path.
  registerWasmTrainingKernels();
  return (sequences, { training, seed }) => {
    // Masks and dropout both derive from the micro-batch seed, through different streams.
    const batch = collator.collate(sequences, new RandomGenerator(deriveSeed(seed, 0)));
    let tokens = 0;
    for (const value of batch.attentionMask) tokens += value;
    const { positions, targets } = labelledPositions(batch.labels);
    if (positions.length === 0) return { loss: tf.scalar(0), items: 0, tokens };
    const shape: [number, number] = [batch.batchSize, batch.sequenceLength];
    const inputs = {
      inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
      attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
    };
    const logits = model.logitsAt(inputs, tf.tensor1d(positions, 'int32'), { training, dropoutSeed: seed });
    return { loss: maskedLMLoss(logits, tf.tensor1d(targets, 'int32')), items: positions.length, tokens };
  };
}
