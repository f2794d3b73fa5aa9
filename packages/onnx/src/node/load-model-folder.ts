import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BertForMaskedLM, BertModel } from '@icd/bert/node';
import type { Encoder, MaskedLanguageModel } from '@icd/core';
import { assertOneOf, invalidArgument } from '@icd/core';
import { isHubId } from '@icd/hub';
import { type CacheOptions, pretrainedFolder } from '@icd/hub/node';
import { type ExportOnnxOptions, exportOnnx } from '../export/export-onnx.js';
import type { ExportableBert } from '../export/read-weights.js';
import { readModelMetadata } from '../runtime/model-metadata.js';
import type { OnnxEncoder } from '../runtime/onnx-encoder.js';
import type { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import type { OnnxLoadOptions } from '../runtime/onnx-session-model.js';
import { loadOnnxEncoder, loadOnnxMaskedLM } from './onnx-files.js';

/**
 * The engine that runs a model folder: TensorFlow.js (`@icd/bert`, trainable) or ONNX Runtime
 * (`@icd/onnx`, inference on every core).
 *
 * @example
 * ```ts
 * const engine: Engine = 'onnx';
 * const encoder = await loadEncoder('models/icd-bert', { engine });
 * ```
 */
export type Engine = 'tfjs' | 'onnx';

/**
 * Options of {@link loadEncoder} / {@link loadMaskedLM} / {@link ensureOnnxFile}.
 *
 * @example
 * ```ts
 * const options: EngineLoadOptions = { engine: 'onnx', intraOpNumThreads: 2, export: { quantization: 'int8' } };
 * ```
 */
export interface EngineLoadOptions extends OnnxLoadOptions {
  /** `'tfjs'` (default) or `'onnx'`. */
  readonly engine?: Engine;
  /**
   * An ONNX file of the folder to use as it is (e.g. `model_quantized.onnx`). Default: `model.onnx` or
   * `onnx/model.onnx` when the folder has one (HF optimum's and transformers.js's layouts), else the
   * export below.
   */
  readonly fileName?: string;
  /** How the first-use export is written (`quantization`, `fusedOperators`, `inputsEmbeds`, `maskedPositions`). */
  readonly export?: Omit<ExportOnnxOptions, 'task'>;
  /**
   * Where first-use exports go: default `<folder>/onnx/`, or `~/.cache/icd/onnx/<checkpoint hash>/`
   * when the folder is not writable; with `cacheDir`, always `<cacheDir>/<checkpoint hash>/`.
   */
  readonly cacheDir?: string;
  /**
   * For a HuggingFace Hub id (`org/name`, used when no folder exists at that path): where from
   * (`revision`, `token`, `localFilesOnly`, the HF `cacheDir`, ...; see `@icd/hub`). The checkpoint is
   * downloaded into the HF cache; with `engine: 'onnx'` the export goes to `cacheDir` (default
   * `~/.cache/icd/onnx/`), never into the HF cache.
   */
  readonly hub?: CacheOptions;
}

const defaultExportCache = () => join(homedir(), '.cache', 'icd', 'onnx');

/** A local folder for `path`: itself, or the HF cache snapshot of a Hub id (no folder at that path). */
async function localFolder(
  path: string,
  options: EngineLoadOptions,
): Promise<{ folder: string; options: EngineLoadOptions }> {
  if (typeof path === 'string' && isHubId(path) && !(await stat(path).catch(() => undefined))) {
    const folder = await pretrainedFolder(path, { ...options.hub, include: ['model'] });
    return { folder, options: { ...options, cacheDir: options.cacheDir ?? defaultExportCache() } };
  }
  return { folder: path, options };
}

const optionsFn = (fn: string, options: EngineLoadOptions): Engine => {
  if (options === null || typeof options !== 'object') invalidArgument(fn, 'options', 'an object', options);
  const engine = options.engine ?? 'tfjs';
  assertOneOf(fn, 'options.engine', engine, ['tfjs', 'onnx'] as const);
  return engine;
};

/** The file name of an export with these options: `encoder.onnx`, `masked-lm-positions-int8.onnx`, ... */
export function exportFileName(task: 'encoder' | 'maskedLM', options: ExportOnnxOptions = {}): string {
  return `${[
    task === 'encoder' ? 'encoder' : 'masked-lm',
    ...(options.inputsEmbeds ? ['inputs-embeds'] : []),
    ...(options.maskedPositions ? ['positions'] : []),
    ...(options.fusedOperators ? ['fused'] : []),
    ...(options.quantization === 'int8' ? ['int8'] : []),
  ].join('-')}.onnx`;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The checkpoint's fingerprint: SHA-256 of `model.safetensors` (or of the sharded index and its shards). */
async function checkpointFingerprint(directory: string): Promise<string | undefined> {
  const single = join(directory, 'model.safetensors');
  if (await isFile(single)) return sha256OfFile(single);
  const index = join(directory, 'model.safetensors.index.json');
  if (!(await isFile(index))) return undefined;
  const { weight_map: weightMap = {} } = JSON.parse(await readFile(index, 'utf8')) as {
    weight_map?: Record<string, string>;
  };
  const hash = createHash('sha256').update(await sha256OfFile(index));
  for (const shard of [...new Set(Object.values(weightMap))].sort())
    hash.update(await sha256OfFile(join(directory, shard)));
  return hash.digest('hex');
}

/** The checkpoint fingerprint an earlier export recorded in its metadata. */
async function storedFingerprint(file: string): Promise<string | undefined> {
  return readModelMetadata(new Uint8Array(await readFile(file)))['icd.source_sha256'];
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * The ONNX file that serves a model folder, exported on first use. In order: `options.fileName` in
 * the folder; the folder's own `model.onnx` or `onnx/model.onnx` (an HF optimum or transformers.js
 * export, read as it is); else an export of the folder's checkpoint (`config.json` +
 * `model.safetensors`) with `options.export`, written once to `<folder>/onnx/<name>.onnx` (or the
 * cache, see {@link EngineLoadOptions.cacheDir}) and re-exported when the checkpoint changed (the file
 * records the SHA-256 of `model.safetensors` in its metadata). `model` gives the checkpoint already
 * loaded (e.g. a prompt model's PLM); it must be the folder's weights.
 *
 * @example
 * ```ts
 * const file = await ensureOnnxFile('models/icd-bert', 'maskedLM', { export: { maskedPositions: true } });
 * // 'models/icd-bert/onnx/masked-lm-positions.onnx'
 * ```
 */
export async function ensureOnnxFile(
  directory: string,
  task: 'encoder' | 'maskedLM',
  options: EngineLoadOptions & { readonly model?: () => Promise<ExportableBert> } = {},
): Promise<string> {
  const fn = 'ensureOnnxFile';
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument(fn, 'directory', 'a model folder', directory);
  if (!(await stat(directory).catch(() => undefined))?.isDirectory())
    invalidArgument(fn, 'directory', 'an existing model folder (config.json + model.safetensors)', directory);
  assertOneOf(fn, 'task', task, ['encoder', 'maskedLM'] as const);
  if (options.fileName !== undefined) {
    const file = join(directory, options.fileName);
    if (!(await isFile(file)))
      invalidArgument(fn, 'options.fileName', `a file in ${directory}`, options.fileName);
    return file;
  }
  for (const candidate of [join(directory, 'model.onnx'), join(directory, 'onnx', 'model.onnx')])
    if (await isFile(candidate)) return candidate;
  const fingerprint = await checkpointFingerprint(directory);
  if (fingerprint === undefined) {
    invalidArgument(
      fn,
      'directory',
      'a folder with model.onnx, or with config.json + model.safetensors to export',
      directory,
    );
  }
  const name = exportFileName(task, options.export);
  const cacheFolder = (root: string) => join(root, fingerprint.slice(0, 16));
  const folders =
    options.cacheDir !== undefined
      ? [cacheFolder(options.cacheDir)]
      : [join(directory, 'onnx'), cacheFolder(defaultExportCache())];
  for (const folder of folders) {
    const file = join(folder, name);
    if ((await isFile(file)) && (await storedFingerprint(file)) === fingerprint) return file;
  }
  const model = options.model
    ? await options.model()
    : task === 'encoder'
      ? await BertModel.fromPretrained(directory)
      : await BertForMaskedLM.fromPretrained(directory);
  let bytes: Uint8Array;
  try {
    bytes = await exportOnnx(model, {
      ...options.export,
      task,
      metadata: { 'icd.source_sha256': fingerprint },
    });
  } finally {
    if (!options.model) (model as BertModel).dispose();
  }
  let lastError: unknown;
  for (const folder of folders) {
    const file = join(folder, name);
    try {
      await mkdir(folder, { recursive: true });
      await writeAtomically(file, bytes);
      return file;
    } catch (cause) {
      lastError = cause; // not writable: try the cache
    }
  }
  return invalidArgument(
    fn,
    'options.cacheDir',
    `a writable folder for the ONNX export (${String(lastError)})`,
    folders.join(', '),
  );
}

/**
 * Loads a model folder as an `@icd/core` `Encoder` on the engine of your choice: `engine: 'tfjs'`
 * (default) gives `@icd/bert`'s `BertModel.fromPretrained(dir)`, `engine: 'onnx'` an
 * {@link OnnxEncoder} over the folder's ONNX file (see {@link ensureOnnxFile}: an existing
 * `model.onnx`, e.g. from HF optimum, or an export written on first use). Tokenizer, windows and
 * pooling (`@icd/pooling`'s `encodeLongText(encoder, tokenizer, text)`) take either.
 *
 * @example
 * ```ts
 * const encoder = await loadEncoder('models/icd-bert', { engine: 'onnx', intraOpNumThreads: 2 });
 * const { lastHiddenState } = await encoder.encode({ inputIds: [[2, 17, 3]] });
 * ```
 */
export async function loadEncoder(
  directory: string,
  options: EngineLoadOptions & { readonly engine: 'onnx' },
): Promise<OnnxEncoder>;
export async function loadEncoder(
  directory: string,
  options?: EngineLoadOptions & { readonly engine?: 'tfjs' },
): Promise<BertModel>;
export async function loadEncoder(directory: string, options?: EngineLoadOptions): Promise<Encoder>;
export async function loadEncoder(directory: string, options: EngineLoadOptions = {}): Promise<Encoder> {
  const engine = optionsFn('loadEncoder', options);
  if (engine === 'tfjs') return BertModel.fromPretrained(directory, options.hub);
  const local = await localFolder(directory, options);
  return loadOnnxEncoder(
    await ensureOnnxFile(local.folder, 'encoder', local.options),
    await onnxOptions(local.folder, local.options),
  );
}

/**
 * Loads a model folder as an `@icd/core` `MaskedLanguageModel`: `engine: 'tfjs'` (default) gives
 * `@icd/bert`'s `BertForMaskedLM.fromPretrained(dir)`, `engine: 'onnx'` an {@link OnnxMaskedLM} (see
 * {@link loadEncoder}).
 *
 * @example
 * ```ts
 * const mlm = await loadMaskedLM('models/icd-bert', { engine: 'onnx' });
 * const { logits } = await mlm.predictMasked({ inputIds: [[2, 4, 3]] }, { positions: [1] });
 * ```
 */
export async function loadMaskedLM(
  directory: string,
  options: EngineLoadOptions & { readonly engine: 'onnx' },
): Promise<OnnxMaskedLM>;
export async function loadMaskedLM(
  directory: string,
  options?: EngineLoadOptions & { readonly engine?: 'tfjs' },
): Promise<BertForMaskedLM>;
export async function loadMaskedLM(
  directory: string,
  options?: EngineLoadOptions,
): Promise<MaskedLanguageModel>;
export async function loadMaskedLM(
  directory: string,
  options: EngineLoadOptions = {},
): Promise<MaskedLanguageModel> {
  const engine = optionsFn('loadMaskedLM', options);
  if (engine === 'tfjs') return BertForMaskedLM.fromPretrained(directory, options.hub);
  const local = await localFolder(directory, options);
  return loadOnnxMaskedLM(
    await ensureOnnxFile(local.folder, 'maskedLM', local.options),
    await onnxOptions(local.folder, local.options),
  );
}

// The folder's config.json sizes the input checks of files without icd.config metadata (optimum's,
// transformers.js's onnx/model.onnx); an export's own metadata describes the same checkpoint.
async function onnxOptions(directory: string, options: EngineLoadOptions): Promise<OnnxLoadOptions> {
  const {
    engine: _engine,
    fileName: _fileName,
    export: _export,
    cacheDir: _cacheDir,
    hub: _hub,
    ...rest
  } = options;
  if (rest.config !== undefined) return rest;
  const text = await readFile(join(directory, 'config.json'), 'utf8').catch(() => undefined);
  return text === undefined ? rest : { ...rest, config: JSON.parse(text) as Record<string, unknown> };
}
