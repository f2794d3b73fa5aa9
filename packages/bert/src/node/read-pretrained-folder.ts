import { readConfig } from '../checkpoint/load-pretrained.js';
import { readCheckpointFiles } from '../checkpoint/read-checkpoint-files.js';
import type { BertConfig } from '../config/bert-config.js';
import type { SafetensorsFile } from '../safetensors/safetensors-file.js';

/**
 * Reads a HuggingFace model folder without building a model: the validated `config.json` and the
 * parsed safetensors files (`model.safetensors`, or every shard of `model.safetensors.index.json`),
 * with the same typed errors as `fromPretrained` (missing or non-file paths, pickles, bad shards).
 *
 * @example
 * ```ts
 * const { config, files } = await readPretrainedFolder('models/bert-base-uncased');
 * config.hiddenSize; // 768
 * files[0]?.entries.size; // tensors in the first file
 * ```
 */
export async function readPretrainedFolder(
  directory: string,
): Promise<{ readonly config: BertConfig; readonly files: readonly SafetensorsFile[] }> {
  const config = await readConfig(directory);
  return { config, files: await readCheckpointFiles(directory) };
}
