import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Test-only: folders under the system temp directory, removed when the test file ends (issue 11: no
// mkdtemp folder may outlive a test run).

/** A function that makes a fresh temp folder (prefix `icd-<name>-`) each call, all removed in `afterAll`. */
export function temporaryFolders(name: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `icd-${name}-`));
    made.push(dir);
    return dir;
  };
}
