import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Coder, Encoder } from '@icd/core';
import { assertOneOf, CheckpointError, invalidArgument, UnsupportedError } from '@icd/core';
import { EnsembleCoder, headCoderFromFiles } from '@icd/heads';
import { type CacheOptions, isHubId, readFolderFiles, resolvePretrainedFolder } from '@icd/hub/node';
import {
  type LoadModelFolderOptions,
  loadModelFolder as loadModelFolderFromFiles,
  type ModelFolderSource,
  subFolder,
} from '../model-folder/load-model-folder.js';
import {
  type ModelFolderFiles,
  type ModelFolderInfo,
  modelFolderFiles,
} from '../model-folder/model-folder-files.js';
import { PipelineCoder } from '../model-folder/pipeline-coder.js';
import { type PipelineMetadata, parsePipelineMetadata } from '../model-folder/pipeline-metadata.js';
import { modelCard } from './model-card.js';

/**
 * Every file under `directory`, by `/`-separated relative path; text files as strings, the rest as bytes
 * (`readFolderFiles` of @icd/hub/node, which follows the Hub cache's symbolic links).
 */
export async function readModelFolderFiles(directory: string): Promise<ModelFolderFiles> {
  return readFolderFiles(directory);
}

/**
 * Writes a model folder: the model's own files, `pipeline.json` and a model card `README.md` written
 * from the metadata and metrics. An existing folder is replaced only with `overwrite`.
 *
 * @example
 * ```ts
 * await saveModelFolder('models/cardiology', coder, { name: 'cardiology', codeSet, hashes, metrics });
 * ```
 */
export async function saveModelFolder(
  directory: string,
  model: Coder,
  info: ModelFolderInfo,
  options: { readonly overwrite?: boolean } = {},
): Promise<ModelFolderFiles> {
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument('saveModelFolder', 'directory', 'a folder path', directory);
  const existing = await stat(directory).catch(() => undefined);
  if (existing && !options.overwrite && (await readdir(directory)).length > 0)
    throw new CheckpointError({
      file: directory,
      message: 'exists and is not empty (pass overwrite: true / --overwrite)',
    });
  const files = await modelFolderFiles(model, info);
  const metadata = parsePipelineMetadata(files['pipeline.json']);
  files['README.md'] = modelCard(metadata);
  if (existing && options.overwrite) await rm(directory, { recursive: true, force: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(directory, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return files;
}

/**
 * Settings of the ONNX engine (`loadModelFolder(dir, { engine: 'onnx', onnx })`), for the prompt model's
 * masked LM and for a head coder's encoder alike.
 *
 * @example
 * ```ts
 * const onnx: ModelFolderOnnxOptions = { intraOpNumThreads: 2, cacheDir: '/var/cache/icd/onnx' };
 * ```
 */
export interface ModelFolderOnnxOptions {
  /** Threads of one operator (default: onnxruntime's, one per core). */
  readonly intraOpNumThreads?: number;
  /**
   * Where first-use exports go (default: beside the weights, `plm/onnx/` or `encoder/onnx/`, or
   * `~/.cache/icd/onnx/` when the folder is not writable or comes from the Hub cache).
   */
  readonly cacheDir?: string;
  /** `'int8'`: export with dynamic int8 linear layers (check its accuracy cost on your dev set first). */
  readonly quantization?: 'none' | 'int8';
}

/**
 * Options of `@icd/pipeline/node`'s {@link loadModelFolder}: those of the main entry's, plus the engine.
 *
 * @example
 * ```ts
 * const options: ModelFolderDirOptions = { engine: 'onnx', onnx: { intraOpNumThreads: 2 } };
 * ```
 */
export interface ModelFolderDirOptions extends LoadModelFolderOptions {
  /**
   * What runs the model's neural parts: `'tfjs'` (default) or `'onnx'` (ONNX Runtime through
   * `@icd/onnx` and `onnxruntime-node`, optional peers). ONNX runs a prompt model's masked LM and a
   * head coder's encoder (the head stays TensorFlow.js), and the neural members of an ensemble (a
   * lexical or dictionary member runs as it is). A lexical or dictionary folder has no encoder: `'onnx'`
   * is refused for it with an `UnsupportedError`, rather than silently ignored.
   */
  readonly engine?: 'tfjs' | 'onnx';
  /** ONNX engine settings (threads, the export cache, int8). */
  readonly onnx?: ModelFolderOnnxOptions;
  /** For a Hub id: where from (`revision`, `token`, `localFilesOnly`, the HF `cacheDir`, ...). */
  readonly hub?: CacheOptions;
}

/**
 * Loads a model folder: a folder on disk (a path), a HuggingFace Hub id (`org/name`, fetched into the
 * HF cache), or anything the main entry's `loadModelFolder` takes (files, bytes, a URL). With
 * `engine: 'onnx'` (folders on disk only) the prompt model's masked LM or the head coder's encoder runs
 * on ONNX Runtime, exported on first use (see {@link ModelFolderDirOptions.engine}).
 *
 * @example
 * ```ts
 * const coder = await loadModelFolder('models/cardiology');
 * const served = await loadModelFolder('models/codiesp-laat', { engine: 'onnx', onnx: { intraOpNumThreads: 2 } });
 * ```
 */
export async function loadModelFolder(
  source: string | ModelFolderSource,
  options: ModelFolderDirOptions = {},
): Promise<PipelineCoder> {
  const engine = options.engine ?? 'tfjs';
  assertOneOf('loadModelFolder', 'options.engine', engine, ['tfjs', 'onnx'] as const);
  let fromHub = false;
  // A Hub id (`org/name` with no folder at that path): the whole model folder from the HF cache, as
  // `icd predict --model org/name` and `icd serve --model org/name` take it.
  if (typeof source === 'string' && !existsSync(source) && isHubId(source)) {
    source = await resolvePretrainedFolder(source, { ...(options.hub ?? {}), required: ['pipeline.json'] });
    fromHub = true;
  }
  if (typeof source !== 'string') {
    if (engine === 'onnx')
      throw new UnsupportedError({
        feature: "engine 'onnx' for in-memory model folders",
        message: 'load the folder from disk',
      });
    return loadModelFolderFromFiles(source, options);
  }
  const info = await stat(source).catch(() => undefined);
  if (!info?.isDirectory())
    throw new CheckpointError({
      file: source,
      message: 'is not a folder (expected a model folder with pipeline.json)',
    });
  const files = await readModelFolderFiles(source);
  if (engine === 'tfjs') return loadModelFolderFromFiles(files, options);
  // Exports never go into the HF cache's snapshot folders.
  const onnx: ModelFolderOnnxOptions =
    fromHub && options.onnx?.cacheDir === undefined
      ? { ...(options.onnx ?? {}), cacheDir: join(homedir(), '.cache', 'icd', 'onnx') }
      : (options.onnx ?? {});
  return onOnnx(source, files, options, onnx, '');
}

/** Whether a folder of this metadata has a neural part that ONNX Runtime can run. */
function hasEncoder(files: ModelFolderFiles, metadata: PipelineMetadata): boolean {
  if (metadata.kind === 'prompt' || metadata.kind === 'heads') return true;
  if (metadata.kind !== 'ensemble' || !metadata.ensemble) return false;
  return metadata.ensemble.members.some((member) => {
    const text = files[`${member}/pipeline.json`];
    return text !== undefined && hasEncoder(subFolder(files, member), parsePipelineMetadata(text, member));
  });
}

/** A model folder on disk with its neural parts on ONNX Runtime. */
async function onOnnx(
  directory: string,
  files: ModelFolderFiles,
  options: ModelFolderDirOptions,
  onnx: ModelFolderOnnxOptions,
  where: string,
): Promise<PipelineCoder> {
  const metadata = parsePipelineMetadata(
    files['pipeline.json'],
    where ? `${where}/pipeline.json` : 'pipeline.json',
  );
  if (!hasEncoder(files, metadata))
    throw new UnsupportedError({
      feature: `engine 'onnx' for a ${metadata.kind} model folder${where ? ` (${where})` : ''}`,
      message: `a ${metadata.kind} model has no neural encoder to run on ONNX Runtime; load it with engine 'tfjs' (the default)`,
    });
  if (metadata.kind === 'prompt') {
    // The prompt model's masked LM, through @icd/prompt/node's engine option.
    const { loadPromptModel } = await import('@icd/prompt/node');
    const model = await loadPromptModel(directory, { ...(options.prompt ?? {}), engine: 'onnx', onnx });
    return new PipelineCoder(model, metadata);
  }
  if (metadata.kind === 'heads') {
    // The head coder's encoder (`encoder/`, exported to ONNX on first use); the head stays tfjs.
    const { loadEncoder } = await importOnnx();
    const encoder = await loadEncoder(join(directory, 'encoder'), {
      engine: 'onnx',
      ...(onnx.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: onnx.intraOpNumThreads }),
      ...(onnx.cacheDir === undefined ? {} : { cacheDir: onnx.cacheDir }),
      ...(onnx.quantization === 'int8' ? { export: { quantization: 'int8' } } : {}),
    });
    try {
      const model = await headCoderFromFiles(files, { ...(options.heads ?? {}), encoder });
      return new PipelineCoder(model, metadata);
    } catch (error) {
      encoder.dispose();
      throw error;
    }
  }
  // An ensemble: each member on ONNX when it has an encoder, as it is otherwise.
  const { members, lambda, threshold } = metadata.ensemble!;
  const member = (name: string): Promise<PipelineCoder> => {
    const memberFiles = subFolder(files, name);
    const path = where ? `${where}/${name}` : name;
    const memberMetadata = parsePipelineMetadata(memberFiles['pipeline.json'], `${path}/pipeline.json`);
    return hasEncoder(memberFiles, memberMetadata)
      ? onOnnx(join(directory, name), memberFiles, options, onnx, path)
      : loadModelFolderFromFiles(memberFiles, options);
  };
  const first = await member(members[0]);
  try {
    const second = await member(members[1]);
    return new PipelineCoder(new EnsembleCoder(first, second, lambda, threshold), metadata);
  } catch (error) {
    first.dispose();
    throw error;
  }
}

interface OnnxNode {
  loadEncoder(directory: string, options: Record<string, unknown>): Promise<Encoder>;
}

async function importOnnx(): Promise<OnnxNode> {
  // A specifier in a variable: bundlers and type checkers must not require the optional peer.
  const id = '@icd/onnx/node';
  try {
    return (await import(id)) as OnnxNode;
  } catch (cause) {
    throw new UnsupportedError({
      feature: 'onnx-engine',
      message: `engine: 'onnx' needs @icd/onnx and ONNX Runtime, which are optional peers of @icd/pipeline: npm i @icd/onnx onnxruntime-node (${String(cause)})`,
      cause,
    });
  }
}
