import type { Coder } from '@icd/core';
import { CheckpointError, invalidArgument, UnsupportedError } from '@icd/core';
import * as heads from '@icd/heads';
import { EnsembleCoder, LexicalCoder, type LexicalCoderJson } from '@icd/heads';
import { type PromptModelLoadOptions, promptModelFromFiles } from '@icd/prompt';
import { type DictionaryModelJson, dictionaryCoderFromJson } from './dictionary-model.js';
import type { ModelFolderFiles } from './model-folder-files.js';
import { unpackModelFolder } from './pack-model-folder.js';
import { PipelineCoder } from './pipeline-coder.js';
import { type ModelKind, type PipelineMetadata, parsePipelineMetadata } from './pipeline-metadata.js';

/**
 * Where a model folder comes from: its files by path, one packed file ({@link packModelFolder}) as
 * bytes, or the base URL of a folder served over HTTP (`pipeline.json` lists the other files).
 */
export type ModelFolderSource =
  | Readonly<Record<string, string | Uint8Array>>
  | ReadonlyMap<string, string | Uint8Array>
  | Uint8Array
  | URL
  | { readonly url: string };

/**
 * Options of {@link loadModelFolder}.
 *
 * @example
 * ```ts
 * const coder = await loadModelFolder(files, { prompt: { tokenizer } });
 * ```
 */
export interface LoadModelFolderOptions {
  /** Passed to `promptModelFromFiles` of `@icd/prompt` (another PLM, custom verbalizers, ...). */
  readonly prompt?: PromptModelLoadOptions;
  /** Passed to `headCoderFromFiles` of `@icd/heads`. */
  readonly heads?: Readonly<Record<string, unknown>>;
  /** `fetch` for URL sources (default: the global one). */
  readonly fetch?: (
    url: string,
  ) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
}

/** Builds the model of one folder kind from the folder's files. */
export type ModelBuilder = (
  files: ModelFolderFiles,
  metadata: PipelineMetadata,
  options: LoadModelFolderOptions,
) => Promise<Coder>;

type HeadCoderFromFiles = (files: ModelFolderFiles, options?: unknown) => Promise<Coder>;

const text = (files: ModelFolderFiles, name: string): string | undefined => {
  const content = files[name];
  return content === undefined
    ? undefined
    : typeof content === 'string'
      ? content
      : new TextDecoder().decode(content);
};

function json<T>(files: ModelFolderFiles, name: string): T {
  const content = text(files, name);
  if (content === undefined) throw new CheckpointError({ file: name, message: 'missing' });
  try {
    return JSON.parse(content) as T;
  } catch (cause) {
    throw new CheckpointError({ file: name, message: `not valid JSON (${String(cause)})`, cause });
  }
}

/** The files under `folder/`, with the prefix removed. */
export function subFolder(files: ModelFolderFiles, folder: string): ModelFolderFiles {
  const prefix = `${folder}/`;
  return Object.fromEntries(
    Object.entries(files)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, content]) => [name.slice(prefix.length), content]),
  );
}

const builders: Record<ModelKind, ModelBuilder> = {
  prompt: (files, _metadata, options) => promptModelFromFiles(files, options.prompt),
  lexical: async (files) => LexicalCoder.fromJSON(json<LexicalCoderJson>(files, 'lexical.json')),
  dictionary: async (files) => dictionaryCoderFromJson(json<DictionaryModelJson>(files, 'dictionary.json')),
  heads: async (files, _metadata, options) => {
    const load = (heads as unknown as { headCoderFromFiles?: HeadCoderFromFiles }).headCoderFromFiles;
    if (!load)
      throw new UnsupportedError({
        feature: 'head coders',
        message: 'this @icd/heads has no headCoderFromFiles',
      });
    return load(files, options.heads ?? {});
  },
  ensemble: async (files, metadata, options) => {
    const { members, lambda, threshold } = metadata.ensemble!;
    const first = await coderOfFiles(subFolder(files, members[0]), options, members[0]);
    try {
      const second = await coderOfFiles(subFolder(files, members[1]), options, members[1]);
      return new EnsembleCoder(first, second, lambda, threshold);
    } catch (error) {
      first.dispose();
      throw error;
    }
  },
};

async function coderOfFiles(
  files: ModelFolderFiles,
  options: LoadModelFolderOptions,
  where = '',
): Promise<PipelineCoder> {
  const metadata = parsePipelineMetadata(
    files['pipeline.json'],
    where ? `${where}/pipeline.json` : 'pipeline.json',
  );
  const model = await builders[metadata.kind](files, metadata, options);
  return new PipelineCoder(model, metadata);
}

async function fetchFiles(base: string, options: LoadModelFolderOptions): Promise<ModelFolderFiles> {
  const get = options.fetch ?? (globalThis.fetch as unknown as LoadModelFolderOptions['fetch']);
  if (!get)
    throw new UnsupportedError({
      feature: 'loading a model folder from a URL',
      message: 'this runtime has no fetch: pass options.fetch',
    });
  const root = base.endsWith('/') ? base : `${base}/`;
  const read = async (name: string) => {
    const url = new URL(name, root).toString();
    const response = await get(url);
    if (!response.ok) throw new CheckpointError({ file: url, message: `HTTP ${response.status}` });
    return new Uint8Array(await response.arrayBuffer());
  };
  const files: ModelFolderFiles = { 'pipeline.json': await read('pipeline.json') };
  const metadata = parsePipelineMetadata(files['pipeline.json'], new URL('pipeline.json', root).toString());
  if (!metadata.files)
    throw new CheckpointError({
      file: 'pipeline.json',
      message: 'lists no files: cannot load it from a URL',
    });
  for (const name of metadata.files) {
    if (name.split('/').some((part) => part === '..' || part === ''))
      throw new CheckpointError({
        file: 'pipeline.json',
        message: `file name ${JSON.stringify(name)} is not allowed`,
      });
    files[name] = await read(name);
  }
  return files;
}

/**
 * Loads a model folder as a `Coder` (a {@link PipelineCoder}: the model, limited to the folder's valid
 * codes, with its thresholds and evidence), in any JavaScript runtime: from its files by path, from
 * packed bytes, or from a base URL. `pipeline.json`'s format stamp and version are checked first
 * (`UnsupportedError` for another format or version, `CheckpointError` for missing or malformed files).
 * `@icd/pipeline/node`'s `loadModelFolder(dir)` reads a folder on disk.
 *
 * @example
 * ```ts
 * const coder = await loadModelFolder(new URL('https://example.org/models/cardiology/'));
 * const [prediction] = await coder.predict([{ id: 'n1', text: 'Known atrial fibrillation.' }]);
 * ```
 */
export async function loadModelFolder(
  source: ModelFolderSource,
  options: LoadModelFolderOptions = {},
): Promise<PipelineCoder> {
  let files: ModelFolderFiles;
  if (source instanceof Uint8Array) files = unpackModelFolder(source);
  else if (source instanceof URL) files = await fetchFiles(source.toString(), options);
  else if (source instanceof Map) files = Object.fromEntries(source);
  else if (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as { url?: unknown }).url === 'string' &&
    !('pipeline.json' in source)
  )
    files = await fetchFiles((source as { url: string }).url, options);
  else if (typeof source === 'object' && source !== null) files = { ...(source as ModelFolderFiles) };
  else return invalidArgument('loadModelFolder', 'source', 'files by name, bytes or a URL', source);
  return coderOfFiles(files, options);
}
