import { BertConfig } from '@icd/bert';
import { assertOneOf, invalidArgument, UnsupportedError } from '@icd/core';
import { GraphBuilder } from '../graph/graph-builder.js';
import { isNode } from '../runtime/onnx-runtime.js';
import {
  additiveMaskGraph,
  type EncoderGraphContext,
  embeddingsGraph,
  layerGraph,
  poolerGraph,
} from './bert-encoder-graph.js';
import { fusedLayerGraph } from './fused-layer-graph.js';
import { type ExportableHead, labelHeadGraph } from './label-head-graph.js';
import { LinearGraph, type Quantization, type WeightValues } from './linear-graph.js';
import { maskedLMHeadGraph } from './masked-lm-head-graph.js';
import { type ExportableBert, readWeights } from './read-weights.js';

/**
 * The ONNX opset of every export: 17 is the first with `LayerNormalization`.
 *
 * @example
 * ```ts
 * onnxOpset; // 17
 * ```
 */
export const onnxOpset = 17;
/** ONNX IR version 8 (opsets up to 17; what onnx 1.12's checker, and every onnxruntime ≥ 1.14, reads). */
const irVersion = 8;

/**
 * Which model the graph computes: the encoder, or the encoder and the masked-LM head.
 *
 * @example
 * ```ts
 * const task: ExportTask = 'maskedLM';
 * await exportOnnx(mlm, { task });
 * ```
 */
export type ExportTask = 'encoder' | 'maskedLM';

/**
 * Options of {@link exportOnnx}.
 *
 * @example
 * ```ts
 * const options: ExportOnnxOptions = { task: 'maskedLM', maskedPositions: true, quantization: 'int8' };
 * const bytes = await exportOnnx(mlm, options);
 * ```
 */
export interface ExportOnnxOptions {
  /** `'encoder'` (outputs `last_hidden_state`, `pooler_output`) or `'maskedLM'` (adds `logits`); default: `'maskedLM'` when the model has the MLM head. */
  readonly task?: ExportTask;
  /** Take `inputs_embeds` `[batch, sequence, hidden]` float32 instead of `input_ids` (soft prompts). Default false. */
  readonly inputsEmbeds?: boolean;
  /** maskedLM only: add an input `masked_positions` `[batch, positions]` (int64) and compute logits only there. Default false. */
  readonly maskedPositions?: boolean;
  /** `'none'` (float32, default) or `'int8'` (dynamic int8 linear layers, see the README for its accuracy cost). */
  readonly quantization?: Quantization;
  /**
   * Write each layer with ONNX Runtime's contrib operators `Attention` and `SkipLayerNormalization`
   * (domain `com.microsoft`; onnxruntime-node and -web run them, other runtimes may not). Float32 only.
   * Default false: standard ONNX operators only.
   */
  readonly fusedOperators?: boolean;
  /**
   * A label head of `@icd/heads` (`ClsHead`, `LabelAttention`) to write after the encoder, in one
   * file: outputs `logits` `[batch, numLabels]` (before sigmoid / softmax) and, for LabelAttention,
   * `label_attention` `[batch, numLabels, sequence]`; the head's config (labels included) goes in the
   * `icd.head` metadata. Task `'encoder'` only; the head stays float32 under `quantization: 'int8'`.
   */
  readonly head?: ExportableHead;
  /** Extra `metadata_props` entries (e.g. the checkpoint's hash); the exporter's own `icd.*` keys win over them. */
  readonly metadata?: Readonly<Record<string, string>>;
}

const batch = 'batch_size';
const sequence = 'sequence_length';

/**
 * Writes an `@icd/bert` `BertModel` or `BertForMaskedLM` as an ONNX model (opset 17, IR 8) and returns
 * its bytes. The graph is built with protobufjs from the official `onnx.proto`; weights are
 * initializers under their HF names (linear weights in `[in, out]` layout); batch and sequence axes
 * are dynamic. Inputs and outputs are named as HF optimum names them, so the file also runs in Python's
 * onnxruntime and transformers.js: int64 `input_ids` (or float32 `inputs_embeds`), `attention_mask`,
 * `token_type_ids`; outputs `last_hidden_state` `[batch, sequence, hidden]`, `pooler_output`
 * `[batch, hidden]` (when the model has a pooler), and for the masked LM `logits`
 * `[batch, sequence | positions, vocab]` and `transformed_hidden_state` (the MLM head transform, the
 * input of the tied decoder, for soft verbalizers).
 *
 * `exportOnnx(model, file, options)` also writes the bytes to `file` in Node (parent folders created;
 * an `UnsupportedError` in a browser), as `exportOnnxFile` of `@icd/onnx/node` does.
 *
 * @example
 * ```ts
 * await exportOnnx(mlm, 'models/icd-bert/model.onnx', { quantization: 'int8' });
 * const model = new BertModel(new BertConfig({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 }), { seed: 1 });
 * const bytes = await exportOnnx(model);
 * const encoder = await OnnxEncoder.load(bytes);
 * const { lastHiddenState } = await encoder.encode({ inputIds: [[2, 5, 3]] });
 * ```
 */
export async function exportOnnx(model: ExportableBert, options?: ExportOnnxOptions): Promise<Uint8Array>;
export async function exportOnnx(
  model: ExportableBert,
  file: string,
  options?: ExportOnnxOptions,
): Promise<Uint8Array>;
export async function exportOnnx(
  model: ExportableBert,
  fileOrOptions?: string | ExportOnnxOptions,
  fileOptions?: ExportOnnxOptions,
): Promise<Uint8Array> {
  const fn = 'exportOnnx';
  const file = typeof fileOrOptions === 'string' ? fileOrOptions : undefined;
  if (file !== undefined && file.length === 0) invalidArgument(fn, 'file', 'a file path', file);
  const given = file === undefined ? fileOrOptions : fileOptions;
  const options = given === undefined ? {} : given;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    invalidArgument(fn, 'options', 'an options object (ExportOnnxOptions)', options);
  const bytes = await exportOnnxBytes(fn, model, options);
  if (file !== undefined) await writeNodeFile(fn, file, bytes);
  return bytes;
}

/**
 * Writes `bytes` to `file` in Node (parent folders created); the specifiers are variables so bundlers
 * leave them alone, as `OnnxEncoder.load` reads files.
 */
async function writeNodeFile(fn: string, file: string, bytes: Uint8Array): Promise<void> {
  if (!isNode())
    throw new UnsupportedError({
      feature: 'exportOnnx to a file',
      message: `${fn}: a browser has no files; call exportOnnx(model, options), which returns the bytes`,
    });
  const fsSpecifier = 'node:fs/promises';
  const pathSpecifier = 'node:path';
  const fs = (await import(/* @vite-ignore */ fsSpecifier)) as {
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    writeFile(path: string, data: Uint8Array): Promise<void>;
  };
  const { dirname } = (await import(/* @vite-ignore */ pathSpecifier)) as { dirname(path: string): string };
  try {
    await fs.mkdir(dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
  } catch (cause) {
    invalidArgument(fn, 'file', `a writable file path (${String(cause)})`, file);
  }
}

async function exportOnnxBytes(
  fn: string,
  model: ExportableBert,
  options: ExportOnnxOptions,
): Promise<Uint8Array> {
  if (typeof model !== 'object' || model === null || !(model.config instanceof BertConfig)) {
    invalidArgument(fn, 'model', 'a BertModel or BertForMaskedLM from @icd/bert', model);
  }
  const quantization = options.quantization ?? 'none';
  assertOneOf(fn, 'quantization', quantization, ['none', 'int8'] as const);
  const { encoder, head } = await readWeights(fn, model);
  const task = options.task ?? (head && !options.head ? 'maskedLM' : 'encoder');
  assertOneOf(fn, 'task', task, ['encoder', 'maskedLM'] as const);
  if (task === 'maskedLM' && !head) {
    invalidArgument(fn, 'task', "'encoder' for a model without the masked-LM head (cls.predictions.*)", task);
  }
  if (options.fusedOperators && quantization !== 'none') {
    invalidArgument(
      fn,
      'fusedOperators',
      "false with quantization 'int8' (the fused layers are float32)",
      true,
    );
  }
  if (options.head !== undefined && task !== 'encoder') {
    invalidArgument(fn, 'task', "'encoder' with a label head (its logits replace the masked LM's)", task);
  }
  if (options.maskedPositions && task !== 'maskedLM') {
    invalidArgument(fn, 'maskedPositions', "false unless task is 'maskedLM'", options.maskedPositions);
  }
  const config = model.config;
  const graph = new GraphBuilder();
  const linear = new LinearGraph(graph, quantization);
  const weight = (name: string): WeightValues => encoder.get(name) as WeightValues;
  const context: EncoderGraphContext = { graph, linear, config, weight };
  const nameRoot = task === 'maskedLM' ? 'bert.' : '';

  // Created on first use: an inputs_embeds encoder (or an int8 or untied decoder) does not need it.
  let wordEmbeddingsName: string | undefined;
  const wordEmbeddings = (): string => {
    const table = weight('embeddings.word_embeddings.weight');
    wordEmbeddingsName ??= graph.initializer(
      `${nameRoot}embeddings.word_embeddings.weight`,
      table.values,
      table.shape,
    );
    return wordEmbeddingsName;
  };
  let words: string;
  let firstInput: string;
  if (options.inputsEmbeds) {
    firstInput = graph.input('inputs_embeds', 'float', [batch, sequence, config.hiddenSize]);
    words = firstInput;
  } else {
    firstInput = graph.input('input_ids', 'int64', [batch, sequence]);
    words = graph.node('Gather', [wordEmbeddings(), firstInput]);
  }
  const attentionMask = graph.input('attention_mask', 'int64', [batch, sequence]);
  const tokenTypeIds = graph.input('token_type_ids', 'int64', [batch, sequence]);
  const sequenceLength = graph.node('Gather', [graph.node('Shape', [firstInput]), graph.int64([1])]);

  let hidden = embeddingsGraph(context, words, tokenTypeIds, sequenceLength, nameRoot);
  if (options.fusedOperators) {
    const maskIndex = graph.node('Cast', [attentionMask], { to: { int: 6 } }); // int32, as Attention wants
    for (let layer = 0; layer < config.numHiddenLayers; layer++) {
      hidden = fusedLayerGraph(context, hidden, maskIndex, layer, nameRoot);
    }
  } else {
    const additiveMask = additiveMaskGraph(graph, attentionMask);
    for (let layer = 0; layer < config.numHiddenLayers; layer++) {
      hidden = layerGraph(context, hidden, additiveMask, layer, nameRoot);
    }
  }
  graph.output(hidden, 'last_hidden_state', 'float', [batch, sequence, config.hiddenSize]);
  if (encoder.has('pooler.dense.weight')) {
    graph.output(poolerGraph(context, hidden, nameRoot), 'pooler_output', 'float', [
      batch,
      config.hiddenSize,
    ]);
  }
  let labelHead: Awaited<ReturnType<typeof labelHeadGraph>> | undefined;
  if (options.head !== undefined) {
    labelHead = await labelHeadGraph(graph, options.head, hidden, attentionMask, config.hiddenSize);
    const labels = options.head.labels.length;
    graph.output(labelHead.logits, 'logits', 'float', [batch, labels]);
    if (labelHead.labelAttention) {
      graph.output(labelHead.labelAttention, 'label_attention', 'float', [batch, labels, sequence]);
    }
  }
  if (task === 'maskedLM' && head) {
    let headInput = hidden;
    let rows = sequence;
    if (options.maskedPositions) {
      rows = 'num_positions';
      const positions = graph.input('masked_positions', 'int64', [batch, rows]);
      const indices = graph.node('Unsqueeze', [positions, graph.int64([2])]);
      headInput = graph.node('GatherND', [hidden, indices], { batch_dims: { int: 1 } });
    }
    const headWeight = (name: string): WeightValues => head.get(name) as WeightValues;
    const { transformed, logits } = maskedLMHeadGraph(
      { ...context, headWeight },
      headInput,
      wordEmbeddings,
      quantization === 'int8',
    );
    graph.output(logits, 'logits', 'float', [batch, rows, config.vocabSize]);
    graph.output(transformed, 'transformed_hidden_state', 'float', [batch, rows, config.hiddenSize]);
  }
  return graph.encode({
    graphName: labelHead ? 'BertWithLabelHead' : task === 'maskedLM' ? 'BertForMaskedLM' : 'BertModel',
    opset: onnxOpset,
    irVersion,
    producerVersion: '0.1.0',
    docString: 'BERT exported by @icd/onnx from @icd/bert weights (HF names; linear weights [in, out]).',
    metadata: {
      ...options.metadata,
      'icd.config': JSON.stringify(config.toJson()),
      'icd.task': task,
      'icd.input': options.inputsEmbeds ? 'inputs_embeds' : 'input_ids',
      'icd.masked_positions': String(options.maskedPositions ?? false),
      'icd.quantization': quantization,
      'icd.fused_operators': String(options.fusedOperators ?? false),
      ...(labelHead ? { 'icd.head': JSON.stringify(labelHead.config) } : {}),
    },
  });
}
