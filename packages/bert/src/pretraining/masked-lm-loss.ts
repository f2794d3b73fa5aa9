import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean cross-entropy of masked-token predictions, −(1/n) Σᵢ log softmax(zᵢ)[yᵢ], as PyTorch's
 * `CrossEntropyLoss` over the positions whose label is not -100. `logits` are `[n, vocab]` at the labelled
 * positions only; log-softmax subtracts the row maximum first, so large logits do not overflow.
 *
 * @example
 * ```ts
 * const loss = maskedLMLoss(tf.tensor2d([[0, 0]]), tf.tensor1d([1], 'int32')); // ln 2
 * ```
 */
export function maskedLMLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const [count, vocabSize] = logits.shape;
    const logProbabilities = tf.reshape(tf.logSoftmax(logits), [-1]);
    // Pick log p(yᵢ) by flat index i·V + yᵢ: a gather, not a [n, V] one-hot product.
    const picks = tf.add(tf.mul(tf.range(0, count, 1, 'int32'), tf.scalar(vocabSize, 'int32')), labels);
    return tf.neg(tf.mean(tf.gather(logProbabilities, picks))) as tf.Scalar;
  });
}

/** Number of rows of `logits` whose arg-max equals the label. */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')));
  const value = correct.dataSync()[0]!;
  correct.dispose();
  return value;
}

/** Flat positions and labels of a batch's labelled (label ≠ -100) tokens, as typed arrays. */
export function labelledPositions(labels: Int32Array): { positions: Int32Array; targets: Int32Array } {
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== -100) count++;
  const positions = new Int32Array(count);
  const targets = new Int32Array(count);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === -100) continue;
    positions[next] = i;
    targets[next++] = labels[i]!;
  }
  return { positions, targets };
}
