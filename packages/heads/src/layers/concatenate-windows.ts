import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One long note as a single sequence: the hidden states of its windows joined along the positions,
 * and their attention masks joined the same way.
 *
 * @example
 * ```ts
 * const { hiddenStates, attentionMask }: WindowSequence = concatenateWindows([first, second], [maskA, maskB]);
 * ```
 */
export interface WindowSequence {
  /** `[batch, Σ windowLength, hidden]`. */
  readonly hiddenStates: tf.Tensor3D;
  /** `[batch, Σ windowLength]` float32, 1 for real tokens. */
  readonly attentionMask: tf.Tensor2D;
}

type MaskInput = tf.Tensor | readonly number[] | readonly (readonly number[])[];

/**
 * Joins the encoder outputs of consecutive windows of the same notes into one sequence per note
 * (PLM-ICD's segment pooling), so a {@link LabelAttention} attends over a whole 3,000-token note at once.
 * `states[k]` is window k: `[batch, windowLength_k, hidden]`, or `[windowLength_k, hidden]` for one
 * note; `masks[k]` its `[batch, windowLength_k]` (or `[windowLength_k]`) mask, a tensor or plain arrays.
 * Padding inside a window (a short last window) stays masked, wherever it ends up in the sequence; to
 * count the shared tokens of overlapping windows (a stride) once, zero them in all windows but one.
 * Position `p` of the result is position `p − offset_k` of window k, `offset_k` the summed lengths of
 * the windows before it. The caller owns (disposes) the result; the inputs are left alone.
 *
 * @example
 * ```ts
 * // Windows of one note encoded as a batch: lastHiddenState [3, 512, h], mask [3, 512].
 * const windows = tf.unstack(lastHiddenState); // three [512, h]
 * const { hiddenStates, attentionMask } = concatenateWindows(windows, maskRows); // [1, 1536, h], [1, 1536]
 * const { logits } = head.forward(hiddenStates, attentionMask);
 * ```
 */
export function concatenateWindows(
  states: readonly tf.Tensor[],
  masks: readonly MaskInput[],
): WindowSequence {
  const fn = 'concatenateWindows';
  if (!Array.isArray(states) || states.length === 0) {
    invalidArgument(fn, 'states', 'a non-empty array of [batch, windowLength, hidden] tensors', states);
  }
  if (!Array.isArray(masks) || masks.length !== states.length) {
    invalidArgument(fn, 'masks', `an array of ${states.length} masks, one per window`, masks);
  }
  const first = states[0] as tf.Tensor;
  const rank = first instanceof tf.Tensor ? first.rank : 0;
  states.forEach((state, k) => {
    if (!(state instanceof tf.Tensor) || state.isDisposed || (state.rank !== 2 && state.rank !== 3)) {
      invalidArgument(
        fn,
        `states[${k}]`,
        'a live [batch, windowLength, hidden] or [windowLength, hidden] tensor',
        state,
      );
    }
    const expected = rank === 3 ? [first.shape[0], first.shape[2]] : [first.shape[1]];
    const got = state.rank === 3 ? [state.shape[0], state.shape[2]] : [state.shape[1]];
    if (state.rank !== rank || expected.some((size, i) => size !== got[i])) {
      invalidArgument(
        fn,
        `states[${k}]`,
        `a tensor of the same rank, batch and hidden size as states[0] ([${first.shape.join(', ')}])`,
        `shape [${state.shape.join(', ')}]`,
      );
    }
  });
  return tf.tidy(() => {
    const batched = states.map((state) => (rank === 2 ? tf.expandDims(state, 0) : state));
    const maskTensors = masks.map((mask, k) => {
      const state = batched[k] as tf.Tensor;
      const shape: [number, number] = [state.shape[0] as number, state.shape[1] as number];
      const tensor =
        mask instanceof tf.Tensor
          ? (() => {
              if (mask.isDisposed) invalidArgument(fn, `masks[${k}]`, 'a live tensor', mask);
              return mask;
            })()
          : tf.tensor(mask as number[] | number[][]);
      if (
        tensor.size !== shape[0] * shape[1] ||
        (tensor.rank === 1 && shape[0] !== 1) ||
        (tensor.rank !== 1 && (tensor.rank !== 2 || tensor.shape[1] !== shape[1]))
      ) {
        invalidArgument(
          fn,
          `masks[${k}]`,
          `a [${shape.join(', ')}] mask`,
          `shape [${tensor.shape.join(', ')}]`,
        );
      }
      return tf.cast(tf.reshape(tensor, shape), 'float32');
    });
    return {
      hiddenStates: tf.concat(batched, 1) as tf.Tensor3D,
      attentionMask: tf.concat(maskTensors, 1) as tf.Tensor2D,
    };
  });
}

/**
 * The windows of ONE note, encoded as a batch (`[windows, windowLength, hidden]` and its
 * `[windows, windowLength]` mask), as a single `[1, windows × windowLength, hidden]` sequence: a
 * reshape, no copy. The same as {@link concatenateWindows} over the unstacked windows.
 *
 * @example
 * ```ts
 * const { hiddenStates, attentionMask } = windowsAsSequence(lastHiddenState, windowMask); // [1, 3 × 512, h]
 * ```
 */
export function windowsAsSequence(hiddenStates: tf.Tensor, attentionMask: tf.Tensor): WindowSequence {
  const fn = 'windowsAsSequence';
  if (!(hiddenStates instanceof tf.Tensor) || hiddenStates.isDisposed || hiddenStates.rank !== 3) {
    invalidArgument(fn, 'hiddenStates', 'a live [windows, windowLength, hidden] tensor', hiddenStates);
  }
  const [windows, length, hidden] = hiddenStates.shape as [number, number, number];
  if (
    !(attentionMask instanceof tf.Tensor) ||
    attentionMask.isDisposed ||
    attentionMask.rank !== 2 ||
    attentionMask.shape[0] !== windows ||
    attentionMask.shape[1] !== length
  ) {
    invalidArgument(fn, 'attentionMask', `a live [${windows}, ${length}] tensor`, attentionMask);
  }
  return tf.tidy(() => ({
    hiddenStates: tf.reshape(hiddenStates, [1, windows * length, hidden]) as tf.Tensor3D,
    attentionMask: tf.reshape(tf.cast(attentionMask, 'float32'), [1, windows * length]) as tf.Tensor2D,
  }));
}
