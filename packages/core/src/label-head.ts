import type { ForwardOptions } from './encoder.js';

/**
 * A classifier over an encoder's hidden states that scores every label of a label space: label attention,
 * knowledge injection, a pooled linear layer. `TTensor` is the tensor library's type.
 *
 * `forward` maps `[batch, sequence, hidden]` states (and the `[batch, sequence]` attention mask, so
 * padding never receives attention) to `[batch, numLabels]` logits; multi-label heads train them with
 * sigmoid + binary cross-entropy, single-label heads with softmax + cross-entropy. `TVariable` is the
 * library's trainable-variable type (`tf.Variable`); like every trainable piece of the project (see
 * AGENTS.md) a head is plain tensor ops over its named `weights`, and `dispose()` frees them.
 *
 * @example
 * ```ts
 * const { logits } = head.forward(output.lastHiddenState, attentionMask, { training: true });
 * // logits: [batch, head.labels.length]
 * ```
 */
export interface LabelHead<TTensor, TVariable extends TTensor = TTensor> {
  readonly labels: readonly string[];
  readonly problemType: 'multi_label' | 'single_label';
  /** Trainable parameters by HuggingFace-style name (e.g. `classifier.weight`, `label_attention.weight`). */
  readonly weights: ReadonlyMap<string, TVariable>;
  forward(hiddenStates: TTensor, attentionMask: TTensor, options?: ForwardOptions): LabelHeadOutput<TTensor>;
  /** Frees every weight. Calling it twice is harmless. */
  dispose(): void;
}

/** Outputs of a {@link LabelHead}. */
export interface LabelHeadOutput<TTensor> {
  /** `[batch, numLabels]` scores before sigmoid / softmax. */
  readonly logits: TTensor;
  /** `[batch, numLabels, sequence]` attention of each label over the tokens, for heads that have one. */
  readonly labelAttention?: TTensor;
}
