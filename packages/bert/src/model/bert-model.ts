import type {
  DifferentiableEncoder,
  EncoderInfo,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  TensorData,
  TokenBatch,
  TokenizerLike,
} from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/select-backend.js';
import { releaseCrashHandlers } from '../backend/wasm-crash-handlers.js';
import {
  assemblePretrained,
  type PretrainedOptions,
  type PretrainedParts,
} from '../checkpoint/assemble-pretrained.js';
import { type FetchPretrainedOptions, fetchPretrainedWeights } from '../checkpoint/fetch-pretrained.js';
import type { LoadReport } from '../checkpoint/load-report.js';
import { pretrainedFiles, type SaveOptions } from '../checkpoint/pretrained-files.js';
import { type SafetensorsBytes, safetensorsFiles, toConfig } from '../checkpoint/safetensors-files.js';
import { BertConfig } from '../config/bert-config.js';
import { wordEmbeddings } from './bert-embeddings.js';
import { type BertEncoderTensors, bertEncoderForward } from './bert-encoder-forward.js';
import type { BertForwardOptions, BertModelOptions } from './bert-model-options.js';
import { createParameters } from './bert-parameters.js';
import { DropoutContext } from './dropout.js';
import { encoderOutputToData } from './encoder-output-data.js';
import { encoderParameterCount, encoderParameterSpecs, type ParameterSpec } from './parameter-specs.js';

/** The largest model built: 2³¹ float32 values (8 GiB); a config beyond it is a typo, not a model. */
const maxParameters = 2 ** 31;

import { registerGradients } from './register-gradients.js';
import { checkForwardOptions, toInputTensors } from './to-input-tensors.js';

export type { BertForwardOptions, BertModelOptions } from './bert-model-options.js';

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
export class BertModel implements DifferentiableEncoder<tf.Tensor, tf.Variable> {
  readonly config: BertConfig;
  readonly info: EncoderInfo;
  /** Trainable parameters by HF name (no `bert.` prefix). */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** Whether the model has a pooler and returns `poolerOutput`. */
  readonly hasPooler: boolean;
  /** Tokenizer kept with the model (written by `save`). */
  tokenizer: TokenizerLike | undefined;
  /** What loading did (missing and unused tensors); `undefined` for a model built with `new`. */
  loadReport: LoadReport | undefined;
  private disposed = false;

  constructor(config: BertConfig, options: BertModelOptions = {}) {
    if (!(config instanceof BertConfig)) invalidArgument('BertModel', 'config', 'a BertConfig', config);
    registerGradients();
    // A wasm backend the user set up directly (not through selectBackend) leaves its glue's crash handlers.
    releaseCrashHandlers();
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
    const count = encoderParameterCount(config, this.hasPooler);
    if (count > maxParameters) {
      invalidArgument(
        'BertModel',
        'config',
        `a model of at most ${maxParameters} parameters (8 GiB of float32)`,
        `${count} parameters (hiddenSize ${config.hiddenSize}, numHiddenLayers ${config.numHiddenLayers}, vocabSize ${config.vocabSize})`,
      );
    }
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
   * Builds a model from safetensors bytes (`model.safetensors`, or the shards of a sharded checkpoint)
   * and its config (a {@link BertConfig} or the parsed `config.json`), without a file system: what
   * `fromPretrained(dir)` of `@icd/bert/node` does after reading the folder, and what a browser does with
   * fetched bytes. Accepts `BertModel`, `BertForMaskedLM` and `BertForPreTraining` checkpoints (with or
   * without the `bert.` prefix, old `gamma`/`beta` names, F32/F16/BF16); keeps the pooler when the
   * checkpoint has one. What was missing or unused is in {@link loadReport}.
   *
   * @example
   * ```ts
   * const [config, weights] = await Promise.all([
   *   fetch('/models/bert/config.json').then((r) => r.json()),
   *   fetch('/models/bert/model.safetensors').then((r) => r.arrayBuffer()),
   * ]);
   * const model = await BertModel.fromSafetensors(new Uint8Array(weights), config);
   * ```
   */
  static async fromSafetensors<T extends BertModel>(
    this: new (
      config: BertConfig,
      options?: BertModelOptions,
    ) => T,
    weights: SafetensorsBytes,
    config: BertConfig | Record<string, unknown>,
    options: PretrainedOptions = {},
  ): Promise<T> {
    await ensureBackend();
    const parts = assemblePretrained(
      toConfig(config),
      safetensorsFiles('BertModel.fromSafetensors', weights),
      'encoder',
      options,
    );
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass (e.g. @icd/bert/node's) to build.
    return BertModel.fromParts.call(this, parts, options) as T;
  }

  /**
   * Loads a HuggingFace Hub model by id (`org/name`) over `fetch`, without a file system (browsers,
   * workers): `config.json` and `model.safetensors` (or every shard of `model.safetensors.index.json`),
   * kept in the Cache API (`icd-hub` by default, `options.cache` to choose, `false` for none) so the next
   * load, and `localFilesOnly`, need no network; then as {@link BertModel.fromSafetensors}. Pickle-only repos
   * are refused (`HubError`, reason `unsupported`). `@icd/bert/node`'s `fromPretrained` takes a folder or
   * an id and uses the huggingface_hub cache shared with Python instead.
   *
   * @throws HubError (`gated`, `notFound`, `notCached`, `unsupported`, `integrity`, `network`) from
   * `@icd/hub`; CheckpointError for a bad config or checkpoint.
   * @example
   * ```ts
   * const model = await BertModel.fromPretrained('emilyalsentzer/Bio_ClinicalBERT', { revision: 'main' });
   * ```
   */
  static async fromPretrained<T extends BertModel>(
    this: new (
      config: BertConfig,
      options?: BertModelOptions,
    ) => T,
    repo: string,
    options: FetchPretrainedOptions = {},
  ): Promise<T> {
    const { config, weights } = await fetchPretrainedWeights('BertModel.fromPretrained', repo, options);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass to build.
    return BertModel.fromSafetensors.call(this, weights, config, options) as Promise<T>;
  }

  /** @internal A model (of the class `fromParts` is called on) from loaded parts; disposes them. */
  static fromParts<T extends BertModel>(
    this: new (
      config: BertConfig,
      options?: BertModelOptions,
    ) => T,
    parts: PretrainedParts,
    options: PretrainedOptions,
  ): T {
    try {
      const model = new this(parts.config, {
        addPoolingLayer: options.addPoolingLayer ?? parts.hasPooler,
        initialWeights: parts.encoderWeights,
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
      });
      model.loadReport = parts.report;
      return model;
    } finally {
      parts.dispose();
    }
  }

  /**
   * The files of a HuggingFace model folder by name: `config.json`, `model.safetensors` (HF names and
   * layouts, loadable by `transformers.BertModel.from_pretrained`) and, when a tokenizer is attached or
   * given, its files. Browser-safe; `save(dir)` of `@icd/bert/node` writes them to a folder.
   *
   * @example
   * ```ts
   * const files = await model.toPretrainedFiles();
   * const blob = new Blob([files['model.safetensors']!]); // offer it as a download
   * ```
   */
  async toPretrainedFiles(options: SaveOptions = {}): Promise<Record<string, string | Uint8Array>> {
    this.assertUsable('toPretrainedFiles');
    return pretrainedFiles({
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
   * Accepts `number[][]`, `TensorData<Int32Array>` or tfjs tensors as `inputIds`, or `inputsEmbeds`
   * (`[batch, seq, hidden]` word vectors, e.g. soft-prompt vectors concatenated with
   * {@link embedTokens}' output: position and type embeddings, LayerNorm and dropout follow).
   * Values are range-checked (ids, mask 0/1, token types). Returns new tensors the caller owns.
   *
   * @example
   * ```ts
   * const words = model.embedTokens([[2, 8, 9, 3]]); // [1, 4, hidden]
   * const prompt = tf.concat([softPrompt, words], 1); // softPrompt: [1, k, hidden]
   * const { lastHiddenState } = model.forward({ inputsEmbeds: prompt }, { training: true, dropoutSeed: 1 });
   * ```
   */
  forward(
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions = {},
  ): EncoderOutput<tf.Tensor> {
    this.assertUsable('forward');
    return this.runEncoder('BertModel.forward', input, options, this.hasPooler);
  }

  /**
   * The word-embedding table `[vocabSize, hiddenSize]` (HF `get_input_embeddings().weight`): the
   * variable in {@link weights}, not a copy.
   *
   * @example
   * ```ts
   * model.getInputEmbeddings().shape; // [config.vocabSize, config.hiddenSize]
   * ```
   */
  getInputEmbeddings(): tf.Variable {
    this.assertUsable('getInputEmbeddings');
    return this.weights.get('embeddings.word_embeddings.weight') as tf.Variable;
  }

  /**
   * Word vectors of token ids, `[batch, sequence, hidden]`: the rows of {@link getInputEmbeddings}
   * (ids checked against the vocabulary), differentiable with respect to the table on every backend;
   * what `forward` computes before position and type embeddings. A new tensor the caller owns.
   *
   * @example
   * ```ts
   * const words = model.embedTokens([[2, 8, 3]]);
   * words.shape; // [1, 3, hidden]
   * ```
   */
  embedTokens(inputIds: TokenBatch | tf.Tensor): tf.Tensor3D {
    this.assertUsable('embedTokens');
    const inputs = toInputTensors('BertModel.embedTokens', { inputIds } as EncoderInput, this.config);
    try {
      return tf.tidy(() =>
        tf.reshape(wordEmbeddings(this.weights, inputs.inputIds as tf.Tensor2D), [
          inputs.batch,
          inputs.length,
          this.config.hiddenSize,
        ]),
      ) as tf.Tensor3D;
    } finally {
      tf.dispose([inputs.inputIds, inputs.attentionMask, inputs.tokenTypeIds] as tf.Tensor[]);
    }
  }

  /** @internal Runs the encoder (used by `BertForMaskedLM` too); call inside or outside `tf.tidy`. */
  runEncoder(
    fn: string,
    input: EncoderInput | EncoderTensorInput<tf.Tensor>,
    options: BertForwardOptions,
    pool: boolean,
  ): BertEncoderTensors {
    checkForwardOptions(fn, options);
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
      tf.dispose(
        [inputs.inputIds, inputs.inputsEmbeds, inputs.attentionMask, inputs.tokenTypeIds].filter(
          (tensor) => tensor !== undefined,
        ) as tf.Tensor[],
      );
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

  /** @internal */
  assertUsable(fn: string): void {
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
