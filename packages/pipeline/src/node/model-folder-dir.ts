import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Coder } from '@icd/core';
import { assertOneOf, CheckpointError, invalidArgument, UnsupportedError } from '@icd/core';
import { type CacheOptions, isHubId, resolvePretrainedFolder } from '@icd/hub/node';
import {
  type LoadModelFolderOptions,
  loadModelFolder as loadModelFolderFromFiles,
  type ModelFolderSource,
} from '../model-folder/load-model-folder.js';
import {
  type ModelFolderFiles,
  type ModelFolderInfo,
  modelFolderFiles,
} from '../model-folder/model-folder-files.js';
import { PipelineCoder } from '../model-folder/pipeline-coder.js';
import { parsePipelineMetadata } from '../model-folder/pipeline-metadata.js';
import { modelCard } from './model-card.js';

/** Every file under `directory`, by `/`-separated relative path; text files as strings, the rest as bytes. */
export async function readModelFolderFiles(directory: string): Promise<ModelFolderFiles> {
  const files: ModelFolderFiles = {};
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      // Symbolic links are followed: a huggingface_hub cache snapshot links its files to blobs.
      const kind = entry.isSymbolicLink() ? await stat(path) : entry;
      if (kind.isDirectory()) await walk(path);
      else if (kind.isFile()) {
        const name = relative(directory, path).split(sep).join('/');
        files[name] = /\.(json|txt|md)$/.test(name)
          ? await readFile(path, 'utf8')
          : new Uint8Array(await readFile(path));
      }
    }
  };
  await walk(directory);
  return files;
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
 * Loads a model folder: a folder on disk (a path), or anything the main entry's `loadModelFolder`
 * takes (files, bytes, a URL).
 *
 * @example
 * ```ts
 * const coder = await loadModelFolder('models/cardiology');
 * ```
 */
export async function loadModelFolder(
  source: string | ModelFolderSource,
  options: LoadModelFolderOptions & { readonly engine?: 'tfjs' | 'onnx'; readonly hub?: CacheOptions } = {},
): Promise<PipelineCoder> {
  const engine = options.engine ?? 'tfjs';
  assertOneOf('loadModelFolder', 'options.engine', engine, ['tfjs', 'onnx'] as const);
  // A Hub id (`org/name` with no folder at that path): the whole model folder from the HF cache, as
  // `icd predict --model org/name` and `icd serve --model org/name` take it.
  if (typeof source === 'string' && !existsSync(source) && isHubId(source))
    source = await resolvePretrainedFolder(source, { ...(options.hub ?? {}), required: ['pipeline.json'] });
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
  // ONNX Runtime: the prompt model's masked LM through @icd/prompt/node's engine option.
  const metadata = parsePipelineMetadata(files['pipeline.json']);
  if (metadata.kind !== 'prompt')
    throw new UnsupportedError({
      feature: `engine 'onnx' for a ${metadata.kind} model folder`,
      message: "only prompt model folders run on ONNX Runtime here; use engine 'tfjs'",
    });
  const { loadPromptModel } = await import('@icd/prompt/node');
  const model = await loadPromptModel(source, { ...(options.prompt ?? {}), engine: 'onnx' });
  return new PipelineCoder(model, metadata);
}
