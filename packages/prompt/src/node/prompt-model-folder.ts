import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { CheckpointError, invalidArgument } from '@icd/core';
import { PromptForClassification as BrowserPromptForClassification } from '../model/prompt-for-classification.js';
import {
  type PromptModelLoadOptions,
  promptModelFiles,
  promptModelFromFiles,
} from '../model/prompt-model-files.js';

/**
 * Writes a prompt model to `directory`: `prompt.json` (template text, verbalizer with its label words,
 * classes, thresholds), `prompt.safetensors` (soft embeddings, Θ, word weights, calibration) and
 * `plm/` (the masked LM in HuggingFace format with its tokenizer files).
 *
 * @example
 * ```ts
 * await savePromptModel(model, 'models/cardiology-prompt');
 * ```
 */
export async function savePromptModel(
  model: BrowserPromptForClassification,
  directory: string,
): Promise<void> {
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument('savePromptModel', 'directory', 'a folder path', directory);
  const files = await promptModelFiles(model);
  for (const [name, content] of Object.entries(files)) {
    const path = join(directory, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

async function readFolder(directory: string, root = directory): Promise<Record<string, string | Uint8Array>> {
  const files: Record<string, string | Uint8Array> = {};
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) Object.assign(files, await readFolder(path, root));
    else if (entry.isFile()) {
      const name = relative(root, path).split('\\').join('/');
      files[name] = name.endsWith('.safetensors')
        ? new Uint8Array(await readFile(path))
        : await readFile(path, 'utf8');
    }
  }
  return files;
}

/**
 * Loads a folder written by {@link savePromptModel}.
 *
 * @example
 * ```ts
 * const model = await loadPromptModel('models/cardiology-prompt');
 * ```
 */
export async function loadPromptModel(
  directory: string,
  options: PromptModelLoadOptions = {},
): Promise<PromptForClassification> {
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory())
    throw new CheckpointError({
      file: directory,
      message: 'is not a folder (expected one written by savePromptModel)',
    });
  const model = await promptModelFromFiles(await readFolder(directory), options);
  Object.setPrototypeOf(model, PromptForClassification.prototype);
  return model as PromptForClassification;
}

/**
 * `PromptForClassification` with folder I/O.
 *
 * @example
 * ```ts
 * await model.save('models/cardiology-prompt');
 * const again = await PromptForClassification.load('models/cardiology-prompt');
 * ```
 */
export class PromptForClassification extends BrowserPromptForClassification {
  /** See {@link savePromptModel}. */
  async save(directory: string): Promise<void> {
    await savePromptModel(this, directory);
  }

  /** See {@link loadPromptModel}. */
  static async load(
    directory: string,
    options: PromptModelLoadOptions = {},
  ): Promise<PromptForClassification> {
    return loadPromptModel(directory, options);
  }
}
