import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean softmax cross-entropy of class logits `[batch, classes]` against class indices `[batch]`
 * (PyTorch `CrossEntropyLoss`), written with ops whose gradients `@icd/train` registers.
 *
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(tf.tensor2d([[2, 0], [0, 2]]), Int32Array.of(0, 1)); // ≈ 0.127
 * ```
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const [batch, classes] = logits.shape;
    const shifted = tf.sub(logits, tf.max(logits, -1, true));
    const logNormalizer = tf.log(tf.sum(tf.exp(shifted), -1, true));
    const logProbabilities = tf.sub(shifted, logNormalizer);
    const oneHot = new Float32Array(batch * classes);
    targets.forEach((target, row) => {
      oneHot[row * classes + target] = 1;
    });
    return tf.neg(
      tf.div(tf.sum(tf.mul(logProbabilities, tf.tensor2d(oneHot, [batch, classes]))), batch),
    ) as tf.Scalar;
  });
}

/**
 * Mean binary cross-entropy with logits over every (note, class) cell (PyTorch
 * `BCEWithLogitsLoss`): max(x, 0) − x·y + log(1 + e^(−|x|)).
 *
 * @example
 * ```ts
 * const loss = sigmoidBinaryCrossEntropy(tf.tensor2d([[0, 0]]), Float32Array.of(1, 0)); // ln 2
 * ```
 */
export function sigmoidBinaryCrossEntropy(logits: tf.Tensor2D, targets: Float32Array): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.tensor2d(targets, logits.shape);
    // max(x, 0) as (x + |x|) / 2: the same values, and the gradient σ(x) − y also at x = 0 exactly
    // (tf.maximum's gradient there is 1, which would give 1 − y; a zero bias makes x = 0 common).
    const positive = tf.div(tf.add(logits, tf.abs(logits)), 2);
    const softplus = tf.log(tf.add(1, tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(tf.add(tf.sub(positive, tf.mul(logits, y)), softplus)) as tf.Scalar;
  });
}
