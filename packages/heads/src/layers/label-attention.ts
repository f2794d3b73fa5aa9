import { type ForwardOptions, invalidArgument, type LabelHead, type LabelHeadOutput } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkConfig,
  checkForwardOptions,
  checkHeadInputs,
  checkInitializerRange,
  checkLabels,
  checkRate,
  checkSeed,
  checkSize,
  createHeadParameters,
  HeadDropout,
  type HeadParameterSpec,
} from './head-parameters.js';

/**
 * Config of a {@link LabelAttention} head; everything but `labels` and `hiddenSize` has a default.
 *
 * @example
 * ```ts
 * const config: LabelAttentionConfig = { labels: codes, hiddenSize: 768, projectionSize: 512, seed: 1 };
 * ```
 */
export interface LabelAttentionConfig {
  readonly labels: readonly string[];
  /** d_h, the hidden size of the encoder states the head reads. */
  readonly hiddenSize: number;
  /** d_a, the width of the attention space Z (default `hiddenSize`; LAAT used 512 over 768-wide states). */
  readonly projectionSize?: number;
  /** Dropout rate on the input states H when training (default 0). */
  readonly dropout?: number;
  /** σ of the N(0, σ²) init of W, U and w (default 0.02, HF `initializer_range`); b starts at 0. */
  readonly initializerRange?: number;
  /** Seed of the weight init (weight k of {@link LabelAttention.parameterSpecs} draws from seed + k). */
  readonly seed?: number;
}

/**
 * The saved config of a {@link LabelAttention}: every option resolved, plus `headType: 'label_attention'`.
 *
 * @example
 * ```ts
 * const json: LabelAttentionJson = head.toJSON(); // { headType: 'label_attention', labels, hiddenSize, projectionSize, ... }
 * ```
 */
export interface LabelAttentionJson {
  readonly headType: 'label_attention';
  readonly labels: readonly string[];
  readonly hiddenSize: number;
  readonly projectionSize: number;
  readonly dropout: number;
  readonly initializerRange: number;
  readonly seed?: number;
}

/**
 * Options of one {@link LabelAttention} forward pass.
 *
 * @example
 * ```ts
 * const options: LabelAttentionForwardOptions = { training: true, dropoutSeed: step, outputLabelAttention: false };
 * ```
 */
export interface LabelAttentionForwardOptions extends ForwardOptions {
  /**
   * Return `labelAttention` `[batch, numLabels, sequence]` (default true). Turn it off in training to
   * save one `[numLabels, sequence]` copy per note.
   */
  readonly outputLabelAttention?: boolean;
}

/** What the padded positions' scores are shifted by before the softmax (then their weights are zeroed). */
const maskShift = 1e9;

/** The weight names of a {@link LabelAttention} (under the `label_attention.` prefix). */
export const labelAttentionWeightNames = {
  /** W `[hiddenSize, projectionSize]`. */
  projection: 'label_attention.first_linear.weight',
  /** Uᵀ `[projectionSize, numLabels]` (row l of U is label l's query). */
  queries: 'label_attention.second_linear.weight',
  /** wᵀ `[hiddenSize, numLabels]` (row l of w is label l's output vector). */
  output: 'label_attention.third_linear.weight',
  /** b `[numLabels]`. */
  outputBias: 'label_attention.third_linear.bias',
} as const;

/**
 * LAAT label attention (Vu et al. 2020; the LLM-ICD paper's eqs. 2–4), per note of the batch:
 *
 * - `Z = tanh(H W)`: `H` `[sequence, hiddenSize]`, `W` `[hiddenSize, projectionSize]`;
 * - `A = softmax(U Zᵀ)` over the positions, `U` `[numLabels, projectionSize]`: padded positions are
 *   shifted by −1e9 before a max-subtracted softmax and their weights then set to exactly 0, so a
 *   fully padded row attends nowhere (all zeros, no NaN) and no score can overflow `exp`;
 * - `V = A H` `[numLabels, hiddenSize]`; `logits_l = ⟨w_l, v_l⟩ + b_l`, `w` `[numLabels, hiddenSize]`.
 *
 * Weights (PLM-ICD's names; stored `[in, out]` like every linear weight of the project, so the
 * PyTorch-layout file shapes are PLM-ICD's `[out, in]`):
 * - `label_attention.first_linear.weight` `[hiddenSize, projectionSize]` = W;
 * - `label_attention.second_linear.weight` `[projectionSize, numLabels]` = Uᵀ;
 * - `label_attention.third_linear.weight` `[hiddenSize, numLabels]` = wᵀ;
 * - `label_attention.third_linear.bias` `[numLabels]` = b.
 *
 * Init: W, U, w ~ N(0, 0.02²) seeded by `seed`, b = 0. Long notes: encode the windows, join them with
 * {@link concatenateWindows} into one `[1, windows × windowLength, hidden]` sequence and its mask, and
 * the head attends over the whole note at once (PLM-ICD's segment pooling). Memory: one note at a time,
 * each `[numLabels, sequence]` step in its own tidy, never a `[batch, numLabels, sequence, ·]` tensor.
 * Measured at 8,000 labels × 3,000 tokens × hidden 128 (one `[labels, sequence]` matrix: 92 MiB;
 * `packages/heads/scripts/label-attention-memory.ts`): forward peak 208 MiB (219 MiB with the returned
 * attention), a gradient step 713 MiB.
 *
 * @example
 * ```ts
 * const head = new LabelAttention({ labels: ['I10', 'E11.9'], hiddenSize: 16, projectionSize: 8, seed: 1 });
 * const { logits, labelAttention } = head.forward(lastHiddenState, attentionMask);
 * // logits: [batch, 2]; labelAttention: [batch, 2, sequence], each row sums to 1 over real tokens
 * const copy = LabelAttention.fromJSON(head.toJSON(), head.weights); // same logits
 * ```
 */
export class LabelAttention implements LabelHead<tf.Tensor, tf.Variable> {
  readonly labels: readonly string[];
  readonly problemType = 'multi_label' as const;
  readonly hiddenSize: number;
  readonly projectionSize: number;
  readonly dropout: number;
  readonly initializerRange: number;
  readonly seed: number | undefined;
  readonly weights: ReadonlyMap<string, tf.Variable>;
  private disposed = false;

  /**
   * @param config the head's settings (see {@link LabelAttentionConfig}).
   * @param weights initial tensors by name (all of {@link parameterSpecs}, shapes checked; cloned);
   *   seeded random init when omitted.
   */
  constructor(config: LabelAttentionConfig, weights?: ReadonlyMap<string, tf.Tensor>) {
    const fn = 'LabelAttention';
    checkConfig(fn, config);
    this.labels = checkLabels(fn, config.labels);
    this.hiddenSize = checkSize(fn, 'hiddenSize', config.hiddenSize);
    this.projectionSize = checkSize(fn, 'projectionSize', config.projectionSize ?? this.hiddenSize);
    this.dropout = checkRate(fn, 'dropout', config.dropout ?? 0);
    this.initializerRange = checkInitializerRange(fn, config.initializerRange);
    this.seed = checkSeed(fn, config.seed);
    this.weights = createHeadParameters(fn, this.parameterSpecs(), {
      initial: weights,
      seed: this.seed,
      initializerRange: this.initializerRange,
    });
  }

  /** Rebuilds a head from {@link toJSON}'s config and, optionally, its weights (cloned). */
  static fromJSON(
    json: LabelAttentionJson | LabelAttentionConfig,
    weights?: ReadonlyMap<string, tf.Tensor>,
  ): LabelAttention {
    checkConfig('LabelAttention.fromJSON', json);
    const { headType, ...config } = json as LabelAttentionJson;
    if (headType !== undefined && headType !== 'label_attention') {
      invalidArgument('LabelAttention.fromJSON', 'json.headType', "'label_attention'", headType);
    }
    return new LabelAttention(config, weights);
  }

  /** Names, in-memory shapes and kinds of the weights, in a fixed order. */
  parameterSpecs(): HeadParameterSpec[] {
    const labels = this.labels.length;
    return [
      {
        name: labelAttentionWeightNames.projection,
        shape: [this.hiddenSize, this.projectionSize],
        kind: 'linear',
      },
      { name: labelAttentionWeightNames.queries, shape: [this.projectionSize, labels], kind: 'linear' },
      { name: labelAttentionWeightNames.output, shape: [this.hiddenSize, labels], kind: 'linear' },
      { name: labelAttentionWeightNames.outputBias, shape: [labels], kind: 'bias' },
    ];
  }

  /**
   * `[batch, sequence, hiddenSize]` states and their `[batch, sequence]` mask (1 = real token) →
   * `{ logits: [batch, numLabels], labelAttention: [batch, numLabels, sequence] }`. Pure (inside
   * `tf.tidy`); the caller owns the outputs.
   */
  forward(
    hiddenStates: tf.Tensor,
    attentionMask: tf.Tensor,
    options: LabelAttentionForwardOptions = {},
  ): LabelHeadOutput<tf.Tensor> {
    const fn = 'LabelAttention.forward';
    this.assertLive(fn);
    checkHeadInputs(fn, hiddenStates, attentionMask, this.hiddenSize);
    checkForwardOptions(fn, options);
    if (options.outputLabelAttention !== undefined && typeof options.outputLabelAttention !== 'boolean') {
      invalidArgument(fn, 'options.outputLabelAttention', 'a boolean', options.outputLabelAttention);
    }
    const dropout = new HeadDropout(options.training ?? false, options.dropoutSeed);
    const outputLabelAttention = options.outputLabelAttention ?? true;
    const [logits, labelAttention] = tf.tidy(() =>
      attend(this, dropout.apply(hiddenStates, this.dropout), attentionMask, outputLabelAttention),
    );
    return labelAttention === undefined
      ? { logits: logits as tf.Tensor }
      : { logits: logits as tf.Tensor, labelAttention };
  }

  /** The config, every option resolved (`LabelAttention.fromJSON(head.toJSON(), head.weights)` copies the head). */
  toJSON(): LabelAttentionJson {
    return {
      headType: 'label_attention',
      labels: [...this.labels],
      hiddenSize: this.hiddenSize,
      projectionSize: this.projectionSize,
      dropout: this.dropout,
      initializerRange: this.initializerRange,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }

  /** Frees every weight. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.weights.values()) variable.dispose();
  }

  /** True once {@link dispose} ran. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertLive(fn: string): void {
    if (this.disposed)
      invalidArgument(fn, 'this', 'a head that has not been disposed', 'a disposed LabelAttention');
  }
}

/**
 * Eqs. 2–4 over checked inputs: `[logits]`, or `[logits, labelAttention]` with `outputLabelAttention`. One note at a time, each in its own `tf.tidy`, so only that note's
 * `[numLabels, sequence]` matrices are alive at once.
 */
export function attend(
  head: LabelAttention,
  hiddenStates: tf.Tensor,
  attentionMask: tf.Tensor,
  outputLabelAttention: boolean,
): tf.Tensor[] {
  const [batch, sequence] = hiddenStates.shape as [number, number, number];
  const W = head.weights.get(labelAttentionWeightNames.projection) as tf.Variable;
  const Ut = head.weights.get(labelAttentionWeightNames.queries) as tf.Variable;
  const wt = head.weights.get(labelAttentionWeightNames.output) as tf.Variable;
  const b = head.weights.get(labelAttentionWeightNames.outputBias) as tf.Variable;
  return tf.tidy(() => {
    const mask = tf.cast(tf.greater(attentionMask, 0), 'float32');
    const w = tf.transpose(wt); // [labels, hidden]
    const U = tf.transpose(Ut); // [labels, projection]: plain matMuls below are the fastest kind
    const logits: tf.Tensor[] = [];
    const attentions: tf.Tensor[] = [];
    for (let note = 0; note < batch; note++) {
      const [logit, attention] = tf.tidy(() => {
        const H = tf.reshape(tf.slice(hiddenStates, [note, 0, 0], [1, -1, -1]), [sequence, head.hiddenSize]);
        const m = tf.reshape(tf.slice(mask, [note, 0], [1, -1]), [1, sequence]);
        const Zt = tf.transpose(tf.tanh(tf.matMul(H, W))); // Zᵀ [projection, sequence]   eq. 2
        // Each [labels, sequence] step in its own tidy, so that outside a gradient tape at most two such
        // matrices are alive at once (the tape keeps what backprop needs either way).
        const shift = tf.mul(tf.sub(m, 1), maskShift); // 0 for real tokens, −1e9 for padding
        const shifted = tf.tidy(() => tf.add(tf.matMul(U, Zt), shift)); // U Zᵀ [labels, sequence], padding masked
        // tf.softmax subtracts each row's maximum before exp on every tfjs backend (one kernel, no
        // [labels, sequence] temporaries), so no score overflows. Padding gets exp(≈ −1e9 − max) = 0
        // exactly in a row with a real token. A fully padded note (every row: the mask is the same for
        // all labels) would get uniform rows, so V and A are scaled by anyReal = max(m) = 0: it attends
        // nowhere (A = 0, V = 0, logits = b), without NaN.
        const probabilities = tf.softmax(shifted); //                          eq. 3: softmax over positions
        shifted.dispose();
        const anyReal = tf.max(m);
        const V = tf.mul(tf.matMul(probabilities, H), anyReal); // [labels, hidden]   eq. 3: V = A H
        const logit = tf.add(tf.sum(tf.mul(V, w), 1), b); // ⟨w_l, v_l⟩ + b_l   eq. 4
        if (!outputLabelAttention) return [logit, tf.zeros([0])];
        const A = tf.mul(probabilities, anyReal);
        probabilities.dispose();
        return [logit, A];
      });
      logits.push(logit);
      if (outputLabelAttention) attentions.push(attention);
      else attention.dispose();
    }
    // One note (the usual long-note case): a reshape, not a second copy of the attention.
    const join = (parts: tf.Tensor[]) => {
      const first = parts[0] as tf.Tensor;
      // reshape, not expandDims: @icd/train registers Reshape's gradient.
      return parts.length === 1 ? tf.reshape(first, [1, ...first.shape]) : tf.stack(parts);
    };
    return outputLabelAttention ? [join(logits), join(attentions)] : [join(logits)];
  });
}
