import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real executable, as `pnpm exec icd` runs it from source (tsx), in a child process.
const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const run = (args: readonly string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@icd/source', '--import', 'tsx', cli, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('the icd executable', () => {
  it('exits 2 on a config error, naming the field and the file on stderr', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'icd-spawn-'));
    try {
      const config = join(directory, 'icd.json');
      await writeFile(config, JSON.stringify({ model: { kind: 'prompt', maxLength: 4 } }));
      const bad = await run(['train', '--config', config]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`model.maxLength must be >= 16, got 4 in ${config}`);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
