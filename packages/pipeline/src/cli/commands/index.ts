import type { CliCommand } from '../command.js';
import { batchCommand } from './batch.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';
import { pretrainCommand } from './pretrain.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';

/**
 * The commands of `icd`, in `icd --help` order. A new command is a file in this folder and one line
 * here (the service and batch commands register the same way).
 */
export const CLI_COMMANDS: CliCommand[] = [
  pretrainCommand,
  trainCommand,
  evalCommand,
  predictCommand,
  searchCommand,
  serveCommand,
  batchCommand,
];

/**
 * Adds (or replaces, by name) a command of `icd` at run time, e.g. from a plugin package.
 *
 * @example
 * ```ts
 * registerCommand({ name: 'hello', summary: 'says hello', usage: 'icd hello', run: async () => 0 });
 * ```
 */
export function registerCommand(command: CliCommand): void {
  const index = CLI_COMMANDS.findIndex((existing) => existing.name === command.name);
  if (index >= 0) CLI_COMMANDS[index] = command;
  else CLI_COMMANDS.push(command);
}
