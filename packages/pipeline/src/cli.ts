#!/usr/bin/env node
/**
 * The `icd` executable: `icd pretrain | train | eval | predict | search | ...`. See `runCli`.
 */
import { runCli } from './cli/run-cli.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  });
void runCli(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
});
