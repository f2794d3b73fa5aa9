import { gelu } from '@icd/bert';
import {
  assertOneOf,
  type ForwardOptions,
  invalidArgument,
  type LabelHead,
  type LabelHeadOutput,
} from '@icd/core';
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

/** How {@link ClsHead} pools `[batch, sequence, hidden]` states into one vector per note. */
export type ClsPooling = 'cls' | 'mean';
/** The activation of {@link ClsHead}'s MLP hidden layer. */
export type ClsActivation = 'tanh' | 'gelu';

/**
 * Config of a {@link ClsHead}; everything but `labels` and `hiddenSize` has a default.
 *
 * @example
 * ```ts
 * const config: ClsHeadConfig = { labels: ['I10', 'E11.9'], hiddenSize: 768, pooling: 'mean', classifier: 'mlp' };
 * ```
 */
export interface ClsHeadConfig {
  readonly labels: readonly string[];
  /** Hidden size of the encoder states the head reads. */
  readonly hiddenSize: number;
  /** `'cls'` (default): the first position's state; `'mean'`: the mean over unmasked positions. */
  readonly pooling?: ClsPooling;
  /** `'multi_label'` (default, sigmoid + BCE) or `'single_label'` (softmax + cross-entropy). */
  readonly problemType?: 'multi_label' | 'single_label';
  /** `'linear'` (default): one dense layer; `'mlp'`: dense → activation → dropout → dense. */
  readonly classifier?: 'linear' | 'mlp';
  /** Width of the MLP hidden layer (default `hiddenSize`); only with `classifier: 'mlp'`. */
  readonly intermediateSize?: number;
  /** Activation of the MLP hidden layer (default `'tanh'`, as HF's classification heads). */
  readonly activation?: ClsActivation;
  /** Dropout rate on the pooled vector and the MLP hidden layer when training (default 0.1). */
  readonly dropout?: number;
  /** σ of the N(0, σ²) weight init (default 0.02, HF `initializer_range`); biases start at 0. */
  readonly initializerRange?: number;
  /** Seed of the weight init (spec k draws from seed + k); random when omitted. */
  readonly seed?: number;
}

/**
 * The saved config of a {@link ClsHead}: every option resolved, plus `headType: 'cls'`.
 *
 * @example
 * ```ts
 * const json: ClsHeadJson = head.toJSON(); // { headType: 'cls', labels, hiddenSize, pooling: 'cls', ... }
 * ```
 */
export interface ClsHeadJson {
  readonly headType: 'cls';
  readonly labels: readonly string[];
  readonly hiddenSize: number;
  readonly pooling: ClsPooling;
  readonly problemType: 'multi_label' | 'single_label';
  readonly classifier: 'linear' | 'mlp';
  /** Present with `classifier: 'mlp'` only. */
  readonly intermediateSize?: number;
  readonly activation: ClsActivation;
  readonly dropout: number;
  readonly initializerRange: number;
  readonly seed?: number;
}

/**
 * The [CLS] fine-tuning baseline (HF `BertForSequenceClassification` / DistilBERT's MLP variant): pool
 * the encoder's `[batch, sequence, hidden]` states into `[batch, hidden]` (`'cls'`: position 0; `'mean'`:
 * the mean over positions whose mask is 1, a fully padded row pooling to zeros), apply dropout, then
 *
 * - `classifier: 'linear'`: `logits = pooled · classifier.weight + classifier.bias`;
 * - `classifier: 'mlp'`: `logits = dropout(act(pooled · pre_classifier.weight + pre_classifier.bias)) ·
 *   classifier.weight + classifier.bias`, act = tanh or gelu (exact erf form).
 *
 * Weights (stored `[in, out]`, see {@link HeadParameterSpec}):
 * - `pre_classifier.weight` `[hiddenSize, intermediateSize]`, `pre_classifier.bias` `[intermediateSize]` (mlp only);
 * - `classifier.weight` `[hiddenSize | intermediateSize, numLabels]`, `classifier.bias` `[numLabels]`.
 *
 * Init: weights ~ N(0, 0.02²) (`initializerRange`), seeded by `seed`; biases 0. Dropout masks follow
 * `ForwardOptions.dropoutSeed` (site k of a pass uses `dropoutSeed · 7919 + k`, as `@icd/bert`).
 *
 * @example
 * ```ts
 * const head = new ClsHead({ labels: ['I10', 'E11.9'], hiddenSize: 16, pooling: 'mean', seed: 1 });
 * const { logits } = head.forward(lastHiddenState, attentionMask, { training: true, dropoutSeed: 3 });
 * // logits: [batch, 2]
 * const copy = ClsHead.fromJSON(head.toJSON(), head.weights); // same logits
 * ```
 */
export class ClsHead implements LabelHead<tf.Tensor, tf.Variable> {
  readonly labels: readonly string[];
  readonly problemType: 'multi_label' | 'single_label';
  readonly hiddenSize: number;
  readonly pooling: ClsPooling;
  readonly classifier: 'linear' | 'mlp';
  readonly intermediateSize: number;
  readonly activation: ClsActivation;
  readonly dropout: number;
  readonly initializerRange: number;
  readonly seed: number | undefined;
  readonly weights: ReadonlyMap<string, tf.Variable>;
  private disposed = false;

  /**
   * @param config the head's settings (see {@link ClsHeadConfig}).
   * @param weights initial tensors by name (all of {@link parameterSpecs}, shapes checked; cloned), e.g.
   *   a loaded checkpoint; seeded random init when omitted.
   */
  constructor(config: ClsHeadConfig, weights?: ReadonlyMap<string, tf.Tensor>) {
    const fn = 'ClsHead';
    checkConfig(fn, config);
    this.labels = checkLabels(fn, config.labels);
    this.hiddenSize = checkSize(fn, 'hiddenSize', config.hiddenSize);
    this.pooling = config.pooling ?? 'cls';
    assertOneOf(fn, 'pooling', this.pooling, ['cls', 'mean'] as const);
    this.problemType = config.problemType ?? 'multi_label';
    assertOneOf(fn, 'problemType', this.problemType, ['multi_label', 'single_label'] as const);
    this.classifier = config.classifier ?? 'linear';
    assertOneOf(fn, 'classifier', this.classifier, ['linear', 'mlp'] as const);
    if (this.classifier === 'linear' && config.intermediateSize !== undefined) {
      invalidArgument(
        fn,
        'intermediateSize',
        "to be omitted unless classifier is 'mlp'",
        config.intermediateSize,
      );
    }
    this.intermediateSize = checkSize(fn, 'intermediateSize', config.intermediateSize ?? this.hiddenSize);
    this.activation = config.activation ?? 'tanh';
    assertOneOf(fn, 'activation', this.activation, ['tanh', 'gelu'] as const);
    this.dropout = checkRate(fn, 'dropout', config.dropout ?? 0.1);
    this.initializerRange = checkInitializerRange(fn, config.initializerRange);
    this.seed = checkSeed(fn, config.seed);
    this.weights = createHeadParameters(fn, this.parameterSpecs(), {
      initial: weights,
      seed: this.seed,
      initializerRange: this.initializerRange,
    });
  }

  /** Rebuilds a head from {@link toJSON}'s config and, optionally, its weights (cloned). */
  static fromJSON(json: ClsHeadJson | ClsHeadConfig, weights?: ReadonlyMap<string, tf.Tensor>): ClsHead {
    checkConfig('ClsHead.fromJSON', json);
    const { headType, ...config } = json as ClsHeadJson;
    if (headType !== undefined && headType !== 'cls') {
      invalidArgument('ClsHead.fromJSON', 'json.headType', "'cls'", headType);
    }
    return new ClsHead(config, weights);
  }

  /** Names, in-memory shapes and kinds of the weights, in a fixed order. */
  parameterSpecs(): HeadParameterSpec[] {
    const labels = this.labels.length;
    if (this.classifier === 'linear') {
      return [
        { name: 'classifier.weight', shape: [this.hiddenSize, labels], kind: 'linear' },
        { name: 'classifier.bias', shape: [labels], kind: 'bias' },
      ];
    }
    return [
      { name: 'pre_classifier.weight', shape: [this.hiddenSize, this.intermediateSize], kind: 'linear' },
      { name: 'pre_classifier.bias', shape: [this.intermediateSize], kind: 'bias' },
      { name: 'classifier.weight', shape: [this.intermediateSize, labels], kind: 'linear' },
      { name: 'classifier.bias', shape: [labels], kind: 'bias' },
    ];
  }

  /**
   * `[batch, sequence, hiddenSize]` states and their `[batch, sequence]` mask → `{ logits: [batch,
   * numLabels] }`. Pure (inside `tf.tidy`); the caller owns the logits.
   */
  forward(
    hiddenStates: tf.Tensor,
    attentionMask: tf.Tensor,
    options: ForwardOptions = {},
  ): LabelHeadOutput<tf.Tensor> {
    const fn = 'ClsHead.forward';
    this.assertLive(fn);
    checkHeadInputs(fn, hiddenStates, attentionMask, this.hiddenSize);
    checkForwardOptions(fn, options);
    const dropout = new HeadDropout(options.training ?? false, options.dropoutSeed);
    const logits = tf.tidy(() => {
      const pooled = dropout.apply(this.pool(hiddenStates, attentionMask), this.dropout);
      let features: tf.Tensor = pooled;
      if (this.classifier === 'mlp') {
        const dense = tf.add(
          tf.matMul(pooled as tf.Tensor2D, this.weight('pre_classifier.weight') as tf.Tensor2D),
          this.weight('pre_classifier.bias'),
        );
        const activated = this.activation === 'tanh' ? tf.tanh(dense) : gelu(dense);
        features = dropout.apply(activated, this.dropout);
      }
      return tf.add(
        tf.matMul(features as tf.Tensor2D, this.weight('classifier.weight') as tf.Tensor2D),
        this.weight('classifier.bias'),
      );
    });
    return { logits };
  }

  /** The `[batch, hiddenSize]` pooled vectors the classifier reads (without dropout). */
  pool(hiddenStates: tf.Tensor, attentionMask: tf.Tensor): tf.Tensor2D {
    this.assertLive('ClsHead.pool');
    checkHeadInputs('ClsHead.pool', hiddenStates, attentionMask, this.hiddenSize);
    return tf.tidy(() => {
      if (this.pooling === 'cls') {
        return tf.squeeze(tf.slice(hiddenStates, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
      }
      const mask = tf.expandDims(tf.cast(tf.greater(attentionMask, 0), 'float32'), 2);
      const summed = tf.sum(tf.mul(hiddenStates, mask), 1);
      const counts = tf.maximum(tf.sum(mask, 1), 1);
      return tf.div(summed, counts) as tf.Tensor2D;
    });
  }

  /** The config, every option resolved (`ClsHead.fromJSON(head.toJSON(), head.weights)` copies the head). */
  toJSON(): ClsHeadJson {
    return {
      headType: 'cls',
      labels: [...this.labels],
      hiddenSize: this.hiddenSize,
      pooling: this.pooling,
      problemType: this.problemType,
      classifier: this.classifier,
      ...(this.classifier === 'mlp' ? { intermediateSize: this.intermediateSize } : {}),
      activation: this.activation,
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

  private weight(name: string): tf.Variable {
    return this.weights.get(name) as tf.Variable;
  }

  private assertLive(fn: string): void {
    if (this.disposed) invalidArgument(fn, 'this', 'a head that has not been disposed', 'a disposed ClsHead');
  }
}
