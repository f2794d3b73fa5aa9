import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CacheOptions, isHubId, pretrainedFolder } from '@icd/hub/node';
import { ensureBackend } from '../backend/select-backend.js';
import type { PretrainedOptions } from '../checkpoint/assemble-pretrained.js';
import { loadPretrainedParts } from '../checkpoint/load-pretrained.js';
import type { SaveOptions } from '../checkpoint/pretrained-files.js';
import { writePretrainedFiles } from '../checkpoint/save-pretrained.js';
import type { BertConfig } from '../config/bert-config.js';
import { BertForMaskedLM as BrowserBertForMaskedLM } from '../model/bert-for-masked-lm.js';
import type { BertForMaskedLMOptions } from '../model/bert-for-masked-lm-options.js';
import { BertModel as BrowserBertModel } from '../model/bert-model.js';
import type { BertModelOptions } from '../model/bert-model-options.js';

/**
 * Options of `fromPretrained` in `@icd/bert/node`: the checkpoint options and, for Hub ids, where from
 * (`revision`, `token`, `localFilesOnly`, `endpoint`, `subfolder`, `cacheDir`; see `@icd/hub`).
 *
 * @example
 * ```ts
 * const options: PretrainedLoadOptions = { revision: 'main', localFilesOnly: true, allowMissingWeights: true };
 * ```
 */
export interface PretrainedLoadOptions extends PretrainedOptions, CacheOptions {}

// A local folder when one exists at that path, else the Hub repo's config and safetensors in the cache.
// A path that is no Hub id goes to the folder loader unchanged, which names what is missing.
// `subfolder` applies to a local folder too, as in Python's from_pretrained.
const modelFolder = async (idOrDirectory: string, options: PretrainedLoadOptions) =>
  existsSync(idOrDirectory) || !isHubId(idOrDirectory)
    ? options.subfolder && existsSync(idOrDirectory)
      ? join(idOrDirectory, options.subfolder)
      : idOrDirectory
    : pretrainedFolder(idOrDirectory, { ...options, include: ['model'] });

/**
 * `@icd/bert`'s `BertModel` with HuggingFace model folders: {@link BertModel.fromPretrained} and
 * {@link BertModel.save}. Instances are `BertModel`s of the main entry too (`instanceof` holds).
 *
 * @example
 * ```ts
 * import { BertModel } from '@icd/bert/node';
 * const model = await BertModel.fromPretrained('models/Bio_ClinicalBERT');
 * await model.save('out/copy');
 * ```
 */
export class BertModel extends BrowserBertModel {
  /**
   * Loads `config.json` and `model.safetensors` (or sharded `model.safetensors.index.json`) from a
   * HuggingFace model folder, or from a Hub id (`org/name`) when no folder exists at that path: downloaded
   * into the huggingface_hub cache shared with Python (`HF_HOME`, `HF_HUB_OFFLINE`, ...; see `@icd/hub`).
   * See `fromSafetensors` for the accepted checkpoints. Refuses `pytorch_model.bin` with conversion
   * instructions (or the Hub's `refs/pr/N` conversion). What was missing or unused is in `loadReport`.
   *
   * @example
   * ```ts
   * const model = await BertModel.fromPretrained('models/Bio_ClinicalBERT');
   * const hub = await BertModel.fromPretrained('emilyalsentzer/Bio_ClinicalBERT', { revision: 'main' });
   * model.loadReport?.unusedTensors; // e.g. ['bert.embeddings.position_ids']
   * ```
   */
  static override async fromPretrained<T extends BrowserBertModel>(
    this: new (
      config: BertConfig,
      options?: BertModelOptions,
    ) => T,
    idOrDirectory: string,
    options: PretrainedLoadOptions = {},
  ): Promise<T> {
    await ensureBackend();
    const parts = await loadPretrainedParts(await modelFolder(idOrDirectory, options), 'encoder', options);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass to build.
    return BertModel.fromParts.call(this, parts, options) as T;
  }

  /**
   * Writes `config.json`, `model.safetensors` (loadable by `transformers.BertModel.from_pretrained`) and,
   * when a tokenizer is attached or given, its files.
   *
   * @example
   * ```ts
   * await model.save('out/my-bert', { tokenizer });
   * ```
   */
  async save(directory: string, options: SaveOptions = {}): Promise<void> {
    await writePretrainedFiles(directory, await this.toPretrainedFiles(options));
  }
}

/**
 * `@icd/bert`'s `BertForMaskedLM` with HuggingFace model folders: {@link BertForMaskedLM.fromPretrained}
 * and {@link BertForMaskedLM.save}. Instances are `BertForMaskedLM`s of the main entry too.
 *
 * @example
 * ```ts
 * import { BertForMaskedLM } from '@icd/bert/node';
 * const mlm = await BertForMaskedLM.fromPretrained('models/bert-base-uncased');
 * await mlm.save('out/copy');
 * ```
 */
export class BertForMaskedLM extends BrowserBertForMaskedLM {
  /**
   * Loads a HF `BertForMaskedLM` / `BertForPreTraining` folder or Hub id, as `BertModel.fromPretrained`
   * (a `BertModel` checkpoint needs `allowMissingWeights`, and `loadReport.randomHead` then says so).
   *
   * @example
   * ```ts
   * const mlm = await BertForMaskedLM.fromPretrained('models/bert-base-uncased');
   * const hub = await BertForMaskedLM.fromPretrained('google-bert/bert-base-uncased', { localFilesOnly: true });
   * ```
   */
  static override async fromPretrained<T extends BrowserBertForMaskedLM>(
    this: new (
      config: BertConfig,
      options?: BertForMaskedLMOptions,
    ) => T,
    idOrDirectory: string,
    options: PretrainedLoadOptions = {},
  ): Promise<T> {
    await ensureBackend();
    const parts = await loadPretrainedParts(await modelFolder(idOrDirectory, options), 'maskedLM', options);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass to build.
    return BertForMaskedLM.fromParts.call(this, parts, options) as T;
  }

  /**
   * Writes `config.json`, `model.safetensors` (HF `BertForMaskedLM` names) and tokenizer files.
   *
   * @example
   * ```ts
   * await mlm.save('out/my-bert');
   * ```
   */
  async save(directory: string, options: SaveOptions = {}): Promise<void> {
    await writePretrainedFiles(directory, await this.toPretrainedFiles(options));
  }
}
