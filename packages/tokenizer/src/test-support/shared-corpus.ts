import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Test-only helpers (not exported by the package): where ../shared is and the CodiEsp notes.

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** `<repo root>/../shared`, or `ICD_SHARED_DIR`. */
export const sharedDir = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
export const modelDir = join(sharedDir, 'models/bert-base-uncased');
/** The bert-base-uncased tokenizer files are there (tests that need only them). */
export const hasModel =
  existsSync(join(modelDir, 'tokenizer.json')) && existsSync(join(modelDir, 'tokenizer_config.json'));
if (!hasModel)
  console.warn(`@icd/tokenizer: ${modelDir} not found; the transformers.js peer cases are skipped`);
export const hasShared = hasModel && existsSync(join(sharedDir, 'data/codiesp'));
if (!hasShared)
  console.warn(
    `@icd/tokenizer: ${sharedDir} (models/bert-base-uncased, data/codiesp) not found; corpus parity tests are skipped`,
  );

/** Every note of train, dev and background in `folder` (`text_files_en` or `text_files`), sorted by path. */
export function readNotes(
  folder: 'text_files_en' | 'text_files',
  splits = ['train', 'dev', 'background'],
): string[] {
  const notes: string[] = [];
  for (const split of splits) {
    const dir = join(sharedDir, 'data/codiesp', split, folder);
    for (const file of readdirSync(dir).sort()) notes.push(readFileSync(join(dir, file), 'utf8'));
  }
  return notes;
}
