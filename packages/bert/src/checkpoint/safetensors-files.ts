import { invalidArgument } from '@icd/core';
import { BertConfig } from '../config/bert-config.js';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';

/** @internal A BertConfig from a BertConfig or a parsed `config.json`. */
export function toConfig(config: BertConfig | Record<string, unknown>): BertConfig {
  return config instanceof BertConfig ? config : BertConfig.fromJSON(config);
}

/** @internal Parsed safetensors files from bytes (one file, or the shards of a checkpoint). */
export function safetensorsFiles(fn: string, weights: Uint8Array | readonly Uint8Array[]): SafetensorsFile[] {
  const list = weights instanceof Uint8Array ? [weights] : weights;
  if (!Array.isArray(list) || list.length === 0 || !list.every((bytes) => bytes instanceof Uint8Array)) {
    invalidArgument(fn, 'weights', 'safetensors bytes (a Uint8Array or an array of them)', weights);
  }
  return list.map(
    (bytes, index) =>
      new SafetensorsFile(bytes, list.length === 1 ? 'model.safetensors' : `shard ${index + 1}`),
  );
}
