import type {
  DifferentiableMaskedLanguageModel,
  EncoderInfo,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  MaskedLMDecoder,
  MaskedLMOptions,
  MaskedLMOutput,
  TensorData,
  TokenizerLike,
} from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select-backend.js';
import {
  assemblePretrained,
  type PretrainedOptions,
  type PretrainedParts,
} from '../checkpoint/assemble-pretrained.js';
import { type FetchPretrainedOptions, fetchPretrainedWeights } from '../checkpoint/fetch-pretrained.js';
import type { LoadReport } from '../checkpoint/load-report.js';
import { pretrainedFiles, type SaveOptions } from '../checkpoint/pretrained-files.js';
import { type SafetensorsBytes, safetensorsFiles, toConfig } from '../checkpoint/safetensors-files.js';
import type { BertConfig } from '../config/bert-config.js';
import type { BertEncoderTensors } from './bert-encoder-forward.js';
import type {
  BertForMaskedLMOptions,
  BertMaskedLMForwardOptions,
  BertMaskedLMOutput,
} from './bert-for-masked-lm-options.js';
import { type BertForwardOptions, BertModel, disposeOutput } from './bert-model.js';
import { createParameters } from './bert-parameters.js';
import { encoderOutputToData, toTensorData } from './encoder-output-data.js';
import { maskedLMDecode, maskedLMTransform, toPositions } from './masked-lm-head.js';
import { maskedLMHeadParameterSpecs } from './parameter-specs.js';
import { checkHiddenStates } from './to-input-tensors.js';

export type {
  BertForMaskedLMOptions,
  BertMaskedLMForwardOptions,
  BertMaskedLMOutput,
} from './bert-for-masked-lm-options.js';

/**
 * BERT with HF's masked-language-model head: logits = LayerNorm(act(h·W_t + b_t))·Eᵀ + b, where E is the
 * decoder weight (the word-embedding matrix, tied as in HF, unless `tie_word_embeddings: false`) and b
 * is `cls.predictions.bias`. Implements `@icd/core`'s `DifferentiableMaskedLanguageModel<tf.Tensor, tf.Variable>`.
 *
 * `forward` (and `encode`) return encoder outputs only; `forwardMasked` (and `predictMasked`) add
 * `logits`, at chosen `positions` only when given (`[n, vocab]`). The head is split as HF
 * `BertLMPredictionHead`: {@link transformMaskedLM} (dense, activation, LayerNorm) and
 * {@link getMaskedLMDecoder} (weight, bias), so a soft verbalizer can replace the decoder.
 * `weights` holds every trainable variable under its HF name (`bert.embeddings.word_embeddings.weight`,
 * ..., `cls.predictions.bias`); the encoder's are the same objects as in `bert.weights`.
 *
 * @example
 * ```ts
 * const mlm = new BertForMaskedLM(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }), { seed: 1 });
 * const { logits } = mlm.forwardMasked({ inputIds: [[2, 4, 3]] }, { positions: [1] });
 * logits.shape; // [1, 100]
 * ```
 */
export class BertForMaskedLM implements DifferentiableMaskedLanguageModel<tf.Tensor, tf.Variable> {
  readonly config: BertConfig;
  /** The encoder; its variables are shared with this model. */
  readonly bert: BertModel;
  /** Every trainable variable by HF `BertForMaskedLM` name. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** What loading did (missing and unused tensors, a random head); `undefined` for a model built with `new`. */
  loadReport: LoadReport | undefined;
  private readonly head: ReadonlyMap<string, tf.Variable>;

  constructor(config: BertConfig, options: BertForMaskedLMOptions = {}) {
    this.config = config;
    const encoderInitial = new Map<string, tf.Tensor>();
    for (const [name, value] of options.initialWeights ?? []) {
      if (name.startsWith('bert.')) encoderInitial.set(name.slice(5), value);
    }
    this.bert = new BertModel(config, {
      addPoolingLayer: options.addPoolingLayer ?? false,
      initialWeights: encoderInitial,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
    });
    this.head = createParameters(maskedLMHeadParameterSpecs(config), config, {
      ...(options.initialWeights ? { initial: options.initialWeights } : {}),
      seed: options.seed === undefined ? undefined : options.seed + 100_003,
    });
    const weights = new Map<string, tf.Variable>();
    for (const [name, variable] of this.bert.weights) weights.set(`bert.${name}`, variable);
    for (const [name, variable] of this.head) weights.set(name, variable);
    this.weights = weights;
  }

  get info(): EncoderInfo {
    return this.bert.info;
  }

  get tokenizer(): TokenizerLike | undefined {
    return this.bert.tokenizer;
  }

  set tokenizer(tokenizer: TokenizerLike | undefined) {
    this.bert.tokenizer = tokenizer;
  }

  /**
   * Builds a masked LM from safetensors bytes and a config, without a file system (see
   * `BertModel.fromSafetensors`). The tied decoder weight may be present (it must then equal the word
   * embeddings) or omitted; `cls.predictions.bias` or `cls.predictions.decoder.bias` is the output bias.
   * A checkpoint without the head needs `allowMissingWeights` and reports `loadReport.randomHead`.
   *
   * @example
   * ```ts
   * const mlm = await BertForMaskedLM.fromSafetensors(bytes, configJson);
   * mlm.loadReport?.randomHead; // false
   * ```
   */
  static async fromSafetensors<T extends BertForMaskedLM>(
    this: new (
      config: BertConfig,
      options?: BertForMaskedLMOptions,
    ) => T,
    weights: SafetensorsBytes,
    config: BertConfig | Record<string, unknown>,
    options: PretrainedOptions = {},
  ): Promise<T> {
    await ensureBackend();
    const files = safetensorsFiles('BertForMaskedLM.fromSafetensors', weights);
    const parts = assemblePretrained(toConfig(config), files, 'maskedLM', options);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass (e.g. @icd/bert/node's) to build.
    return BertForMaskedLM.fromParts.call(this, parts, options) as T;
  }

  /**
   * Loads a HuggingFace Hub model by id (`org/name`) over `fetch`, without a file system (browsers,
   * workers): `config.json` and `model.safetensors` (or every shard of `model.safetensors.index.json`),
   * kept in the Cache API (`icd-hub` by default, `options.cache` to choose, `false` for none) so the next
   * load, and `localFilesOnly`, need no network; then as {@link BertForMaskedLM.fromSafetensors}. Pickle-only repos
   * are refused (`HubError`, reason `unsupported`). `@icd/bert/node`'s `fromPretrained` takes a folder or
   * an id and uses the huggingface_hub cache shared with Python instead.
   *
   * @throws HubError (`gated`, `notFound`, `notCached`, `unsupported`, `integrity`, `network`) from
   * `@icd/hub`; CheckpointError for a bad config or checkpoint.
   * @example
   * ```ts
   * const mlm = await BertForMaskedLM.fromPretrained('google-bert/bert-base-uncased', { cache: await caches.open('models') });
   * ```
   */
  static async fromPretrained<T extends BertForMaskedLM>(
    this: new (
      config: BertConfig,
      options?: BertForMaskedLMOptions,
    ) => T,
    repo: string,
    options: FetchPretrainedOptions = {},
  ): Promise<T> {
    const { config, weights } = await fetchPretrainedWeights('BertForMaskedLM.fromPretrained', repo, options);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass to build.
    return BertForMaskedLM.fromSafetensors.call(this, weights, config, options) as Promise<T>;
  }

  /** @internal A model (of the class `fromParts` is called on) from loaded parts; disposes them. */
  static fromParts<T extends BertForMaskedLM>(
    this: new (
      config: BertConfig,
      options?: BertForMaskedLMOptions,
    ) => T,
    parts: PretrainedParts,
    options: PretrainedOptions,
  ): T {
    try {
      const initialWeights = new Map<string, tf.Tensor>(parts.headWeights);
      for (const [name, value] of parts.encoderWeights) initialWeights.set(`bert.${name}`, value);
      const model = new this(parts.config, {
        addPoolingLayer: parts.hasPooler,
        initialWeights,
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      });
      model.loadReport = parts.report;
      return model;
    } finally {
      parts.dispose();
    }
  }

  /**
   * The files of a HF `BertForMaskedLM` folder by name (`config.json`, `model.safetensors`, tokenizer
   * files); browser-safe. `save(dir)` of `@icd/bert/node` writes them.
   *
   * @example
   * ```ts
   * const { 'model.safetensors': weights } = await mlm.toPretrainedFiles();
   * ```
   */
  async toPretrainedFiles(options: SaveOptions = {}): Promise<Record<string, string | Uint8Array>> {
    this.assertUsable('toPretrainedFiles');
    return pretrainedFiles({
      config: this.config,
      architecture: 'BertForMaskedLM',
      tensors: [
        ...this.bert.parameterSpecs().map((spec) => ({
          spec,
          fileName: `bert.${spec.name}`,
          value: this.bert.weights.get(spec.name) as tf.Tensor,
        })),
        ...maskedLMHeadParameterSpecs(this.config).map((spec) => ({
          spec,
          fileName: spec.name,
          value: this.head.get(spec.name) as tf.Tensor,
        })),
      ],
      tokenizer: options.tokenizer ?? this.tokenizer,
    });
  }

  /** The word-embedding table `[vocab, hidden]` of the encoder (HF `get_input_embeddings().weight`). */
  getInputEmbeddings(): tf.Variable {
    return this.bert.getInputEmbeddings();
  }

  /**
   * The head's transform (HF `cls.predictions.transform`): LayerNorm(act(h·W_t + b_t)), `[..., hidden]`
   * → `[..., hidden]`. Differentiable; returns a new tensor.
   *
   * @example
   * ```ts
   * const transformed = mlm.transformMaskedLM(maskRows); // [n, hidden]
   * ```
   */
  transformMaskedLM(hiddenStates: tf.Tensor): tf.Tensor {
    this.assertUsable('transformMaskedLM');
    checkHiddenStates('BertForMaskedLM.transformMaskedLM', hiddenStates, this.config.hiddenSize);
    return tf.tidy(() => maskedLMTransform(this.head, this.config, hiddenStates));
  }

  /**
   * The decoder (HF `cls.predictions.decoder`): `weight` `[vocab, hidden]` (the word-embedding variable
   * when tied) and `bias` `[vocab]`, the variables themselves.
   *
   * @example
   * ```ts
   * const { weight, bias } = mlm.getMaskedLMDecoder();
   * const labelLogits = tf.add(tf.matMul(transformed, tf.gather(weight, labelIds), false, true), tf.gather(bias, labelIds));
   * ```
   */
  getMaskedLMDecoder(): MaskedLMDecoder<tf.Variable> {
    this.assertUsable('getMaskedLMDecoder');
    return {
      weight: this.head.get('cls.predictions.decoder.weight') ?? this.bert.getInputEmbeddings(),
      bias: this.head.get('cls.predictions.bias') as tf.Variable,
    };
  }

  /**
   * The whole MLM head on hidden states `[..., hidden]` → logits `[..., vocab]` (decoder of transform).
   * Differentiable; returns a new tensor.
   *
   * @example
   * ```ts
   * const logits = mlm.applyHead(rows); // rows: [n, hidden] → [n, vocab]
   * ```
   */
  applyHead(hidden: tf.Tensor): tf.Tensor {
    const { weight, bias } = this.getMaskedLMDecoder();
    checkHiddenStates('BertForMaskedLM.applyHead', hidden, this.config.hiddenSize);
    return tf.tidy(() => maskedLMDecode(weight, bias, maskedLMTransform(this.head, this.config, hidden)));
  }

  /**
   * The encoder outputs, without the vocabulary projection (the `DifferentiableEncoder` method; same as
   * `bert.forward`): `{ lastHiddenState, poolerOutput?, hiddenStates?, attentions? }`.
   *
   * @example
   * ```ts
   * const { lastHiddenState } = mlm.forward({ inputsEmbeds }, { training: true });
   * ```
   */
  forward(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions = {},
  ): EncoderOutput<tf.Tensor> {
    this.assertUsable('forward');
    return this.bert.runEncoder('BertForMaskedLM.forward', input, options, this.bert.hasPooler);
  }

  /**
   * Encoder + head: `{ logits, lastHiddenState, poolerOutput?, hiddenStates?, attentions? }` with
   * logits `[batch, seq, vocab]`, or `[n, vocab]` at `options.positions` (the head then runs on those
   * rows only).
   */
  forwardMasked(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertMaskedLMForwardOptions = {},
  ): BertMaskedLMOutput {
    const fn = 'BertForMaskedLM.forwardMasked';
    this.assertUsable('forwardMasked');
    const encoded: BertEncoderTensors = this.bert.runEncoder(fn, input, options, this.bert.hasPooler);
    try {
      const [batch, length] = encoded.lastHiddenState.shape;
      const { positions } = options;
      if (positions === undefined) return { logits: this.applyHead(encoded.lastHiddenState), ...encoded };
      const indices = toPositions(fn, positions, batch * length);
      try {
        const logits = tf.tidy(() =>
          this.applyHead(
            tf.gather(tf.reshape(encoded.lastHiddenState, [-1, this.config.hiddenSize]), indices),
          ),
        );
        return { logits, ...encoded };
      } finally {
        indices.dispose();
      }
    } catch (error) {
      // The head failed (bad positions, disposed weights): the encoder tensors would be orphaned.
      disposeOutput(encoded);
      throw error;
    }
  }

  /** Encoder outputs only (no vocabulary projection) as {@link TensorData}. */
  encode(input: EncoderInput, options: EncoderOutputOptions = {}): Promise<EncoderOutput<TensorData>> {
    return this.bert.encode(input, options);
  }

  /** Logits (at `positions` only, if given) and the encoder outputs asked for, as {@link TensorData}. */
  async predictMasked(
    input: EncoderInput,
    options: MaskedLMOptions = {},
  ): Promise<MaskedLMOutput<TensorData>> {
    const output = this.forwardMasked(input, { ...options, training: false });
    try {
      const { lastHiddenState, poolerOutput, hiddenStates, attentions } = output;
      const encoder = await encoderOutputToData({
        lastHiddenState,
        ...(poolerOutput ? { poolerOutput } : {}),
        ...(hiddenStates ? { hiddenStates } : {}),
        ...(attentions ? { attentions } : {}),
      });
      return { ...encoder, logits: await toTensorData(output.logits) };
    } finally {
      disposeOutput(output);
    }
  }

  private assertUsable(fn: string): void {
    if (this.bert.isDisposed)
      invalidArgument(`BertForMaskedLM.${fn}`, 'this', 'a model that has not been disposed', 'disposed');
  }

  /** Frees every weight (encoder and head). Calling it twice is harmless. */
  dispose(): void {
    if (this.bert.isDisposed) return;
    this.bert.dispose();
    for (const variable of this.head.values()) variable.dispose();
  }
}
