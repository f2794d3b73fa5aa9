import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests that read ../shared (CodiEsp, ICD-10-CM tables) find it beside the repository root, or at
// $ICD_SHARED_DIR, and skip with a message naming the path when it is absent (a user's clone).
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = process.env.ICD_SHARED_DIR ?? join(repositoryRoot, '..', 'shared');
export const codiespDir = join(sharedDir, 'data', 'codiesp');
export const icd10cmDir = join(sharedDir, 'data', 'icd10cm');
export const hasCodiesp = existsSync(join(codiespDir, 'train', 'trainD.tsv'));
export const hasIcd10cm = existsSync(join(icd10cmDir, 'icd10cm-categories-April-1-2026.csv'));

export function warnIfMissing(present: boolean, what: string, path: string): void {
  if (!present)
    console.warn(`[@icd/data tests] ${what} not found at ${path}: skipping the tests that read it.`);
}

/** The package folder, for fixtures. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
