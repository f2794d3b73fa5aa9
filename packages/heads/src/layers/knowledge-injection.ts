import {
  CheckpointError,
  type ForwardOptions,
  invalidArgument,
  type LabelHead,
  type LabelHeadOutput,
  type TensorData,
} from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkConfig,
  checkForwardOptions,
  checkHeadInputs,
  checkInitializerRange,
  checkSeed,
  checkSize,
  createHeadParameters,
  HeadDropout,
  type HeadParameterSpec,
} from './head-parameters.js';
import {
  attend,
  LabelAttention,
  type LabelAttentionConfig,
  type LabelAttentionForwardOptions,
  type LabelAttentionJson,
} from './label-attention.js';

/** Knowledge-text embeddings D_m `[m, hidden]`: a tensor, engine-neutral {@link TensorData}, or rows. */
export type KnowledgeEmbeddings = tf.Tensor | TensorData | readonly (readonly number[])[];

/** Name of W_k, `[hiddenSize, hiddenSize]` (`[in, out]`). */
export const knowledgeInjectionWeightName = 'knowledge_injection.weight';
/** Name of the (non-trainable) knowledge embeddings D_m `[numKnowledgeTexts, hiddenSize]` in `buffers`. */
export const knowledgeEmbeddingsName = 'knowledge_injection.knowledge_embeddings';

/**
 * Config of a {@link KnowledgeInjection}.
 *
 * @example
 * ```ts
 * const config: KnowledgeInjectionConfig = { hiddenSize: 768, seed: 1 };
 * ```
 */
export interface KnowledgeInjectionConfig {
  readonly hiddenSize: number;
  /** σ of W_k's N(0, σ²) init (default 0.02): D' starts close to D. */
  readonly initializerRange?: number;
  readonly seed?: number;
}

/**
 * Note-relevant knowledge injection (the LLM-ICD paper's eqs. 6–9) as a transform of an encoder's
 * states, for use in front of any head: with the knowledge-text embeddings D_m `[m, hidden]` (eq. 6,
 * computed once by {@link encodeKnowledgeTexts}) and the note's states D `[sequence, hidden]`,
 *
 * - `Z_m = D_m W_k` (eq. 7), W_k `[hidden, hidden]` trainable (`knowledge_injection.weight`, `[in, out]`);
 * - `A = softmax(D Z_mᵀ)` over the m knowledge texts (eq. 8; max-subtracted, so no overflow);
 * - `D' = D + A Z_m` (eq. 9), `[batch, sequence, hidden]`.
 *
 * D_m is a constant (the encoder is not re-run on the knowledge texts during training): it is in
 * {@link buffers}, not in {@link weights}. Every position is transformed on its own, so padding is left
 * to the next layer's mask. Init: W_k ~ N(0, 0.02²) (`seed`), so D' starts close to D. One note at a
 * time: at most `[sequence, m]` scores are alive at once.
 *
 * @example
 * ```ts
 * const injection = new KnowledgeInjection({ hiddenSize: 16, seed: 1 }, knowledgeEmbeddings); // [m, 16]
 * const injected = injection.forward(lastHiddenState); // [batch, sequence, 16]
 * ```
 */
export class KnowledgeInjection {
  readonly hiddenSize: number;
  readonly numKnowledgeTexts: number;
  readonly initializerRange: number;
  readonly seed: number | undefined;
  /** `knowledge_injection.weight` (W_k). */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** `knowledge_injection.knowledge_embeddings` (D_m), owned by this object. */
  readonly buffers: ReadonlyMap<string, tf.Tensor>;
  private disposed = false;

  /**
   * @param config sizes and init.
   * @param knowledgeEmbeddings D_m `[m, hiddenSize]` (copied).
   * @param weights `knowledge_injection.weight` (cloned); seeded random init when omitted.
   */
  constructor(
    config: KnowledgeInjectionConfig,
    knowledgeEmbeddings: KnowledgeEmbeddings,
    weights?: ReadonlyMap<string, tf.Tensor>,
  ) {
    const fn = 'KnowledgeInjection';
    checkConfig(fn, config);
    this.hiddenSize = checkSize(fn, 'hiddenSize', config.hiddenSize);
    this.initializerRange = checkInitializerRange(fn, config.initializerRange);
    this.seed = checkSeed(fn, config.seed);
    const embeddings = toKnowledgeTensor(fn, knowledgeEmbeddings, this.hiddenSize);
    this.numKnowledgeTexts = embeddings.shape[0] as number;
    this.buffers = new Map([[knowledgeEmbeddingsName, embeddings]]);
    try {
      this.weights = createHeadParameters(fn, this.parameterSpecs(), {
        initial: weights,
        seed: this.seed,
        initializerRange: this.initializerRange,
        extraNames: [knowledgeEmbeddingsName],
      });
    } catch (error) {
      embeddings.dispose();
      throw error;
    }
  }

  /** Names, in-memory shapes and kinds of the trainable weights. */
  parameterSpecs(): HeadParameterSpec[] {
    return [
      { name: knowledgeInjectionWeightName, shape: [this.hiddenSize, this.hiddenSize], kind: 'linear' },
    ];
  }

  /** D (`[batch, sequence, hiddenSize]`) → D' = D + softmax(D Z_mᵀ) Z_m, same shape. Pure; caller owns it. */
  forward(hiddenStates: tf.Tensor): tf.Tensor3D {
    const fn = 'KnowledgeInjection.forward';
    if (this.disposed)
      invalidArgument(fn, 'this', 'a KnowledgeInjection that has not been disposed', 'a disposed one');
    if (!(hiddenStates instanceof tf.Tensor) || hiddenStates.isDisposed || hiddenStates.rank !== 3) {
      invalidArgument(fn, 'hiddenStates', 'a live [batch, sequence, hidden] tensor', hiddenStates);
    }
    if (hiddenStates.shape[2] !== this.hiddenSize) {
      invalidArgument(
        fn,
        'hiddenStates',
        `a [batch, sequence, ${this.hiddenSize}] tensor`,
        `shape [${hiddenStates.shape.join(', ')}]`,
      );
    }
    return inject(this, hiddenStates);
  }

  /** Frees W_k and D_m. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.weights.values()) variable.dispose();
    for (const tensor of this.buffers.values()) tensor.dispose();
  }
}

function inject(injection: KnowledgeInjection, hiddenStates: tf.Tensor): tf.Tensor3D {
  const Wk = injection.weights.get(knowledgeInjectionWeightName) as tf.Variable;
  const Dm = injection.buffers.get(knowledgeEmbeddingsName) as tf.Tensor2D;
  const [batch, sequence, hidden] = hiddenStates.shape as [number, number, number];
  return tf.tidy(() => {
    const Zm = tf.matMul(Dm, Wk); // [m, hidden]                                    eq. 7
    const Zmt = tf.transpose(Zm); // [hidden, m]
    const notes: tf.Tensor[] = [];
    for (let note = 0; note < batch; note++) {
      notes.push(
        tf.tidy(() => {
          const D = tf.reshape(tf.slice(hiddenStates, [note, 0, 0], [1, -1, -1]), [sequence, hidden]);
          // tf.softmax subtracts each row's maximum before exp on every backend.
          const A = tf.softmax(tf.matMul(D, Zmt)); // [sequence, m] over the texts     eq. 8
          return tf.add(D, tf.matMul(A, Zm)); // D' = D + A Z_m                       eq. 9
        }),
      );
    }
    const first = notes[0] as tf.Tensor;
    return (notes.length === 1 ? tf.reshape(first, [1, sequence, hidden]) : tf.stack(notes)) as tf.Tensor3D;
  });
}

function toKnowledgeTensor(fn: string, value: KnowledgeEmbeddings, hiddenSize: number): tf.Tensor2D {
  const argument = 'knowledgeEmbeddings';
  let tensor: tf.Tensor;
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) invalidArgument(fn, argument, 'a live tensor', value);
    tensor = tf.cast(value, 'float32');
  } else if (Array.isArray(value)) {
    if (!value.every((row) => Array.isArray(row) && row.length === hiddenSize)) {
      invalidArgument(fn, argument, `rows of ${hiddenSize} numbers`, value);
    }
    tensor = tf.tensor2d(value as number[][], [value.length, hiddenSize], 'float32');
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const { data, shape } = value as TensorData;
    if (!Array.isArray(shape) || shape.reduce((a, b) => a * b, 1) !== data.length) {
      invalidArgument(fn, argument, 'TensorData whose shape matches its data', value);
    }
    tensor = tf.tensor(Float32Array.from(data), [...shape], 'float32');
  } else {
    invalidArgument(fn, argument, 'a [m, hidden] tf.Tensor, TensorData or rows of numbers', value);
  }
  if (tensor.rank !== 2 || tensor.shape[1] !== hiddenSize || (tensor.shape[0] as number) < 1) {
    const shape = tensor.shape;
    tensor.dispose();
    invalidArgument(fn, argument, `a [m ≥ 1, ${hiddenSize}] matrix`, `shape [${shape.join(', ')}]`);
  }
  const finite = tf.tidy(() => tf.all(tf.isFinite(tensor)).dataSync()[0] === 1);
  if (!finite) {
    tensor.dispose();
    invalidArgument(fn, argument, 'finite values', 'a matrix with NaN or ±Infinity');
  }
  // Always a new tensor the head owns (tf.cast returns a new handle even for float32 input).
  return tensor as tf.Tensor2D;
}

/**
 * Config of a {@link KnowledgeInjectedLabelAttention}: the label attention's, with W_k's init.
 *
 * @example
 * ```ts
 * const config: KnowledgeInjectedLabelAttentionConfig = { labels: codes, hiddenSize: 768, projectionSize: 512, seed: 1 };
 * ```
 */
export interface KnowledgeInjectedLabelAttentionConfig extends LabelAttentionConfig {}

/**
 * The saved config of a {@link KnowledgeInjectedLabelAttention}.
 *
 * @example
 * ```ts
 * const json: KnowledgeInjectedLabelAttentionJson = head.toJSON(); // { headType: 'knowledge_label_attention', numKnowledgeTexts, ... }
 * ```
 */
export interface KnowledgeInjectedLabelAttentionJson extends Omit<LabelAttentionJson, 'headType'> {
  readonly headType: 'knowledge_label_attention';
  readonly numKnowledgeTexts: number;
}

/**
 * Label attention over knowledge-injected states (eqs. 6–9 feeding eqs. 2–4): D' = D + softmax(D Z_mᵀ) Z_m
 * by a {@link KnowledgeInjection}, then a {@link LabelAttention} over D' with the note's mask, so padded
 * positions stay masked. One `LabelHead` (rather than a `knowledge` option of `LabelAttention`) so that
 * plain label attention stays exactly eqs. 2–4, the injection can be put in front of other heads, and a
 * saved head says by its `headType` which of the two it is.
 *
 * Weights (trainable, `[in, out]`): `knowledge_injection.weight` `[hiddenSize, hiddenSize]` (W_k) and the
 * four of `LabelAttention` (`label_attention.first_linear.weight`, `label_attention.second_linear.weight`,
 * `label_attention.third_linear.weight`, `label_attention.third_linear.bias`). Buffers (constant, saved
 * beside the weights): `knowledge_injection.knowledge_embeddings` `[numKnowledgeTexts, hiddenSize]` (D_m).
 * `fromJSON(json, tensors)` takes weights and buffer in one map. Init: the label attention's weights
 * from `seed` … `seed + 3`, W_k from `seed + 4`, all N(0, 0.02²); bias 0. Input dropout (`dropout`) is
 * applied to D before the injection.
 *
 * @example
 * ```ts
 * const knowledge = await encodeKnowledgeTexts(encoder, tokenizer, texts.map((t) => t.text));
 * const head = new KnowledgeInjectedLabelAttention({ labels: codes, hiddenSize: 16, seed: 1 }, knowledge);
 * const { logits, labelAttention } = head.forward(lastHiddenState, attentionMask);
 * const copy = KnowledgeInjectedLabelAttention.fromJSON(head.toJSON(), new Map([...head.weights, ...head.buffers]));
 * ```
 */
export class KnowledgeInjectedLabelAttention implements LabelHead<tf.Tensor, tf.Variable> {
  readonly labels: readonly string[];
  readonly problemType = 'multi_label' as const;
  readonly hiddenSize: number;
  /** The eqs. 2–4 part (its weights are this head's `label_attention.*`). */
  readonly labelAttention: LabelAttention;
  /** The eqs. 6–9 part (W_k and D_m). */
  readonly knowledgeInjection: KnowledgeInjection;
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** `knowledge_injection.knowledge_embeddings` (D_m): not trained, but part of a saved head. */
  readonly buffers: ReadonlyMap<string, tf.Tensor>;
  private disposed = false;

  /**
   * @param config the label attention's settings (and W_k's init).
   * @param knowledgeEmbeddings D_m `[m, hiddenSize]`, e.g. from {@link encodeKnowledgeTexts} (copied).
   * @param weights initial weights by name (all five; cloned); seeded random init when omitted.
   */
  constructor(
    config: KnowledgeInjectedLabelAttentionConfig,
    knowledgeEmbeddings: KnowledgeEmbeddings,
    weights?: ReadonlyMap<string, tf.Tensor>,
  ) {
    const fn = 'KnowledgeInjectedLabelAttention';
    checkConfig(fn, config);
    const {
      headType: _ignored,
      numKnowledgeTexts: _count,
      ...attentionConfig
    } = config as Partial<KnowledgeInjectedLabelAttentionJson>;
    if (weights !== undefined && !(weights instanceof Map))
      invalidArgument(fn, 'weights', 'a Map of name → tf.Tensor', weights);
    const attentionWeights =
      weights === undefined
        ? undefined
        : new Map([...weights].filter(([name]) => name.startsWith('label_attention.')));
    const injectionWeights =
      weights === undefined
        ? undefined
        : new Map([...weights].filter(([name]) => !name.startsWith('label_attention.')));
    this.labelAttention = new LabelAttention(attentionConfig as LabelAttentionConfig, attentionWeights);
    try {
      const seed = this.labelAttention.seed;
      this.knowledgeInjection = new KnowledgeInjection(
        {
          hiddenSize: this.labelAttention.hiddenSize,
          initializerRange: this.labelAttention.initializerRange,
          ...(seed === undefined ? {} : { seed: seed + 4 }),
        },
        knowledgeEmbeddings,
        injectionWeights,
      );
    } catch (error) {
      this.labelAttention.dispose();
      throw error;
    }
    this.labels = this.labelAttention.labels;
    this.hiddenSize = this.labelAttention.hiddenSize;
    this.weights = new Map([...this.knowledgeInjection.weights, ...this.labelAttention.weights]);
    this.buffers = this.knowledgeInjection.buffers;
  }

  /**
   * Rebuilds a head from {@link toJSON}'s config and one map holding the five weights and the
   * `knowledge_injection.knowledge_embeddings` buffer (as saved); a {@link CheckpointError} when the
   * buffer is missing or has another number of texts than the config says.
   */
  static fromJSON(
    json: KnowledgeInjectedLabelAttentionJson,
    tensors: ReadonlyMap<string, tf.Tensor>,
  ): KnowledgeInjectedLabelAttention {
    const fn = 'KnowledgeInjectedLabelAttention.fromJSON';
    checkConfig(fn, json);
    if (json.headType !== undefined && json.headType !== 'knowledge_label_attention') {
      invalidArgument(fn, 'json.headType', "'knowledge_label_attention'", json.headType);
    }
    if (!(tensors instanceof Map))
      invalidArgument(fn, 'tensors', 'a Map of the weights and the knowledge embeddings', tensors);
    const embeddings = tensors.get(knowledgeEmbeddingsName);
    if (embeddings === undefined) {
      throw new CheckpointError({
        tensor: knowledgeEmbeddingsName,
        message: `${fn}: missing buffer '${knowledgeEmbeddingsName}'`,
      });
    }
    if (json.numKnowledgeTexts !== undefined && embeddings.shape[0] !== json.numKnowledgeTexts) {
      throw new CheckpointError({
        tensor: knowledgeEmbeddingsName,
        message: `${fn}: '${knowledgeEmbeddingsName}' has ${embeddings.shape[0]} rows, the config says ${json.numKnowledgeTexts} knowledge texts`,
      });
    }
    const weights = new Map([...tensors].filter(([name]) => name !== knowledgeEmbeddingsName));
    // Without any weight: seeded init (a config and its knowledge only).
    return new KnowledgeInjectedLabelAttention(json, embeddings, weights.size === 0 ? undefined : weights);
  }

  /** Names, in-memory shapes and kinds of the trainable weights, W_k first. */
  parameterSpecs(): HeadParameterSpec[] {
    return [...this.knowledgeInjection.parameterSpecs(), ...this.labelAttention.parameterSpecs()];
  }

  /**
   * `[batch, sequence, hiddenSize]` states and their mask → `{ logits: [batch, numLabels],
   * labelAttention: [batch, numLabels, sequence] }` over the injected states D'. Pure; the caller owns
   * the outputs.
   */
  forward(
    hiddenStates: tf.Tensor,
    attentionMask: tf.Tensor,
    options: LabelAttentionForwardOptions = {},
  ): LabelHeadOutput<tf.Tensor> {
    const fn = 'KnowledgeInjectedLabelAttention.forward';
    if (this.disposed)
      invalidArgument(
        fn,
        'this',
        'a head that has not been disposed',
        'a disposed KnowledgeInjectedLabelAttention',
      );
    checkHeadInputs(fn, hiddenStates, attentionMask, this.hiddenSize);
    checkForwardOptions(fn, options);
    if (options.outputLabelAttention !== undefined && typeof options.outputLabelAttention !== 'boolean') {
      invalidArgument(fn, 'options.outputLabelAttention', 'a boolean', options.outputLabelAttention);
    }
    const dropout = new HeadDropout((options as ForwardOptions).training ?? false, options.dropoutSeed);
    const outputLabelAttention = options.outputLabelAttention ?? true;
    const [logits, labelAttention] = tf.tidy(() => {
      const injected = inject(
        this.knowledgeInjection,
        dropout.apply(hiddenStates, this.labelAttention.dropout),
      );
      return attend(this.labelAttention, injected, attentionMask, outputLabelAttention);
    });
    return labelAttention === undefined
      ? { logits: logits as tf.Tensor }
      : { logits: logits as tf.Tensor, labelAttention };
  }

  /** The config (`fromJSON(toJSON(), new Map([...weights, ...buffers]))` copies the head). */
  toJSON(): KnowledgeInjectedLabelAttentionJson {
    const { headType: _type, ...attention } = this.labelAttention.toJSON();
    return {
      headType: 'knowledge_label_attention',
      ...attention,
      numKnowledgeTexts: this.knowledgeInjection.numKnowledgeTexts,
    };
  }

  /** Frees every weight and the knowledge embeddings. Calling it twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.labelAttention.dispose();
    this.knowledgeInjection.dispose();
  }
}
