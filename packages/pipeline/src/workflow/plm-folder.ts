import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { Tokenizer } from '@icd/tokenizer';

/**
 * The files of a PLM folder (`icd pretrain`'s, or a HuggingFace BERT folder): the safetensors bytes, the
 * config with `dropout` overriding its hidden and attention dropout, and the tokenizer. `loadPlm` builds
 * the masked LM from them, `loadEncoder` the bare encoder.
 */
export async function readPlmFolder(
  directory: string,
  dropout?: number,
): Promise<{ weights: Uint8Array; config: Record<string, unknown>; tokenizer: Tokenizer }> {
  const configFile = join(directory, 'config.json');
  const weightsFile = join(directory, 'model.safetensors');
  const tokenizerFile = join(directory, 'tokenizer.json');
  for (const file of [configFile, weightsFile, tokenizerFile])
    if (!existsSync(file))
      throw new CheckpointError({
        file,
        message:
          'missing: model.plm must be a folder written by `icd pretrain` (or a HuggingFace BERT folder)',
      });
  const tokenizer = Tokenizer.fromJSON(await readFile(tokenizerFile, 'utf8'));
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  if (dropout !== undefined) {
    config.hidden_dropout_prob = dropout;
    config.attention_probs_dropout_prob = dropout;
  }
  return { weights: new Uint8Array(await readFile(weightsFile)), config, tokenizer };
}
