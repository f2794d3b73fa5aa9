import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertOneOf, CheckpointError, invalidArgument } from '@icd/core';
import {
  type CacheOptions,
  defaultIgnorePatterns,
  isHubId,
  readFolderFiles,
  resolvePretrainedFolder,
} from '@icd/hub/node';
import * as tf from '@tensorflow/tfjs-core';
import { PromptForClassification as BrowserPromptForClassification } from '../model/prompt-for-classification.js';
import {
  type PromptModelLoadOptions,
  promptModelFiles,
  promptModelFromFiles,
} from '../model/prompt-model-files.js';
import type { PromptInput } from '../templates/template.js';
import { loadOnnxPromptEngine, type OnnxPromptEngine, type PromptOnnxOptions } from './onnx-prompt-engine.js';

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

/**
 * The engine of a loaded prompt model's predictions: TensorFlow.js (default) or ONNX Runtime.
 *
 * @example
 * ```ts
 * const engine: PromptEngine = 'onnx';
 * const model = await PromptForClassification.load('models/cardiology-prompt', { engine });
 * ```
 */
export type PromptEngine = 'tfjs' | 'onnx';

/**
 * Options of {@link loadPromptModel} / `PromptForClassification.load`: those of `promptModelFromFiles`,
 * plus the engine.
 *
 * @example
 * ```ts
 * const options: PromptFolderLoadOptions = { engine: 'onnx', onnx: { intraOpNumThreads: 2 } };
 * ```
 */
export interface PromptFolderLoadOptions extends PromptModelLoadOptions, CacheOptions {
  /**
   * `'tfjs'` (default) or `'onnx'`: `predict`, `predictProbabilities`, `predictLogits` and `calibrate`
   * run the masked LM on ONNX Runtime (`@icd/onnx` and `onnxruntime-node`, optional peers: install
   * them to use it). The template and verbalizer stay TensorFlow.js (soft tokens are looked up in the
   * PLM's word embeddings and fed as `inputs_embeds`); training (`forward`) stays on tfjs.
   */
  readonly engine?: PromptEngine;
  /** ONNX engine settings: threads, the cache folder of the export, int8. */
  readonly onnx?: PromptOnnxOptions;
}

/**
 * Loads a folder written by {@link savePromptModel}, or a Hub repo holding one (`org/name`, when no
 * folder exists at that path: `prompt.json`, `prompt.safetensors` and `plm/` fetched into the
 * huggingface_hub cache with `@icd/hub`'s `CacheOptions`, `revision`, `token`, `localFilesOnly`, ...). With `engine: 'onnx'` the PLM's ONNX file is
 * `plm/model.onnx` when the folder has one (e.g. an HF optimum `fill-mask` export: manual verbalizers
 * only, it has logits only), else an export of `plm/` (`inputs_embeds` and the `[MASK]` positions as
 * inputs, logits, head transform and hidden state as outputs) written on first use to `plm/onnx/` (or
 * `onnx.cacheDir`) and redone when `plm/model.safetensors` changes.
 *
 * @example
 * ```ts
 * const model = await loadPromptModel('models/cardiology-prompt');
 * const served = await loadPromptModel('models/cardiology-prompt', { engine: 'onnx' });
 * ```
 */
export async function loadPromptModel(
  directory: string,
  options: PromptFolderLoadOptions = {},
): Promise<PromptForClassification> {
  const engine = options?.engine ?? 'tfjs';
  assertOneOf('loadPromptModel', 'options.engine', engine, ['tfjs', 'onnx'] as const);
  const requested = directory;
  // A Hub id (`org/name`, no folder at that path): the repo's prompt files and plm/ in the HF cache.
  if (!existsSync(directory) && isHubId(directory))
    directory = await resolvePretrainedFolder(directory, {
      ...options,
      allowPatterns: ['prompt.json', 'prompt.safetensors', 'plm/'],
      ignorePatterns: defaultIgnorePatterns.filter((p) => engine !== 'onnx' || !p.includes('onnx')),
      required: ['prompt.json', 'prompt.safetensors'],
    });
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory())
    throw new CheckpointError({
      file: directory,
      message: 'is not a folder (expected one written by savePromptModel)',
    });
  const model = await promptModelFromFiles(
    // ONNX files (the engine's export, an optimum model.onnx) are read by the ONNX engine itself.
    await readFolderFiles(directory, { include: (name) => !name.endsWith('.onnx') }),
    options,
  );
  Object.setPrototypeOf(model, PromptForClassification.prototype);
  const loaded = model as PromptForClassification;
  if (engine === 'onnx') {
    try {
      loaded.onnxEngine = await loadOnnxPromptEngine(
        join(directory, 'plm'),
        loaded,
        options.plm !== undefined,
        // From the Hub: the first-use export goes to the ONNX cache, not into the HF cache snapshot.
        {
          ...(directory === requested ? {} : { cacheDir: join(homedir(), '.cache', 'icd', 'onnx') }),
          ...options.onnx,
        },
      );
    } catch (cause) {
      loaded.dispose();
      throw cause;
    }
  }
  return loaded;
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
  /** @internal The ONNX Runtime masked LM of `engine: 'onnx'` (set by {@link loadPromptModel}). */
  onnxEngine: OnnxPromptEngine | undefined;

  /** The engine `predict` / `predictProbabilities` / `predictLogits` / `calibrate` run on. */
  get engine(): PromptEngine {
    return this.onnxEngine ? 'onnx' : 'tfjs';
  }

  /** Class logits of each note, `[notes][classes]`, on the model's engine (before softmax / sigmoid). */
  async predictLogits(inputs: readonly (PromptInput | string)[]): Promise<Float32Array[]> {
    return this.runBatches('predictLogits', inputs, undefined, (logits) => logits);
  }

  override async predictProbabilities(
    inputs: readonly (PromptInput | string)[],
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array[]> {
    if (!this.onnxEngine) return super.predictProbabilities(inputs, options);
    return this.runBatches('predictProbabilities', inputs, options.signal, (logits) =>
      this.probabilities(logits),
    );
  }

  override async calibrate(support: readonly (PromptInput | string)[]): Promise<Float32Array> {
    const engine = this.onnxEngine;
    if (!engine) return super.calibrate(support);
    if (!Array.isArray(support) || support.length === 0)
      invalidArgument('PromptForClassification.calibrate', 'support', 'a non-empty array of notes', support);
    let mean: Float32Array | undefined;
    for (let start = 0; start < support.length; start += this.batchSize) {
      const batch = this.template.wrapBatch(support.slice(start, start + this.batchSize));
      const { logits, rows } = await engine.maskOutputs(this.template, this.plm, batch);
      // [rows, vocab] or [rows, 1, vocab] (a masked_positions graph): one row per note.
      const vocab = logits.shape[logits.shape.length - 1] as number;
      mean ??= new Float32Array(vocab);
      for (let index = 0; index < rows * vocab; index += 1)
        mean[index % vocab]! += (logits.data[index] as number) / support.length;
    }
    this.verbalizer.registerCalibration(mean as Float32Array);
    return mean as Float32Array;
  }

  override dispose(): void {
    super.dispose();
    this.onnxEngine?.dispose();
    this.onnxEngine = undefined;
  }

  private async runBatches(
    fn: string,
    inputs: readonly (PromptInput | string)[],
    signal: AbortSignal | undefined,
    post: (logits: tf.Tensor2D) => tf.Tensor2D,
  ): Promise<Float32Array[]> {
    if (!Array.isArray(inputs))
      invalidArgument(`PromptForClassification.${fn}`, 'inputs', 'an array of notes', inputs);
    const rows: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const batch = this.template.wrapBatch(inputs.slice(start, start + this.batchSize));
      const scores = this.onnxEngine
        ? await this.onnxEngine.classLogits(this.template, this.plm, this.verbalizer, batch)
        : this.forward(batch);
      const result = tf.tidy(() => post(scores));
      const data = (await result.data()) as Float32Array;
      const width = result.shape[1];
      tf.dispose([scores, result]);
      for (let row = 0; row * width < data.length; row += 1)
        rows.push(Float32Array.from(data.subarray(row * width, (row + 1) * width)));
    }
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    return rows;
  }

  /** See {@link savePromptModel}. */
  async save(directory: string): Promise<void> {
    await savePromptModel(this, directory);
  }

  /** See {@link loadPromptModel}. */
  static async load(
    directory: string,
    options: PromptFolderLoadOptions = {},
  ): Promise<PromptForClassification> {
    return loadPromptModel(directory, options);
  }
}
