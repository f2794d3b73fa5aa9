import type {
  DifferentiableMaskedLanguageModel,
  EncoderInfo,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  MaskedLMOutput,
  TensorData,
  TokenizerLike,
} from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select-backend.js';
import { loadPretrainedParts, type PretrainedOptions } from '../checkpoint/load-pretrained.js';
import { type SaveOptions, savePretrained } from '../checkpoint/save-pretrained.js';
import type { BertConfig } from '../config/bert-config.js';
import { applyActivation } from './activations.js';
import { type BertForwardOptions, BertModel, disposeOutput } from './bert-model.js';
import { createParameters } from './bert-parameters.js';
import { encoderOutputToData, toTensorData } from './encoder-output-data.js';
import { layerNorm } from './layer-norm.js';
import { linear } from './linear.js';
import { maskedLMHeadParameterSpecs } from './parameter-specs.js';

/**
 * Options of {@link BertForMaskedLM}'s constructor.
 *
 * @example
 * ```ts
 * const options: BertForMaskedLMOptions = { seed: 1, addPoolingLayer: false };
 * const mlm = new BertForMaskedLM(new BertConfig({ vocabSize: 8000 }), options);
 * ```
 */
export interface BertForMaskedLMOptions {
  /** Give the encoder a pooler (default false, as HF `BertForMaskedLM`). */
  readonly addPoolingLayer?: boolean;
  /** Seed of the initialisation of weights not given. */
  readonly seed?: number;
  /** Starting values by HF `BertForMaskedLM` name (`bert.…`, `cls.predictions.…`), memory layout. */
  readonly initialWeights?: ReadonlyMap<string, tf.Tensor>;
  readonly tokenizer?: TokenizerLike;
}

/**
 * Forward output of the masked LM: logits plus the encoder outputs asked for.
 *
 * @example
 * ```ts
 * const output: BertMaskedLMOutput = mlm.forward({ inputIds: [[101, 103, 102]] });
 * output.logits.shape; // [1, 3, vocabSize]
 * disposeOutput(output);
 * ```
 */
export type BertMaskedLMOutput = MaskedLMOutput<tf.Tensor> & EncoderOutput<tf.Tensor>;

/**
 * BERT with HF's masked-language-model head: logits = LayerNorm(act(h·W_t + b_t))·Eᵀ + b, where E is the
 * word-embedding matrix (the decoder is tied to it, as in HF) and b is `cls.predictions.bias`.
 * Implements `@icd/core`'s `DifferentiableMaskedLanguageModel<tf.Tensor>`.
 *
 * `forward` and `forwardMasked` return `{ logits, lastHiddenState, ... }`; `encode` and `bert.forward`
 * skip the vocabulary projection when only hidden states are wanted. {@link applyHead} maps any
 * `[..., hidden]` tensor to logits (e.g. only the masked positions during pretraining).
 * `weights` holds every trainable variable under its HF name (`bert.embeddings.word_embeddings.weight`,
 * ..., `cls.predictions.bias`); the encoder's are the same objects as in `bert.weights`.
 *
 * @example
 * ```ts
 * const mlm = new BertForMaskedLM(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }), { seed: 1 });
 * const { logits } = mlm.forward({ inputIds: [[2, 4, 3]] });
 * logits.shape; // [1, 3, 100]
 * ```
 */
export class BertForMaskedLM implements DifferentiableMaskedLanguageModel<tf.Tensor> {
  readonly config: BertConfig;
  /** The encoder; its variables are shared with this model. */
  readonly bert: BertModel;
  /** Every trainable variable by HF `BertForMaskedLM` name. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
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
   * Loads a HF `BertForMaskedLM` / `BertForPreTraining` folder (see `BertModel.fromPretrained` for the
   * accepted variants). The tied decoder weight may be present or omitted; `cls.predictions.bias` or
   * `cls.predictions.decoder.bias` is the output bias.
   *
   * @example
   * ```ts
   * const mlm = await BertForMaskedLM.fromPretrained('models/bert-base-uncased');
   * ```
   */
  static async fromPretrained(directory: string, options: PretrainedOptions = {}): Promise<BertForMaskedLM> {
    await ensureBackend();
    const parts = await loadPretrainedParts(directory, 'maskedLM', options);
    try {
      const initialWeights = new Map<string, tf.Tensor>(parts.headWeights);
      for (const [name, value] of parts.encoderWeights) initialWeights.set(`bert.${name}`, value);
      return new BertForMaskedLM(parts.config, {
        addPoolingLayer: parts.hasPooler,
        initialWeights,
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      });
    } finally {
      parts.dispose();
    }
  }

  /** Writes `config.json`, `model.safetensors` (HF `BertForMaskedLM` names) and tokenizer files. */
  async save(directory: string, options: SaveOptions = {}): Promise<void> {
    const tensors = [
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
    ];
    await savePretrained(directory, {
      config: this.config,
      architecture: 'BertForMaskedLM',
      tensors,
      tokenizer: options.tokenizer ?? this.tokenizer,
    });
  }

  /**
   * The MLM head on hidden states `[..., hidden]` → logits `[..., vocab]`. Differentiable; returns a new
   * tensor.
   */
  applyHead(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const get = (name: string) => this.head.get(name) as tf.Variable;
      const width = this.config.hiddenSize;
      const flat = tf.reshape(hidden, [-1, width]);
      const transformed = layerNorm(
        applyActivation(
          linear(
            flat,
            get('cls.predictions.transform.dense.weight'),
            get('cls.predictions.transform.dense.bias'),
          ),
          this.config.hiddenAct,
        ),
        get('cls.predictions.transform.LayerNorm.weight'),
        get('cls.predictions.transform.LayerNorm.bias'),
        this.config.layerNormEps,
      );
      // Eᵀ materialised once: tfjs-wasm's fast matMul path has no transposed operand.
      const embeddings = this.bert.weights.get('embeddings.word_embeddings.weight') as tf.Variable;
      const logits = linear(transformed, tf.transpose(embeddings), get('cls.predictions.bias'));
      return tf.reshape(logits, [...hidden.shape.slice(0, -1), this.config.vocabSize]);
    });
  }

  /** Encoder + head: `{ logits [batch, seq, vocab], lastHiddenState, poolerOutput?, hiddenStates?, attentions? }`. */
  forward(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions = {},
  ): BertMaskedLMOutput {
    return this.forwardMasked(input, options);
  }

  /** Same as {@link forward} (the `DifferentiableMaskedLanguageModel` name). */
  forwardMasked(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions = {},
  ): BertMaskedLMOutput {
    if (this.bert.isDisposed)
      invalidArgument('BertForMaskedLM.forward', 'this', 'a model that has not been disposed', 'disposed');
    const encoded = this.bert.runEncoder('BertForMaskedLM.forward', input, options, this.bert.hasPooler);
    try {
      return { logits: this.applyHead(encoded.lastHiddenState), ...encoded };
    } catch (error) {
      // The head failed (e.g. disposed weights): the encoder tensors would otherwise be orphaned.
      disposeOutput(encoded);
      throw error;
    }
  }

  /** Encoder outputs only (no vocabulary projection) as {@link TensorData}. */
  encode(input: EncoderInput, options: EncoderOutputOptions = {}): Promise<EncoderOutput<TensorData>> {
    return this.bert.encode(input, options);
  }

  /** Logits (and the encoder outputs asked for) as {@link TensorData}; no tensor outlives the call. */
  async predictMasked(
    input: EncoderInput,
    options: EncoderOutputOptions = {},
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

  /** Frees every weight (encoder and head). Calling it twice is harmless. */
  dispose(): void {
    if (this.bert.isDisposed) return;
    this.bert.dispose();
    for (const variable of this.head.values()) variable.dispose();
  }
}
