/**
 * The `icd` executable of @icd/pipeline, run from this workspace's sources: the same few lines as the
 * package's bin (`runCli` from the public `@icd/pipeline/node` entry, stopped gracefully on SIGTERM /
 * SIGINT). In your own project, run the installed bin instead: `npx icd serve --model <dir>`.
 */
import { runCli } from '@icd/pipeline/node';

const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
