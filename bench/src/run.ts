/**
 * Runs the benchmark suites: `pnpm bench` runs all, `pnpm bench tokenizer metrics` runs those named.
 * Each suite is `src/<name>/main.ts`, run in its own process so that peak-memory figures are its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'main.ts')))
  .map((entry) => entry.name)
  .sort();
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
// Flags (`pnpm bench heads --quick`) go to every suite run.
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark suite(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n=== bench: ${name} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, name, 'main.ts'), ...flags], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=@icd/source`.trim(),
    },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
