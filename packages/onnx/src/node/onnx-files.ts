import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { invalidArgument } from '@icd/core';
import { type ExportOnnxOptions, exportOnnx } from '../export/export-onnx.js';
import type { ExportableBert } from '../export/read-weights.js';
import { readModelMetadata } from '../runtime/model-metadata.js';
import { OnnxEncoder } from '../runtime/onnx-encoder.js';
import { OnnxMaskedLM } from '../runtime/onnx-masked-lm.js';
import type { OnnxLoadOptions } from '../runtime/onnx-session-model.js';

/**
 * Options of {@link loadOnnxEncoder} / {@link loadOnnxMaskedLM}: those of `OnnxEncoder.load`, plus the
 * file name looked for in a folder.
 *
 * @example
 * ```ts
 * const options: OnnxFolderOptions = { fileName: 'model_quantized.onnx', intraOpNumThreads: 2 };
 * ```
 */
export interface OnnxFolderOptions extends OnnxLoadOptions {
  /** The ONNX file inside a folder (default `model.onnx`). */
  readonly fileName?: string;
}

/**
 * Exports `model` with {@link exportOnnx} and writes it to `file` (parent folders created). Returns the
 * number of bytes written.
 *
 * @example
 * ```ts
 * await exportOnnxFile(mlm, 'models/icd-bert/model.onnx', { task: 'maskedLM' });
 * ```
 */
export async function exportOnnxFile(
  model: ExportableBert,
  file: string,
  options: ExportOnnxOptions = {},
): Promise<number> {
  if (typeof file !== 'string' || file.length === 0)
    invalidArgument('exportOnnxFile', 'file', 'a file path', file);
  const bytes = await exportOnnx(model, options);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return bytes.length;
}

/**
 * The ONNX file for `path`: `path` itself when it is a file, else `<path>/<fileName>`
 * (default `model.onnx`, HF optimum's name).
 *
 * @example
 * ```ts
 * await resolveOnnxFile('models/bert-onnx'); // 'models/bert-onnx/model.onnx'
 * ```
 */
export async function resolveOnnxFile(path: string, fileName = 'model.onnx'): Promise<string> {
  const fn = 'resolveOnnxFile';
  if (typeof path !== 'string' || path.length === 0)
    invalidArgument(fn, 'path', 'an ONNX file or model folder', path);
  const info = await stat(path).catch(() =>
    invalidArgument(fn, 'path', 'an existing ONNX file or model folder', path),
  );
  if (info.isFile()) return path;
  const file = join(path, fileName);
  await stat(file).catch(() => invalidArgument(fn, 'path', `a folder containing ${fileName}`, path));
  return file;
}

async function readWithConfig(fn: string, path: string, options: OnnxFolderOptions) {
  const file = await resolveOnnxFile(path, options.fileName);
  const bytes = new Uint8Array(await readFile(file));
  if (options.config !== undefined || readModelMetadata(bytes)['icd.config'] !== undefined) {
    return { bytes, options };
  }
  // An optimum export: the model's config.json lies beside model.onnx.
  const configFile = join(dirname(file), 'config.json');
  const text = await readFile(configFile, 'utf8').catch(() =>
    invalidArgument(
      fn,
      'path',
      `an ONNX file with icd.config metadata or a config.json beside it (${configFile})`,
      path,
    ),
  );
  return { bytes, options: { ...options, config: JSON.parse(text) as Record<string, unknown> } };
}

/**
 * Loads an ONNX file, or a folder holding `model.onnx` (and `config.json` when the file has no
 * `icd.config` metadata, as in HF optimum exports), as an {@link OnnxEncoder} on onnxruntime-node.
 *
 * @example
 * ```ts
 * const encoder = await loadOnnxEncoder('models/bert-onnx', { intraOpNumThreads: 2 });
 * ```
 */
export async function loadOnnxEncoder(path: string, options: OnnxFolderOptions = {}): Promise<OnnxEncoder> {
  const loaded = await readWithConfig('loadOnnxEncoder', path, options);
  return OnnxEncoder.load(loaded.bytes, loaded.options);
}

/**
 * Loads an ONNX masked LM file or folder (see {@link loadOnnxEncoder}) as an {@link OnnxMaskedLM}.
 *
 * @example
 * ```ts
 * const mlm = await loadOnnxMaskedLM('models/bert-onnx/model.onnx');
 * ```
 */
export async function loadOnnxMaskedLM(path: string, options: OnnxFolderOptions = {}): Promise<OnnxMaskedLM> {
  const loaded = await readWithConfig('loadOnnxMaskedLM', path, options);
  return OnnxMaskedLM.load(loaded.bytes, loaded.options);
}
