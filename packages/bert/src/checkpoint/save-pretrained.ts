import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '@icd/core';

/**
 * Writes the files of `model.toPretrainedFiles()` into a folder (created if needed): a HuggingFace model
 * folder that `transformers` loads. @internal
 */
export async function writePretrainedFiles(
  directory: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<void> {
  if (typeof directory !== 'string' || directory.length === 0)
    invalidArgument('save', 'directory', 'a folder path', directory);
  await mkdir(directory, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(directory, name), content);
}
