import { invalidArgument, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * What a verbalizer receives for each note: the masked LM's outputs at the `[MASK]` position. The
 * hidden state is always there; the head transform and the vocabulary logits are computed on first
 * use (and cached), so a verbalizer that does not ask for logits never pays for the vocabulary
 * projection. Tensors belong to the caller's `tf.tidy` scope.
 *
 * @example
 * ```ts
 * const outputs = maskOutputsFromLogits(tf.randomNormal([2, 30522]) as tf.Tensor2D);
 * outputs.logits().shape; // [2, 30522]
 * ```
 */
export interface MaskOutputs {
  /** `[batch, hidden]`: the last hidden state at the mask. */
  readonly hiddenState: tf.Tensor2D;
  /** `[batch, hidden]`: the masked-LM head's transform (dense, activation, LayerNorm) of `hiddenState`. */
  transformed(): tf.Tensor2D;
  /** `[batch, vocab]`: the masked-LM logits at the mask. */
  logits(): tf.Tensor2D;
  /** Whether this is a training pass (dropout on; a verbalizer may behave differently). */
  readonly training: boolean;
}

/** Runs `compute` once, on first call. */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

/**
 * Mask outputs from a hidden state and the model's head parts (the transform and the decoder), each
 * computed lazily.
 *
 * @example
 * ```ts
 * const outputs = maskOutputsFromHidden(hidden, {
 *   transform: (h) => plm.transformMaskedLM(h) as tf.Tensor2D,
 *   decode: (t) => tf.add(tf.matMul(t, decoder.weight, false, true), decoder.bias) as tf.Tensor2D,
 * });
 * ```
 */
export function maskOutputsFromHidden(
  hiddenState: tf.Tensor2D,
  head: {
    readonly transform: (hidden: tf.Tensor2D) => tf.Tensor2D;
    readonly decode: (transformed: tf.Tensor2D) => tf.Tensor2D;
  },
  training = false,
): MaskOutputs {
  const transformed = once(() => head.transform(hiddenState));
  const logits = once(() => head.decode(transformed()));
  return { hiddenState, transformed, logits, training };
}

/**
 * Mask outputs that hold only vocabulary logits `[batch, vocab]` (for `processLogits`, calibration,
 * and tests on fixed logits); asking for the hidden state throws an `UnsupportedError`.
 *
 * @example
 * ```ts
 * const scores = verbalizer.processOutputs(maskOutputsFromLogits(logits));
 * ```
 */
export function maskOutputsFromLogits(logits: tf.Tensor2D, training = false): MaskOutputs {
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2)
    invalidArgument(
      'Verbalizer.processLogits',
      'logits',
      'a [batch, vocab] tensor',
      logits instanceof tf.Tensor ? `a tensor of shape [${logits.shape}]` : logits,
    );
  const missing = (): never => {
    throw new UnsupportedError({
      feature: 'hidden states from logits',
      message:
        'This verbalizer reads the hidden state at the mask, which vocabulary logits alone do not give: call processOutputs with the model outputs (PromptForClassification does)',
    });
  };
  return {
    get hiddenState(): tf.Tensor2D {
      return missing();
    },
    transformed: missing,
    logits: () => logits,
    training,
  };
}
