import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenizerLike } from '@icd/core';
import { invalidArgument } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/bert-config.js';
import type { ParameterSpec } from '../model/parameter-specs.js';
import { serializeSafetensors } from '../safetensors/write-safetensors.js';
import { tokenizerFiles } from './tokenizer-files.js';

/**
 * Options of `model.save`.
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

/** @internal What `savePretrained` writes. */
export interface SaveRequest {
  readonly config: BertConfig;
  readonly architecture: 'BertModel' | 'BertForMaskedLM';
  readonly tensors: readonly { spec: ParameterSpec; fileName: string; value: tf.Tensor }[];
  readonly tokenizer: TokenizerLike | undefined;
}

/**
 * Writes a HuggingFace model folder: `config.json`, `model.safetensors` (F32, PyTorch layouts, metadata
 * `format: pt`) and the tokenizer files. @internal
 */
export async function savePretrained(directory: string, request: SaveRequest): Promise<void> {
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument('save', 'directory', 'a folder path', directory);
  await mkdir(directory, { recursive: true });
  const tensors = [];
  for (const { spec, fileName, value } of request.tensors) {
    const fileLayout = spec.kind === 'linear' ? tf.transpose(value) : value;
    const data = (await fileLayout.data()) as Float32Array;
    if (fileLayout !== value) fileLayout.dispose();
    tensors.push({ name: fileName, shape: spec.fileShape, data });
  }
  const config = { ...request.config.toJson(), architectures: [request.architecture] };
  await writeFile(join(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(join(directory, 'model.safetensors'), serializeSafetensors(tensors));
  if (request.tokenizer) {
    for (const [name, content] of Object.entries(tokenizerFiles(request.tokenizer, request.config))) {
      await writeFile(join(directory, name), content);
    }
  }
}
