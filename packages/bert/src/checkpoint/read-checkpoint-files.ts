import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CheckpointError } from '@icd/core';
import { SafetensorsFile } from '../safetensors/safetensors-file.js';

const conversionHelp =
  'Convert it to safetensors in Python (no code from the file runs here: a pickle can execute arbitrary code): ' +
  '`from transformers import AutoModelForMaskedLM; AutoModelForMaskedLM.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)`, ' +
  'or without transformers: `import torch; from safetensors.torch import save_file; ' +
  "save_file({k: v.contiguous() for k, v in torch.load('pytorch_model.bin', weights_only=True).items()}, 'model.safetensors', metadata={'format': 'pt'})`.";

/** Reads a weight file, refusing a folder (or anything else) in its place with a typed error. */
async function readWeightFile(path: string): Promise<SafetensorsFile> {
  if (!(await stat(path)).isFile()) {
    throw new CheckpointError({
      file: path,
      message: 'is not a file (a folder?); expected safetensors bytes',
    });
  }
  return new SafetensorsFile(await readFile(path), path);
}

/**
 * Opens the safetensors weights of a HuggingFace model folder: `model.safetensors`, or the shards listed
 * by `model.safetensors.index.json`. A folder with only `pytorch_model.bin` (pickle), `tf_model.h5` or
 * `flax_model.msgpack` is refused with instructions; the pickle is never read.
 */
export async function readCheckpointFiles(directory: string): Promise<SafetensorsFile[]> {
  const single = join(directory, 'model.safetensors');
  if (existsSync(single)) return [await readWeightFile(single)];
  const index = join(directory, 'model.safetensors.index.json');
  if (existsSync(index)) {
    let weightMap: Record<string, string>;
    try {
      if (!(await stat(index)).isFile()) throw new Error('it is not a file (a folder?)');
      weightMap = JSON.parse(await readFile(index, 'utf8')).weight_map;
      if (typeof weightMap !== 'object' || weightMap === null) throw new Error('no "weight_map" object');
    } catch (cause) {
      throw new CheckpointError({
        file: index,
        message: `is not a valid safetensors index (${String(cause)})`,
        cause,
      });
    }
    const shards = [...new Set(Object.values(weightMap) as unknown[])];
    return Promise.all(
      shards.map(async (shard) => {
        // HF writes shards beside the index: a bare file name. Anything else (a number, '../x', a
        // sub-folder) is refused rather than read from outside the model folder.
        if (typeof shard !== 'string' || shard === '' || shard !== basename(shard) || shard === '..') {
          throw new CheckpointError({
            file: index,
            message: `lists shard ${JSON.stringify(shard)}; expected a file name in the same folder`,
          });
        }
        const path = join(directory, shard);
        if (!existsSync(path))
          throw new CheckpointError({ file: path, message: `is listed in ${index} but missing` });
        return readWeightFile(path);
      }),
    );
  }
  const pickle = join(directory, 'pytorch_model.bin');
  if (existsSync(pickle)) {
    throw new CheckpointError({
      file: pickle,
      message: `is a PyTorch pickle, which @icd/bert does not load. ${conversionHelp}`,
    });
  }
  for (const other of ['tf_model.h5', 'flax_model.msgpack']) {
    if (existsSync(join(directory, other))) {
      throw new CheckpointError({
        file: join(directory, other),
        message: `is a TensorFlow/Flax checkpoint; @icd/bert reads safetensors only. Load it with transformers (from_tf=True / from_flax=True) and save_pretrained(dir, safe_serialization=True).`,
      });
    }
  }
  throw new CheckpointError({
    file: directory,
    message:
      'has no model.safetensors (nor model.safetensors.index.json); expected a HuggingFace model folder',
  });
}
