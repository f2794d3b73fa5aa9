import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, IcdError } from '@icd/core';
import { BertConfig } from '../config/bert-config.js';
import { assemblePretrained, type PretrainedOptions, type PretrainedParts } from './assemble-pretrained.js';
import { readCheckpointFiles } from './read-checkpoint-files.js';

/** Reads and validates `config.json` of a model folder. @internal */
export async function readConfig(directory: string): Promise<BertConfig> {
  const path = join(directory, 'config.json');
  if (!existsSync(path))
    throw new CheckpointError({ file: path, message: 'is missing; a HuggingFace model folder has one' });
  if (!(await stat(path)).isFile())
    throw new CheckpointError({ file: path, message: 'is not a file (a folder?); expected the config JSON' });
  try {
    return BertConfig.fromJSON(JSON.parse(await readFile(path, 'utf8')));
  } catch (cause) {
    const reason = IcdError.isInstance(cause) || cause instanceof SyntaxError ? cause.message : String(cause);
    throw new CheckpointError({ file: path, message: `is not a valid BERT config: ${reason}`, cause });
  }
}

/**
 * Loads config and weights of a HF BERT folder for an `encoder` (BertModel) or a `maskedLM`
 * (BertForMaskedLM); see `assemblePretrained` for the checks. @internal
 */
export async function loadPretrainedParts(
  directory: string,
  target: 'encoder' | 'maskedLM',
  options: PretrainedOptions = {},
): Promise<PretrainedParts> {
  const config = await readConfig(directory);
  const files = await readCheckpointFiles(directory);
  return assemblePretrained(config, files, target, options);
}
