import { invalidArgument } from '@icd/core';
import { BertConfig } from '../config/bert-config.js';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';

/** @internal A BertConfig from a BertConfig or a parsed `config.json`. */
export function toConfig(config: BertConfig | Record<string, unknown>): BertConfig {
  return config instanceof BertConfig ? config : BertConfig.fromJSON(config);
}

/**
 * Safetensors bytes as `fromSafetensors` takes them: one file or the shards of a sharded checkpoint, as
 * `Uint8Array`s (Node `Buffer`s included) or `ArrayBuffer`s (what `fetch(...).arrayBuffer()` gives).
 *
 * @example
 * ```ts
 * const weights: SafetensorsBytes = await (await fetch('/models/bert/model.safetensors')).arrayBuffer();
 * ```
 */
export type SafetensorsBytes = Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[];

/** @internal Parsed safetensors files from bytes (one file, or the shards of a checkpoint). */
export function safetensorsFiles(fn: string, weights: SafetensorsBytes): SafetensorsFile[] {
  const isBytes = (value: unknown): value is Uint8Array | ArrayBuffer =>
    value instanceof Uint8Array || value instanceof ArrayBuffer;
  const list = isBytes(weights) ? [weights] : weights;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isBytes)) {
    invalidArgument(
      fn,
      'weights',
      'safetensors bytes (a Uint8Array or ArrayBuffer, or an array of them)',
      weights,
    );
  }
  return list.map(
    (bytes, index) =>
      new SafetensorsFile(
        bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes),
        list.length === 1 ? 'model.safetensors' : `shard ${index + 1}`,
      ),
  );
}
