import { BertConfig } from '@icd/bert';
import type { EncoderInfo, EncoderInput, EncoderOutputOptions, TensorData } from '@icd/core';
import { IcdError, invalidArgument, UnsupportedError } from '@icd/core';
import { type EmbeddingsInput, type EncoderFeeds, toEncoderFeeds } from './feeds.js';
import { readModelMetadata } from './model-metadata.js';
import {
  isNode,
  loadOnnxRuntime,
  type OnnxRuntimeChoice,
  type OrtModule,
  type OrtSession,
  type OrtSessionOptions,
  type OrtTensor,
} from './onnx-runtime.js';

/**
 * Options of `OnnxEncoder.load` / `OnnxMaskedLM.load`.
 *
 * @example
 * ```ts
 * const options: OnnxLoadOptions = { intraOpNumThreads: 2, runtime: 'node' };
 * const encoder = await OnnxEncoder.load(bytes, options);
 * ```
 */
export interface OnnxLoadOptions {
  /** `'node'` (onnxruntime-node, default in Node), `'web'` (onnxruntime-web, default elsewhere) or a module. */
  readonly runtime?: OnnxRuntimeChoice;
  /** Threads of one operator; default: onnxruntime's (one per physical core). */
  readonly intraOpNumThreads?: number;
  /** The model's `config.json` (object or `BertConfig`), needed for files without `icd.config` metadata (e.g. HF optimum exports). */
  readonly config?: BertConfig | Record<string, unknown>;
  /** Further onnxruntime session options (execution providers, optimisation level, ...). */
  readonly sessionOptions?: OrtSessionOptions;
}

/**
 * Bytes of an ONNX model, a URL to fetch it from, or in Node a file path (or `file:` URL) to read.
 *
 * @example
 * ```ts
 * const source: OnnxModelSource = '/models/icd/model.onnx';
 * await OnnxEncoder.load(source);
 * ```
 */
export type OnnxModelSource = Uint8Array | ArrayBuffer | string;

/** Reads a file in Node (a path or a `file:` URL); the specifier is a variable so bundlers leave it alone. */
async function readNodeFile(fn: string, path: string): Promise<Uint8Array> {
  const specifier = 'node:fs/promises';
  const { readFile } = (await import(/* @vite-ignore */ specifier)) as {
    readFile(path: string | URL): Promise<Uint8Array>;
  };
  try {
    return new Uint8Array(await readFile(/^file:/i.test(path) ? new URL(path) : path));
  } catch (cause) {
    return invalidArgument(fn, 'source', `an existing ONNX file (${String(cause)})`, path);
  }
}

async function toBytes(fn: string, source: OnnxModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' || source.length === 0)
    invalidArgument(fn, 'source', 'ONNX bytes (Uint8Array), a URL, or in Node a file path', source);
  // Node: a path or a file: URL is read from disk; http(s), blob: and data: URLs are fetched.
  if (isNode() && !/^(https?|blob|data):/i.test(source)) return readNodeFile(fn, source);
  const response = await fetch(source);
  if (!response.ok)
    invalidArgument(fn, 'source', 'a URL that serves the ONNX file', `${source} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

function resolveConfig(
  fn: string,
  metadata: Record<string, string>,
  config: OnnxLoadOptions['config'],
): BertConfig {
  if (config instanceof BertConfig) return config;
  if (config !== undefined) return BertConfig.fromJson(config);
  const stored = metadata['icd.config'];
  if (stored === undefined) {
    invalidArgument(
      fn,
      'options.config',
      "the model's config.json (this ONNX file carries no icd.config metadata)",
      undefined,
    );
  }
  return BertConfig.fromJson(JSON.parse(stored));
}

/**
 * What `OnnxEncoder` and `OnnxMaskedLM` share: one onnxruntime session over a BERT graph with HF
 * optimum's input names, the config that sizes its checks, and the conversion of inputs to int64 feeds
 * and of outputs to {@link TensorData}.
 *
 * @example
 * ```ts
 * const model: OnnxSessionModel = await OnnxEncoder.load(bytes);
 * model.inputNames; // ['input_ids', 'attention_mask', 'token_type_ids']
 * model.takesEmbeddings; // false
 * ```
 */
export class OnnxSessionModel {
  readonly config: BertConfig;
  readonly info: EncoderInfo;
  /** The session's input and output names (`input_ids`, `attention_mask`, ..., `last_hidden_state`, ...). */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private released = false;

  protected constructor(
    protected readonly runtime: OrtModule,
    protected readonly session: OrtSession,
    config: BertConfig,
  ) {
    this.config = config;
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
    this.info = {
      modelType: 'bert',
      hiddenSize: config.hiddenSize,
      numHiddenLayers: config.numHiddenLayers,
      numAttentionHeads: config.numAttentionHeads,
      maxPositionEmbeddings: config.maxPositionEmbeddings,
      vocabSize: config.vocabSize,
    };
  }

  /** @internal Creates the session and reads the config (from metadata or `options.config`). */
  protected static async createSession(
    fn: string,
    source: OnnxModelSource,
    options: OnnxLoadOptions,
  ): Promise<{ runtime: OrtModule; session: OrtSession; config: BertConfig; bytes: Uint8Array }> {
    const bytes = await toBytes(fn, source);
    const config = resolveConfig(fn, readModelMetadata(bytes), options.config);
    if (
      options.intraOpNumThreads !== undefined &&
      (!Number.isInteger(options.intraOpNumThreads) || options.intraOpNumThreads < 0)
    ) {
      invalidArgument(
        fn,
        'intraOpNumThreads',
        'an integer >= 0 (0: onnxruntime default)',
        options.intraOpNumThreads,
      );
    }
    const runtime = await loadOnnxRuntime(options.runtime);
    const sessionOptions: OrtSessionOptions = {
      graphOptimizationLevel: 'all',
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      ...options.sessionOptions,
    };
    try {
      return {
        runtime,
        session: await runtime.InferenceSession.create(bytes, sessionOptions),
        config,
        bytes,
      };
    } catch (cause) {
      if (IcdError.isInstance(cause)) throw cause;
      invalidArgument(
        fn,
        'source',
        `an ONNX model onnxruntime can load (${String(cause)})`,
        `${bytes.length} bytes`,
      );
    }
  }

  /** Whether the graph takes `inputs_embeds` instead of `input_ids`. */
  get takesEmbeddings(): boolean {
    return this.inputNames.includes('inputs_embeds');
  }

  /** Frees the session. Calling it twice is harmless; any later call fails. */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    void this.session.release();
  }

  /** @internal Checks `input`, runs the session and returns the outputs asked for as TensorData. */
  protected async runSession(
    fn: string,
    input: EncoderInput | EmbeddingsInput,
    fetches: readonly string[],
    extraFeeds: Record<string, OrtTensor> = {},
    options: EncoderOutputOptions = {},
  ): Promise<Record<string, TensorData>> {
    if (this.released) invalidArgument(fn, 'this', 'a model that has not been disposed', 'disposed');
    if (options.outputHiddenStates || options.outputAttentions) {
      throw new UnsupportedError({
        feature: 'onnx-hidden-states',
        message: `${fn}: ONNX models return the last hidden state only; use the tfjs BertModel for outputHiddenStates / outputAttentions`,
      });
    }
    for (const name of fetches) {
      if (!this.outputNames.includes(name)) {
        throw new UnsupportedError({
          feature: `onnx-output-${name}`,
          message: `${fn}: this ONNX model has no output '${name}' (outputs: ${this.outputNames.join(', ')}); export it with the matching task`,
        });
      }
    }
    const feeds = toEncoderFeeds(fn, input, this.config);
    const results = await this.session.run({ ...this.toFeeds(fn, feeds), ...extraFeeds }, fetches);
    const output: Record<string, TensorData> = {};
    for (const name of fetches) {
      const tensor = results[name] as OrtTensor;
      output[name] = { data: tensor.data as Float32Array, shape: [...tensor.dims] };
    }
    return output;
  }

  private toFeeds(fn: string, feeds: EncoderFeeds): Record<string, OrtTensor> {
    const { Tensor } = this.runtime;
    const dims = [feeds.rows, feeds.columns];
    const result: Record<string, OrtTensor> = {};
    if (this.takesEmbeddings !== (feeds.inputsEmbeds !== undefined)) {
      invalidArgument(
        fn,
        'input',
        this.takesEmbeddings
          ? '{ inputsEmbeds } (this model was exported with inputsEmbeds)'
          : '{ inputIds }',
        feeds.inputsEmbeds ? 'inputsEmbeds' : 'inputIds',
      );
    }
    if (feeds.inputsEmbeds) {
      result.inputs_embeds = new Tensor('float32', feeds.inputsEmbeds.data, feeds.inputsEmbeds.shape);
    } else if (feeds.inputIds) {
      result.input_ids = new Tensor('int64', feeds.inputIds.data, dims);
    }
    if (this.inputNames.includes('attention_mask')) {
      result.attention_mask = new Tensor('int64', feeds.attentionMask.data, dims);
    }
    if (this.inputNames.includes('token_type_ids')) {
      result.token_type_ids = new Tensor('int64', feeds.tokenTypeIds.data, dims);
    }
    return result;
  }
}
