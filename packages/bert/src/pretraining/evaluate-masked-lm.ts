import { assertInteger, invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { batchSequences } from './batch-sequences.js';
import { MaskedLMCollator, type MaskedLMCollatorOptions } from './masked-lm-collator.js';
import { countCorrect, labelledPositions, maskedLMLoss } from './masked-lm-loss.js';
import type { PretrainableMaskedLM } from './pretrainable-masked-lm.js';
import type { TokenSequence } from './token-sequence.js';

/**
 * Options of {@link evaluateMaskedLM}.
 *
 * @example
 * ```ts
 * const options: EvaluateMaskedLMOptions = { maskTokenId: 103, padTokenId: 0, seed: 7, batchSize: 16, maxBatches: 50 };
 * await evaluateMaskedLM(pretrainable, heldOutSequences, options);
 * ```
 */
export interface EvaluateMaskedLMOptions extends Omit<MaskedLMCollatorOptions, 'vocabSize'> {
  /** Sequences per forward pass. Default 8. */
  readonly batchSize?: number;
  /** Stop after this many batches (a quick estimate on a large held-out set). */
  readonly maxBatches?: number;
}

/**
 * Held-out masked-LM figures.
 *
 * @example
 * ```ts
 * const result: MaskedLMEvaluation = await evaluateMaskedLM(pretrainable, heldOutSequences, { maskTokenId: 103, padTokenId: 0 });
 * console.log(result.loss, result.accuracy, result.maskedTokens);
 * ```
 */
export interface MaskedLMEvaluation {
  /** Mean cross-entropy per masked token (nats); perplexity is `Math.exp(loss)`. */
  readonly loss: number;
  /** Share of masked tokens whose arg-max prediction is the original token. */
  readonly accuracy: number;
  readonly maskedTokens: number;
  readonly sequences: number;
}

/**
 * Masked-token loss and accuracy of a model on held-out sequences, dropout off. Masks come from a fresh
 * collator with the given `seed` (default 0), so two evaluations of the same text (before and after
 * training) score the very same masked positions. The loss is averaged per masked token over the
 * whole set (not per batch).
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluateMaskedLM(pretrainable, heldOutSequences, { maskTokenId: 103, padTokenId: 0 });
 * ```
 */
export async function evaluateMaskedLM(
  model: PretrainableMaskedLM,
  sequences: AsyncIterable<TokenSequence> | Iterable<TokenSequence>,
  options: EvaluateMaskedLMOptions,
): Promise<MaskedLMEvaluation> {
  if (typeof model?.logitsAt !== 'function' || !Number.isInteger(model.vocabSize)) {
    invalidArgument(
      'evaluateMaskedLM',
      'model',
      'a PretrainableMaskedLM (wrap a BertForMaskedLM with bertForMaskedLMPretrainable(model))',
      model,
    );
  }
  const batchSize = options.batchSize ?? 8;
  assertInteger('evaluateMaskedLM', 'batchSize', batchSize, { min: 1 });
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  if (options.maxBatches !== undefined)
    assertInteger('evaluateMaskedLM', 'maxBatches', maxBatches, { min: 1 });
  const collator = new MaskedLMCollator({ ...options, vocabSize: model.vocabSize, seed: options.seed ?? 0 });
  let lossSum = 0;
  let correct = 0;
  let maskedTokens = 0;
  let count = 0;
  let batches = 0;
  for await (const group of batchSequences(sequences, batchSize)) {
    if (batches++ >= maxBatches) break;
    count += group.length;
    const batch = collator.collate(group);
    const { positions, targets } = labelledPositions(batch.labels);
    if (positions.length === 0) continue;
    const shape: [number, number] = [batch.batchSize, batch.sequenceLength];
    const [loss, logits, targetTensor] = tf.tidy(() => {
      const inputs = {
        inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
        attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
      };
      const labels = tf.tensor1d(targets, 'int32');
      const scores = model.logitsAt(inputs, tf.tensor1d(positions, 'int32'), { training: false });
      return [maskedLMLoss(scores, labels), scores, labels] as const;
    });
    lossSum += (await loss.data())[0]! * positions.length;
    correct += countCorrect(logits, targetTensor);
    maskedTokens += positions.length;
    tf.dispose([loss, logits, targetTensor]);
  }
  return {
    loss: maskedTokens > 0 ? lossSum / maskedTokens : Number.NaN,
    accuracy: maskedTokens > 0 ? correct / maskedTokens : Number.NaN,
    maskedTokens,
    sequences: count,
  };
}
