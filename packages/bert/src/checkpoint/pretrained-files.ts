import type { TokenizerLike } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import type { ParameterSpec } from '../model/parameter-specs.js';
import { serializeSafetensors } from '../safetensors/write-safetensors.js';
import { tokenizerFiles } from './tokenizer-files.js';

/**
 * Options of `model.save` / `model.toPretrainedFiles`.
 *
 * @example
 * ```ts
 * const options: SaveOptions = { tokenizer: loadTokenizer('models/my-bert') };
 * await model.save('out/my-bert', options); // config.json, model.safetensors, vocab.txt, ...
 * ```
 */
export interface SaveOptions {
  /** Tokenizer whose files to write next to the weights (default: the model's attached tokenizer). */
  readonly tokenizer?: TokenizerLike;
}

/** @internal What a model folder is made of. */
export interface SaveRequest {
  readonly config: BertConfig;
  readonly architecture: 'BertModel' | 'BertForMaskedLM';
  readonly tensors: readonly { spec: ParameterSpec; fileName: string; value: tf.Tensor }[];
  readonly tokenizer: TokenizerLike | undefined;
}

/** @internal `model.safetensors` bytes (F32, PyTorch layouts, metadata `format: pt`). */
export async function safetensorsBytes(request: SaveRequest): Promise<Uint8Array> {
  const tensors = [];
  for (const { spec, fileName, value } of request.tensors) {
    const fileLayout = spec.kind === 'linear' ? tf.transpose(value) : value;
    const data = (await fileLayout.data()) as Float32Array;
    if (fileLayout !== value) fileLayout.dispose();
    tensors.push({ name: fileName, shape: spec.fileShape, data });
  }
  return serializeSafetensors(tensors);
}

/**
 * The files of a HuggingFace model folder by name: `config.json`, `model.safetensors` and the tokenizer
 * files. Browser-safe; `save(dir)` in `@icd/bert/node` writes them. @internal
 */
export async function pretrainedFiles(request: SaveRequest): Promise<Record<string, string | Uint8Array>> {
  const config = { ...request.config.toJSON(), architectures: [request.architecture] };
  const files: Record<string, string | Uint8Array> = {
    'config.json': `${JSON.stringify(config, null, 2)}\n`,
    'model.safetensors': await safetensorsBytes(request),
  };
  if (request.tokenizer) Object.assign(files, tokenizerFiles(request.tokenizer, request.config));
  return files;
}
