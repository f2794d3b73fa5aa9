import { BertModel, ensureBackend, SafetensorsFile, serializeSafetensors } from '@icd/bert';
import type { Encoder, TokenizerLike } from '@icd/core';
import { CheckpointError, UnsupportedError } from '@icd/core';
import { Tokenizer } from '@icd/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { HeadCoder, type NoteFilter } from '../coder/head-coder.js';
import type { TfLabelHead } from '../training/head-batches.js';
import { builtInHeadBuilders } from './head-builders.js';
import {
  checkCoderConfig,
  type HeadCoderConfig,
  headCoderFormat,
  headCoderVersion,
} from './head-coder-config.js';

/**
 * Rebuilds a head from its saved config (`head/config.json`, with its `headType`) and weights (by name).
 *
 * @example
 * ```ts
 * const build: HeadBuilder = (json, weights) => MyHead.fromJSON(json, weights);
 * ```
 */
export type HeadBuilder = (
  json: Readonly<Record<string, unknown>>,
  weights: ReadonlyMap<string, tf.Tensor>,
) => TfLabelHead;

/**
 * Files by name: text (JSON, vocabularies) or bytes (safetensors).
 *
 * @example
 * ```ts
 * const files: ModelFiles = { 'head-coder.json': '{...}', 'head/model.safetensors': bytes };
 * ```
 */
export type ModelFiles = Readonly<Record<string, string | Uint8Array>>;

/**
 * Options of {@link headCoderFiles}.
 *
 * @example
 * ```ts
 * const files = await headCoderFiles(coder, { includeEncoder: false }); // an ONNX encoder saved on its own
 * ```
 */
export interface HeadCoderFilesOptions {
  /** Write `encoder/` (config, weights, tokenizer files) too (default true; needs `toPretrainedFiles`). */
  readonly includeEncoder?: boolean;
}

/**
 * Options of {@link headCoderFromFiles}: what a folder cannot hold, or what to use instead of its parts.
 *
 * @example
 * ```ts
 * const coder = await headCoderFromFiles(files, { encoder: onnxEncoder, heads: { mine: (json, w) => MyHead.fromJSON(json, w) } });
 * ```
 */
export interface HeadCoderLoadOptions {
  /** The encoder to use instead of `encoder/` (e.g. an ONNX encoder of the same weights). */
  readonly encoder?: Encoder;
  readonly tokenizer?: TokenizerLike;
  /** Builders of head types other than the built-in ones, by `headType`. */
  readonly heads?: Readonly<Record<string, HeadBuilder>>;
  readonly filter?: NoteFilter;
}

const text = (files: ModelFiles, name: string): string | undefined => {
  const content = files[name];
  return content === undefined
    ? undefined
    : typeof content === 'string'
      ? content
      : new TextDecoder().decode(content);
};

function parseJson(files: ModelFiles, name: string): unknown {
  const content = text(files, name);
  if (content === undefined)
    throw new CheckpointError({ file: name, message: 'missing: not a head coder folder' });
  try {
    return JSON.parse(content);
  } catch (cause) {
    throw new CheckpointError({ file: name, message: `not valid JSON (${String(cause)})`, cause });
  }
}

/**
 * The files of a head coder, without a file system (browser-safe):
 * - `head-coder.json`: `format: 'icd-head-coder'`, `version: 1`, labels, thresholds (`null` = never
 *   predict), window settings, batch sizes, evidence settings, the head's type;
 * - `head/config.json` (`head.toJSON()`) and `head/model.safetensors` (the head's weights, and its
 *   `buffers` when it has some, by name, in their in-memory layout, metadata `format: icd-head`),
 *   loadable on their own;
 * - `encoder/`: the encoder's HuggingFace folder and its tokenizer files (`toPretrainedFiles`).
 *
 * @example
 * ```ts
 * const files = await headCoderFiles(coder);
 * Object.keys(files); // ['head-coder.json', 'head/config.json', 'head/model.safetensors', 'encoder/config.json', ...]
 * ```
 */
export async function headCoderFiles(
  coder: HeadCoder,
  options: HeadCoderFilesOptions = {},
): Promise<Record<string, string | Uint8Array>> {
  const head = coder.head as TfLabelHead & { toJSON?: () => Record<string, unknown> };
  if (typeof head.toJSON !== 'function')
    throw new UnsupportedError({
      feature: 'saving this head',
      message: 'the head has no toJSON() (the heads of @icd/heads have one): give it one to save it',
    });
  const headJson = head.toJSON();
  if (typeof headJson?.headType !== 'string')
    throw new UnsupportedError({
      feature: 'saving this head',
      message: "the head's toJSON() has no string 'headType'",
    });
  const config: HeadCoderConfig = {
    format: headCoderFormat,
    version: headCoderVersion,
    headType: headJson.headType,
    problemType: coder.head.problemType,
    labels: [...coder.labels],
    thresholds: Array.from(coder.thresholds, (t) => (Number.isFinite(t) ? t : null)),
    windowLength: coder.settings.windowLength,
    stride: coder.settings.stride,
    maxWindows: coder.settings.maxWindows ?? null,
    batchSize: coder.batchSize,
    encoderBatchSize: coder.encoderBatchSize,
    hiddenSize: coder.encoder.info.hiddenSize,
    evidence: { ...coder.evidenceOptions },
  };
  const tensors = [];
  for (const [name, tensor] of savedTensors(coder.head))
    tensors.push({ name, shape: tensor.shape, data: (await tensor.data()) as Float32Array });
  const files: Record<string, string | Uint8Array> = {
    'head-coder.json': `${JSON.stringify(config, null, 2)}\n`,
    'head/config.json': `${JSON.stringify(headJson, null, 2)}\n`,
    'head/model.safetensors': serializeSafetensors(tensors, { format: 'icd-head' }),
  };
  if (options.includeEncoder ?? true) {
    const encoder = coder.encoder as Encoder & {
      toPretrainedFiles?: (options: {
        tokenizer?: TokenizerLike;
      }) => Promise<Record<string, string | Uint8Array>>;
    };
    if (typeof encoder.toPretrainedFiles !== 'function')
      throw new UnsupportedError({
        feature: 'saving this encoder',
        message:
          "the encoder has no toPretrainedFiles() (@icd/bert's BertModel has): pass { includeEncoder: false } and give the encoder again when loading",
      });
    for (const [name, content] of Object.entries(
      await encoder.toPretrainedFiles({ tokenizer: coder.tokenizer }),
    ))
      files[`encoder/${name}`] = content;
  }
  return files;
}

function loadTokenizer(files: ModelFiles): TokenizerLike {
  const json = text(files, 'encoder/tokenizer.json');
  if (json !== undefined) return Tokenizer.fromJSON(json);
  const vocab = text(files, 'encoder/vocab.txt');
  if (vocab === undefined)
    throw new CheckpointError({
      file: 'encoder/vocab.txt',
      message:
        'the folder has no tokenizer (encoder/tokenizer.json or encoder/vocab.txt); pass options.tokenizer',
    });
  const settings = JSON.parse(text(files, 'encoder/tokenizer_config.json') ?? '{}') as {
    do_lower_case?: boolean;
  };
  return Tokenizer.fromVocab(vocab, { lowercase: settings.do_lower_case ?? true });
}

/**
 * Rebuilds a head coder from the files {@link headCoderFiles} wrote (read by `@icd/heads/node`'s
 * `loadHeadCoder`, or fetched in a browser). Every field is validated: a missing file, a newer or
 * unknown format, a bad label list, thresholds or window settings, or weights that do not fit the head
 * throw a `CheckpointError` naming the file. The encoder defaults to `@icd/bert`'s `BertModel` from
 * `encoder/`; head types beyond the built-in ones need a builder in `options.heads`.
 *
 * @example
 * ```ts
 * const names = ['head-coder.json', 'head/config.json', 'head/model.safetensors', 'encoder/config.json', 'encoder/model.safetensors', 'encoder/vocab.txt'];
 * const files = Object.fromEntries(await Promise.all(names.map(async (n) => [n, new Uint8Array(await (await fetch(`/model/${n}`)).arrayBuffer())])));
 * const coder = await headCoderFromFiles(files);
 * ```
 */
export async function headCoderFromFiles(
  files: ModelFiles,
  options: HeadCoderLoadOptions = {},
): Promise<HeadCoder> {
  if (files === null || typeof files !== 'object')
    throw new CheckpointError({ message: 'expected the files of a head coder by name' });
  const config = checkCoderConfig(parseJson(files, 'head-coder.json'));
  const headJson = parseJson(files, 'head/config.json') as Record<string, unknown> | null;
  if (headJson === null || typeof headJson !== 'object' || headJson.headType !== config.headType)
    throw new CheckpointError({
      file: 'head/config.json',
      message: `expected a head config with headType ${JSON.stringify(config.headType)}, got ${JSON.stringify(headJson?.headType)}`,
    });
  const build = options.heads?.[config.headType] ?? builtInHeadBuilders[config.headType];
  if (!build)
    throw new CheckpointError({
      file: 'head/config.json',
      message: `head type ${JSON.stringify(config.headType)} is not built in: pass a builder as options.heads[${JSON.stringify(config.headType)}]`,
    });
  const bytes = files['head/model.safetensors'];
  if (!(bytes instanceof Uint8Array))
    throw new CheckpointError({ file: 'head/model.safetensors', message: 'missing' });
  const file = new SafetensorsFile(bytes, 'head/model.safetensors');
  // The head's tensors are made before any encoder is: a backend must be up (wasm unless one was chosen).
  await ensureBackend();
  const tensors = new Map<string, tf.Tensor>();
  let head: TfLabelHead;
  try {
    for (const [name, entry] of file.entries)
      tensors.set(name, tf.tensor(file.readFloat32(name), entry.shape as number[]));
    try {
      head = build(headJson, tensors);
    } catch (cause) {
      if (CheckpointError.isInstance(cause)) throw cause;
      throw new CheckpointError({
        file: 'head/config.json',
        message: `the head could not be built: ${String((cause as Error)?.message ?? cause)}`,
        cause,
      });
    }
  } finally {
    tf.dispose([...tensors.values()]);
  }
  let loadedEncoder: Encoder | undefined;
  try {
    checkHeadMatches(head, config, tensors);
    const tokenizer = options.tokenizer ?? loadTokenizer(files);
    let encoder = options.encoder;
    if (!encoder) {
      const weights = files['encoder/model.safetensors'];
      const encoderConfig = text(files, 'encoder/config.json');
      if (!(weights instanceof Uint8Array) || encoderConfig === undefined)
        throw new CheckpointError({
          file: 'encoder/model.safetensors',
          message: 'missing (or pass options.encoder)',
        });
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(encoderConfig);
      } catch (cause) {
        throw new CheckpointError({
          file: 'encoder/config.json',
          message: `not valid JSON (${String(cause)})`,
          cause,
        });
      }
      encoder = loadedEncoder = await BertModel.fromSafetensors(weights, parsed, { tokenizer });
    }
    if (encoder.info.hiddenSize !== config.hiddenSize)
      throw new CheckpointError({
        file: 'head-coder.json',
        message: `the head reads hidden size ${config.hiddenSize}, the encoder gives ${encoder.info.hiddenSize}`,
      });
    return new HeadCoder({
      encoder,
      tokenizer,
      head,
      thresholds: config.thresholds.map((t) => t ?? Number.POSITIVE_INFINITY),
      windowLength: config.windowLength,
      stride: config.stride,
      ...(config.maxWindows === null ? {} : { maxWindows: config.maxWindows }),
      batchSize: config.batchSize,
      encoderBatchSize: config.encoderBatchSize,
      evidence: config.evidence,
      ...(options.filter ? { filter: options.filter } : {}),
    });
  } catch (error) {
    head.dispose();
    loadedEncoder?.dispose();
    throw error;
  }
}

/**
 * What a head saves: its weights and, for heads that have them, its `buffers` (constant tensors such as
 * `KnowledgeInjectedLabelAttention`'s knowledge embeddings).
 */
function savedTensors(head: TfLabelHead): Map<string, tf.Tensor> {
  const buffers = (head as TfLabelHead & { buffers?: unknown }).buffers;
  return new Map<string, tf.Tensor>([
    ...head.weights,
    ...(buffers instanceof Map ? (buffers as Map<string, tf.Tensor>) : []),
  ]);
}

function checkHeadMatches(
  head: TfLabelHead,
  config: HeadCoderConfig,
  tensors: ReadonlyMap<string, tf.Tensor>,
): void {
  const same =
    head.labels.length === config.labels.length && head.labels.every((l, i) => l === config.labels[i]);
  if (!same)
    throw new CheckpointError({
      file: 'head/config.json',
      message: "the head's labels differ from head-coder.json's",
    });
  if (head.problemType !== config.problemType)
    throw new CheckpointError({
      file: 'head/config.json',
      message: `problemType ${head.problemType} differs from head-coder.json's ${config.problemType}`,
    });
  const expected = savedTensors(head);
  for (const [name, variable] of expected) {
    const saved = tensors.get(name);
    if (!saved)
      throw new CheckpointError({
        file: 'head/model.safetensors',
        tensor: name,
        message: `tensor ${name} is missing`,
      });
    if (saved.shape.join(',') !== variable.shape.join(','))
      throw new CheckpointError({
        file: 'head/model.safetensors',
        tensor: name,
        message: `tensor ${name} has shape [${saved.shape.join(', ')}], the head expects [${variable.shape.join(', ')}]`,
      });
  }
  for (const name of tensors.keys())
    if (!expected.has(name))
      throw new CheckpointError({
        file: 'head/model.safetensors',
        tensor: name,
        message: `tensor ${name} is not a weight of the head`,
      });
}
