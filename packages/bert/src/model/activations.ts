import * as tf from '@tensorflow/tfjs-core';
import type { BertActivation } from '../config/bert-config.js';
import { gelu } from './gelu.js';

const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);

/**
 * Applies a HuggingFace `ACT2FN` activation elementwise.
 *
 * - `gelu` / `gelu_python`: the exact form x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016),
 *   what PyTorch's `nn.functional.gelu` and HF's default compute (see `gelu` for the erf used on wasm).
 * - `gelu_new` / `gelu_pytorch_tanh` / `gelu_fast`: the tanh approximation
 *   0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) used by the original Google BERT code.
 * - `relu`, `silu` / `swish` (x·σ(x)), `tanh`.
 *
 * @example
 * ```ts
 * applyActivation(tf.tensor1d([-1, 0, 1]), 'gelu'); // ≈ [-0.1587, 0, 0.8413]
 * ```
 */
export function applyActivation(x: tf.Tensor, activation: BertActivation): tf.Tensor {
  return tf.tidy(() => {
    switch (activation) {
      case 'gelu':
      case 'gelu_python':
        return gelu(x);
      case 'gelu_new':
      case 'gelu_pytorch_tanh':
      case 'gelu_fast': {
        const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), sqrtTwoOverPi);
        return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
      }
      case 'relu':
        return tf.relu(x);
      case 'silu':
      case 'swish':
        return tf.mul(x, tf.sigmoid(x));
      case 'tanh':
        return tf.tanh(x);
    }
  });
}
