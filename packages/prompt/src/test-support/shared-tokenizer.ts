import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@icd/tokenizer';

// Test-only: the real bert-base-uncased tokenizer from ../shared (tests skip when it is absent).

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** `<repo root>/../shared`, or `ICD_SHARED_DIR`. */
export const sharedDir = process.env.ICD_SHARED_DIR ?? resolve(repositoryRoot, '../shared');
const tokenizerFile = join(sharedDir, 'models/bert-base-uncased/tokenizer.json');
export const hasBertTokenizer = existsSync(tokenizerFile);
if (!hasBertTokenizer)
  console.warn(
    `@icd/prompt: ${tokenizerFile} not found; tests with the real bert-base-uncased tokenizer are skipped`,
  );

let cached: Tokenizer | undefined;
/** The bert-base-uncased tokenizer (call only when {@link hasBertTokenizer}). */
export function bertTokenizer(): Tokenizer {
  cached ??= Tokenizer.fromJSON(readFileSync(tokenizerFile, 'utf8'));
  return cached;
}
