import { ensureBackend } from '../backend/select-backend.js';
import type { PretrainedOptions } from '../checkpoint/assemble-pretrained.js';
import { loadPretrainedParts } from '../checkpoint/load-pretrained.js';
import type { SaveOptions } from '../checkpoint/pretrained-files.js';
import { writePretrainedFiles } from '../checkpoint/save-pretrained.js';
import { BertForMaskedLM as BrowserBertForMaskedLM } from '../model/bert-for-masked-lm.js';
import { BertModel as BrowserBertModel } from '../model/bert-model.js';

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
   * HuggingFace model folder (see `fromSafetensors` for the accepted checkpoints). Refuses
   * `pytorch_model.bin` with conversion instructions. What was missing or unused is in `loadReport`.
   *
   * @example
   * ```ts
   * const model = await BertModel.fromPretrained('models/Bio_ClinicalBERT');
   * model.loadReport?.unusedTensors; // e.g. ['bert.embeddings.position_ids']
   * ```
   */
  static async fromPretrained(directory: string, options: PretrainedOptions = {}): Promise<BertModel> {
    await ensureBackend();
    const parts = await loadPretrainedParts(directory, 'encoder', options);
    return BertModel.fromParts(parts, options);
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
   * Loads a HF `BertForMaskedLM` / `BertForPreTraining` folder (a `BertModel` folder needs
   * `allowMissingWeights`, and `loadReport.randomHead` then says so).
   *
   * @example
   * ```ts
   * const mlm = await BertForMaskedLM.fromPretrained('models/bert-base-uncased');
   * ```
   */
  static async fromPretrained(directory: string, options: PretrainedOptions = {}): Promise<BertForMaskedLM> {
    await ensureBackend();
    const parts = await loadPretrainedParts(directory, 'maskedLM', options);
    return BertForMaskedLM.fromParts(parts, options);
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
