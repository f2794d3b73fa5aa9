import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TokenizerLike } from '@icd/core';
import { CheckpointError, IcdError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { BertConfig } from '../config/bert-config.js';
import {
  encoderParameterSpecs,
  maskedLMHeadParameterSpecs,
  type ParameterSpec,
} from '../model/parameter-specs.js';
import type { SafetensorsFile } from '../safetensors/safetensors-file.js';
import { canonicalName } from './canonical-name.js';
import { readCheckpointFiles } from './read-checkpoint-files.js';

/**
 * Options of `fromPretrained`.
 *
 * @example
 * ```ts
 * const options: PretrainedOptions = { allowMissingWeights: true, tokenizer: loadTokenizer('models/my-bert') };
 * const mlm = await BertForMaskedLM.fromPretrained('models/my-bert', options);
 * ```
 */
export interface PretrainedOptions {
  /** Keep the pooler; default: when the checkpoint has `pooler.dense.*`. */
  readonly addPoolingLayer?: boolean;
  /**
   * Initialise weights the checkpoint lacks (e.g. the MLM head of a `BertModel` checkpoint) instead of
   * failing; their names are in the `missingWeights` of the load report (default false).
   */
  readonly allowMissingWeights?: boolean;
  /** Tokenizer to attach to the model (written by `save`). */
  readonly tokenizer?: TokenizerLike;
}

/** What a checkpoint folder held, converted to tensors in memory layout. @internal */
export interface PretrainedParts {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
  /** Encoder weights by HF name without the `bert.` prefix. */
  readonly encoderWeights: Map<string, tf.Tensor>;
  /** `cls.predictions.*` weights. */
  readonly headWeights: Map<string, tf.Tensor>;
  /** HF names the model needed and the checkpoint lacked (initialised fresh). */
  readonly missingWeights: string[];
  /** Checkpoint tensors no part of the model uses (e.g. `cls.seq_relationship.*`, `position_ids`). */
  readonly unusedTensors: string[];
  dispose(): void;
}

/** Reads and validates `config.json`. */
export async function readConfig(directory: string): Promise<BertConfig> {
  const path = join(directory, 'config.json');
  if (!existsSync(path))
    throw new CheckpointError({ file: path, message: 'is missing; a HuggingFace model folder has one' });
  try {
    return BertConfig.fromJson(JSON.parse(await readFile(path, 'utf8')));
  } catch (cause) {
    const reason = IcdError.isInstance(cause) || cause instanceof SyntaxError ? cause.message : String(cause);
    throw new CheckpointError({ file: path, message: `is not a valid BERT config: ${reason}`, cause });
  }
}

/**
 * Loads config and weights of a HF BERT folder for an `encoder` (BertModel) or a `maskedLM`
 * (BertForMaskedLM), normalising names (see `canonicalName`), checking every shape against the config,
 * converting F16/BF16 to float32 and transposing PyTorch `[out, in]` linear weights. @internal
 */
export async function loadPretrainedParts(
  directory: string,
  target: 'encoder' | 'maskedLM',
  options: PretrainedOptions = {},
): Promise<PretrainedParts> {
  const config = await readConfig(directory);
  const files = await readCheckpointFiles(directory);
  const located = new Map<string, { file: SafetensorsFile; name: string }>();
  for (const file of files) {
    for (const name of file.entries.keys()) {
      const canonical = canonicalName(name);
      // When both `cls.predictions.bias` and its alias `decoder.bias` are present, keep the first.
      if (!located.has(canonical)) located.set(canonical, { file, name });
    }
  }
  const hasPooler = options.addPoolingLayer ?? located.has('bert.pooler.dense.weight');
  const specs: { spec: ParameterSpec; fullName: string; head: boolean }[] = encoderParameterSpecs(
    config,
    hasPooler,
  ).map((spec) => ({ spec, fullName: `bert.${spec.name}`, head: false }));
  if (target === 'maskedLM') {
    for (const spec of maskedLMHeadParameterSpecs(config))
      specs.push({ spec, fullName: spec.name, head: true });
  }
  const encoderWeights = new Map<string, tf.Tensor>();
  const headWeights = new Map<string, tf.Tensor>();
  const missingWeights: string[] = [];
  const used = new Set<string>();
  const dispose = () => tf.dispose([...encoderWeights.values(), ...headWeights.values()]);
  try {
    for (const { spec, fullName, head } of specs) {
      const found = located.get(fullName);
      if (!found) {
        missingWeights.push(fullName);
        continue;
      }
      used.add(fullName);
      const entry = found.file.entries.get(found.name);
      const shape = entry?.shape ?? [];
      if (shape.length !== spec.fileShape.length || shape.some((d, i) => d !== spec.fileShape[i])) {
        throw new CheckpointError({
          file: found.file.file,
          tensor: found.name,
          message: `tensor '${found.name}' has shape [${shape.join(', ')}] but config.json implies [${spec.fileShape.join(', ')}]`,
        });
      }
      const values = found.file.readFloat32(found.name);
      const tensor = tf.tidy(() => {
        const raw = tf.tensor(values, [...spec.fileShape], 'float32');
        return spec.kind === 'linear' ? tf.transpose(raw) : raw;
      });
      (head ? headWeights : encoderWeights).set(spec.name, tensor);
    }
    if (missingWeights.length > 0 && !options.allowMissingWeights) {
      throw new CheckpointError({
        file: files[0]?.file ?? directory,
        tensor: missingWeights[0],
        message: `lacks ${missingWeights.length} weight(s) the model needs: ${missingWeights.slice(0, 8).join(', ')}${missingWeights.length > 8 ? ', ...' : ''}. Pass { allowMissingWeights: true } to initialise them fresh.`,
      });
    }
  } catch (error) {
    dispose();
    throw error;
  }
  const tiedDecoder = 'cls.predictions.decoder.weight';
  const unusedTensors = [...located.keys()].filter(
    (name) => !used.has(name) && name !== tiedDecoder && !(target === 'encoder' && name.startsWith('cls.')),
  );
  return { config, hasPooler, encoderWeights, headWeights, missingWeights, unusedTensors, dispose };
}
