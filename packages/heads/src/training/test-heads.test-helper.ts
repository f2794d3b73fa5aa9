import type { ForwardOptions, LabelHead, LabelHeadOutput } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';

let count = 0;

/**
 * A small label-attention head written against the `LabelHead` contract only (tests of training, coding
 * and saving must not depend on one layer class): A = softmax over unmasked positions of H·U,
 * logits_l = Σ_t A_lt (h_t · w_l) + b_l, with dropout on H when training.
 */
export class TestAttentionHead implements LabelHead<tf.Tensor, tf.Variable> {
  readonly problemType: 'multi_label' | 'single_label';
  readonly weights: Map<string, tf.Variable>;
  readonly hiddenSize: number;
  readonly seed: number;

  constructor(
    readonly labels: readonly string[],
    options: {
      hiddenSize: number;
      seed?: number;
      problemType?: 'multi_label' | 'single_label';
      weights?: ReadonlyMap<string, tf.Tensor>;
    },
  ) {
    this.hiddenSize = options.hiddenSize;
    this.seed = options.seed ?? 1;
    this.problemType = options.problemType ?? 'multi_label';
    const scope = `test_head_${++count}`;
    const initial = (name: string, make: () => tf.Tensor) => {
      const value = tf.tidy(() => options.weights?.get(name)?.clone() ?? make());
      const variable = tf.variable(value, true, `${scope}/${name}`);
      value.dispose();
      return variable;
    };
    const n = labels.length;
    const h = this.hiddenSize;
    this.weights = new Map([
      [
        'attention.weight',
        initial('attention.weight', () => tf.randomNormal([h, n], 0, 0.3, 'float32', this.seed)),
      ],
      [
        'classifier.weight',
        initial('classifier.weight', () => tf.randomNormal([h, n], 0, 0.3, 'float32', this.seed + 1)),
      ],
      ['classifier.bias', initial('classifier.bias', () => tf.zeros([n]))],
    ]);
  }

  forward(
    hiddenStates: tf.Tensor,
    attentionMask: tf.Tensor,
    options: ForwardOptions = {},
  ): LabelHeadOutput<tf.Tensor> {
    return tf.tidy(() => {
      let h = hiddenStates as tf.Tensor3D;
      if (options.training) h = tf.dropout(h, 0.1, undefined, options.dropoutSeed) as tf.Tensor3D;
      const [b, t] = h.shape;
      const flat = tf.reshape(h, [b * t, this.hiddenSize]) as tf.Tensor2D;
      const scores = tf.transpose(
        tf.reshape(tf.matMul(flat, this.weight('attention.weight')), [b, t, -1]),
        [0, 2, 1],
      );
      const masked = tf.add(scores, tf.mul(tf.sub(1, tf.expandDims(attentionMask, 1)), -1e9));
      const attention = tf.softmax(masked);
      const perToken = tf.transpose(
        tf.reshape(tf.matMul(flat, this.weight('classifier.weight')), [b, t, -1]),
        [0, 2, 1],
      );
      const logits = tf.add(tf.sum(tf.mul(attention, perToken), 2), this.weight('classifier.bias'));
      return { logits, labelAttention: attention };
    });
  }

  toJSON() {
    return {
      headType: 'test_attention',
      labels: [...this.labels],
      hiddenSize: this.hiddenSize,
      seed: this.seed,
      problemType: this.problemType,
    };
  }

  static fromJSON(json: ReturnType<TestAttentionHead['toJSON']>, weights?: ReadonlyMap<string, tf.Tensor>) {
    return new TestAttentionHead(json.labels, { ...json, ...(weights ? { weights } : {}) });
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }

  private weight(name: string): tf.Tensor2D {
    return this.weights.get(name) as unknown as tf.Tensor2D;
  }
}

/**
 * A head whose attention is set by hand: label l attends to the sequence positions `positions[l]`
 * (equally), and its logit is `logits[l]`. For evidence tests.
 */
export class FixedAttentionHead implements LabelHead<tf.Tensor, tf.Variable> {
  readonly problemType = 'multi_label' as const;
  readonly weights = new Map<string, tf.Variable>();

  constructor(
    readonly labels: readonly string[],
    private readonly logitValues: readonly number[],
    private readonly positions: (row: number) => readonly (readonly number[])[],
  ) {}

  forward(hiddenStates: tf.Tensor, _mask: tf.Tensor): LabelHeadOutput<tf.Tensor> {
    const [b, t] = hiddenStates.shape as [number, number, number];
    const attention = new Float32Array(b * this.labels.length * t);
    for (let row = 0; row < b; row++) {
      this.positions(row).forEach((list, label) => {
        for (const p of list) attention[(row * this.labels.length + label) * t + p] = 1 / list.length;
      });
    }
    return {
      logits: tf.tile(tf.tensor2d([[...this.logitValues]]), [b, 1]),
      labelAttention: tf.tensor3d(attention, [b, this.labels.length, t]),
    };
  }

  dispose(): void {}
}
