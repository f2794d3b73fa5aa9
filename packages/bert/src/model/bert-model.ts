import type {
  DifferentiableEncoder,
  EncoderInfo,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  TensorData,
  TokenizerLike,
} from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select-backend.js';
import { loadPretrainedParts, type PretrainedOptions } from '../checkpoint/load-pretrained.js';
import { type SaveOptions, savePretrained } from '../checkpoint/save-pretrained.js';
import { BertConfig } from '../config/bert-config.js';
import { type BertEncoderTensors, bertEncoderForward } from './bert-encoder-forward.js';
import { createParameters } from './bert-parameters.js';
import { DropoutContext } from './dropout.js';
import { encoderOutputToData } from './encoder-output-data.js';
import { encoderParameterSpecs, type ParameterSpec } from './parameter-specs.js';
import { registerGradients } from './register-gradients.js';
import { toInputTensors } from './to-input-tensors.js';

/**
 * Options of a forward pass: what to return, and whether dropout is on.
 *
 * @example
 * ```ts
 * const options: BertForwardOptions = { outputHiddenStates: true, outputAttentions: true, training: false };
 * const output = model.forward({ inputIds: [[101, 7592, 102]] }, options);
 * disposeOutput(output);
 * ```
 */
export interface BertForwardOptions extends EncoderOutputOptions {
  /** Turn dropout on (default false). */
  readonly training?: boolean;
  /** Seed of this pass's dropout masks (only with `training`); random when omitted. */
  readonly dropoutSeed?: number;
}

/**
 * Options of {@link BertModel}'s constructor.
 *
 * @example
 * ```ts
 * const options: BertModelOptions = { seed: 42, addPoolingLayer: true };
 * const model = new BertModel(new BertConfig({ numHiddenLayers: 4, hiddenSize: 256, numAttentionHeads: 4 }), options);
 * ```
 */
export interface BertModelOptions {
  /** Include the pooler (`pooler.dense`, tanh over `[CLS]`), as HF `add_pooling_layer` (default true). */
  readonly addPoolingLayer?: boolean;
  /** Seed of the N(0, initializerRange²) initialisation of weights not given in `initialWeights`. */
  readonly seed?: number;
  /** Starting values by HF name (no `bert.` prefix), in memory layout (linear weights `[in, out]`). */
  readonly initialWeights?: ReadonlyMap<string, tf.Tensor>;
  /** A tokenizer to keep with the model; `save` writes its files. */
  readonly tokenizer?: TokenizerLike;
}

/**
 * A BERT encoder (Devlin et al. 2019) on TensorFlow.js with HuggingFace `BertModel`'s parameters,
 * names and numerics: `forward` runs in the tfjs graph (differentiable, synchronous, returns tensors the
 * caller owns), `encode` returns engine-neutral {@link TensorData}. Implements `@icd/core`'s
 * `DifferentiableEncoder<tf.Tensor>`.
 *
 * Weights are `tf.Variable`s in {@link BertModel.weights} under their HF names (`embeddings.word_embeddings.weight`,
 * `encoder.layer.0.attention.self.query.weight`, ...). Linear weights are stored `[in, out]`, the
 * transpose of PyTorch's layout; checkpoint IO transposes.
 *
 * @example
 * ```ts
 * const model = new BertModel(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }), { seed: 1 });
 * const { lastHiddenState, poolerOutput } = model.forward({ inputIds: [[2, 5, 3, 0]], attentionMask: [[1, 1, 1, 0]] });
 * lastHiddenState.shape; // [1, 4, 32]
 * tf.dispose([lastHiddenState, poolerOutput]);
 * model.dispose();
 * ```
 */
export class BertModel implements DifferentiableEncoder<tf.Tensor> {
  readonly config: BertConfig;
  readonly info: EncoderInfo;
  /** Trainable parameters by HF name (no `bert.` prefix). */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** Whether the model has a pooler and returns `poolerOutput`. */
  readonly hasPooler: boolean;
  /** Tokenizer kept with the model (written by `save`). */
  tokenizer: TokenizerLike | undefined;
  private disposed = false;

  constructor(config: BertConfig, options: BertModelOptions = {}) {
    if (!(config instanceof BertConfig)) invalidArgument('BertModel', 'config', 'a BertConfig', config);
    registerGradients();
    this.config = config;
    this.hasPooler = options.addPoolingLayer ?? true;
    this.tokenizer = options.tokenizer;
    this.info = {
      modelType: 'bert',
      hiddenSize: config.hiddenSize,
      numHiddenLayers: config.numHiddenLayers,
      numAttentionHeads: config.numAttentionHeads,
      maxPositionEmbeddings: config.maxPositionEmbeddings,
      vocabSize: config.vocabSize,
    };
    this.weights = createParameters(this.parameterSpecs(), config, {
      initial: options.initialWeights,
      seed: options.seed,
    });
  }

  /** The HF parameter list of this model (names, PyTorch shapes, kinds). */
  parameterSpecs(): ParameterSpec[] {
    return encoderParameterSpecs(this.config, this.hasPooler);
  }

  /**
   * Loads `config.json` and `model.safetensors` (or sharded `model.safetensors.index.json`) from a
   * HuggingFace model folder. Accepts `BertModel`, `BertForMaskedLM` and `BertForPreTraining`
   * checkpoints (with or without the `bert.` prefix, old `gamma`/`beta` names, F32/F16/BF16); keeps the
   * pooler when the checkpoint has one. Refuses `pytorch_model.bin` with conversion instructions.
   *
   * @example
   * ```ts
   * const model = await BertModel.fromPretrained('models/Bio_ClinicalBERT');
   * ```
   */
  static async fromPretrained(directory: string, options: PretrainedOptions = {}): Promise<BertModel> {
    await ensureBackend();
    const parts = await loadPretrainedParts(directory, 'encoder', options);
    try {
      return new BertModel(parts.config, {
        addPoolingLayer: options.addPoolingLayer ?? parts.hasPooler,
        initialWeights: parts.encoderWeights,
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      });
    } finally {
      parts.dispose();
    }
  }

  /**
   * Writes `config.json`, `model.safetensors` (HF names and layouts, loadable by
   * `transformers.BertModel.from_pretrained`) and, when a tokenizer is attached or given, its files.
   */
  async save(directory: string, options: SaveOptions = {}): Promise<void> {
    this.assertUsable('save');
    await savePretrained(directory, {
      config: this.config,
      architecture: 'BertModel',
      tensors: this.parameterSpecs().map((spec) => ({
        spec,
        fileName: spec.name,
        value: this.weights.get(spec.name) as tf.Tensor,
      })),
      tokenizer: options.tokenizer ?? this.tokenizer,
    });
  }

  /**
   * The forward pass: `{ lastHiddenState [batch, seq, hidden], poolerOutput [batch, hidden], hiddenStates?, attentions? }`.
   * Accepts `number[][]`, `TensorData<Int32Array>` or tfjs tensors; returns new tensors the caller owns.
   */
  forward(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions = {},
  ): EncoderOutput<tf.Tensor> {
    this.assertUsable('forward');
    return this.runEncoder('BertModel.forward', input, options, this.hasPooler);
  }

  /** @internal Runs the encoder (used by `BertForMaskedLM` too); call inside or outside `tf.tidy`. */
  runEncoder(
    fn: string,
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions,
    pool: boolean,
  ): BertEncoderTensors {
    const inputs = toInputTensors(fn, input, this.config);
    try {
      return tf.tidy(
        () =>
          bertEncoderForward(
            this.weights,
            this.config,
            inputs,
            {
              outputHiddenStates: options.outputHiddenStates ?? false,
              outputAttentions: options.outputAttentions ?? false,
              pool,
            },
            new DropoutContext(options.training ?? false, options.dropoutSeed),
          ) as unknown as tf.TensorContainer,
      ) as unknown as BertEncoderTensors;
    } finally {
      tf.dispose([inputs.inputIds, inputs.attentionMask, inputs.tokenTypeIds]);
    }
  }

  /** `forward` without dropout, copied to {@link TensorData}; no tensor outlives the call. */
  async encode(input: EncoderInput, options: EncoderOutputOptions = {}): Promise<EncoderOutput<TensorData>> {
    const output = this.forward(input, { ...options, training: false });
    try {
      return await encoderOutputToData(output);
    } finally {
      disposeOutput(output);
    }
  }

  /** Frees every weight. Calling it twice is harmless; any later call fails. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const variable of this.weights.values()) variable.dispose();
  }

  /** Whether {@link dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertUsable(fn: string): void {
    if (this.disposed)
      invalidArgument(`BertModel.${fn}`, 'this', 'a model that has not been disposed', 'disposed');
  }
}

/**
 * Disposes every tensor of a forward output (logits, hidden states, attentions included).
 *
 * @example
 * ```ts
 * const output = model.forward({ inputIds: [[2, 5, 3]] }, { outputHiddenStates: true });
 * disposeOutput(output);
 * ```
 */
export function disposeOutput(output: Partial<EncoderOutput<tf.Tensor>> & { logits?: tf.Tensor }): void {
  tf.dispose(
    [
      output.lastHiddenState,
      output.poolerOutput,
      output.logits,
      ...(output.hiddenStates ?? []),
      ...(output.attentions ?? []),
    ].filter((tensor): tensor is tf.Tensor => tensor !== undefined),
  );
}
