import type { ParseArgsConfig } from 'node:util';
import type { IcdConfig } from './config.js';
import { ProgressBar, type ProgressSink } from './progress-bar.js';

/** What a command gets: the validated config (file + flags), its flags and arguments, and the streams. */
export interface CliContext {
  readonly config: IcdConfig;
  /** The config file, when one was given (for messages). */
  readonly configFile: string | undefined;
  /** Parsed flags of the command line. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** `--json`: print one JSON document on stdout, no progress, no chatter. */
  readonly json: boolean;
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  readonly stdin: AsyncIterable<Uint8Array | string>;
  /** Aborted on SIGINT / SIGTERM. */
  readonly signal: AbortSignal;
  /** A progress bar on stderr (silent with `--json`). */
  progress(label: string, total: number, unit?: string): ProgressBar;
  /** A line on stderr (silent with `--json`). */
  log(message: string): void;
}

/**
 * One `icd` command. Commands live in `src/cli/commands/<name>.ts` and are listed once in
 * `src/cli/commands/index.ts` (`CLI_COMMANDS`); {@link registerCommand} adds one at run time.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello', summary: 'says hello', usage: 'icd hello [--name <name>]',
 *   options: { name: { type: 'string' } },
 *   run: async ({ values, stdout }) => { stdout.write(`hello ${values.name ?? 'world'}\n`); },
 * };
 * ```
 */
export interface CliCommand {
  readonly name: string;
  /** One line for `icd --help`. */
  readonly summary: string;
  /** The usage text of `icd <name> --help`. */
  readonly usage: string;
  /** `node:util` `parseArgs` options of this command, besides the global ones (--config, --json, --set, --help). */
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  /** Flags that override a config field: flag name → dotted config path (`epochs` → `train.epochs`). */
  readonly flagPaths?: Readonly<Record<string, string>>;
  /** How many positional arguments it takes; more is a usage error (exit 2). Default: any number. */
  readonly maxPositionals?: number;
  /** The command computes with tensors: `runCli` sets up the tfjs backend (`--backend`) first (default true). */
  readonly tensors?: boolean;
  /** Runs the command; resolves to its exit code (default 0). */
  run(context: CliContext): Promise<number | undefined | void>;
}

/** A silent-or-stderr progress bar factory for a context. */
export const progressFactory =
  (stderr: ProgressSink, json: boolean) =>
  (label: string, total: number, unit?: string): ProgressBar =>
    new ProgressBar(label, total, json ? undefined : stderr, unit);
