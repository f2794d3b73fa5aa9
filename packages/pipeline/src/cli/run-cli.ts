import { parseArgs } from 'node:util';
import { type BackendName, backendNames, selectBackend } from '@icd/bert';
import { IcdError } from '@icd/core';
import { type CliCommand, type CliContext, progressFactory } from './command.js';
import { CLI_COMMANDS } from './commands/index.js';
import { type IcdConfig, parseFlagValue, readConfigFile, setPath, validateConfig } from './config.js';
import { EXIT_CODES, exitCodeOf, UsageError } from './exit-codes.js';
import type { ProgressSink } from './progress-bar.js';

/** The streams of a run (default: the process's). */
export interface CliStreams {
  readonly stdout?: ProgressSink;
  readonly stderr?: ProgressSink;
  readonly stdin?: AsyncIterable<Uint8Array | string>;
  readonly signal?: AbortSignal;
}

const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  backend: { type: 'string' },
} as const;

function helpText(): string {
  const width = Math.max(...CLI_COMMANDS.map((command) => command.name.length));
  return [
    'icd: ICD-10 coding of clinical notes (pretrain, train, evaluate, predict, search hyperparameters).',
    '',
    'Usage: icd <command> [--config icd.yaml] [--set field.path=value ...] [--json] [--backend wasm|cpu|...] [flags]',
    '',
    'Commands:',
    ...CLI_COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage or config error, 3 bad input data or model folder, 130 interrupted.',
    'Run `icd <command> --help` for its flags.',
    '',
  ].join('\n');
}

async function configOf(
  command: CliCommand,
  values: Record<string, string | boolean | string[] | undefined>,
): Promise<IcdConfig> {
  const file = typeof values.config === 'string' ? values.config : undefined;
  let config = (file ? await readConfigFile(file) : {}) as Record<string, unknown>;
  const overrides: [string, unknown][] = [];
  for (const [flag, path] of Object.entries(command.flagPaths ?? {})) {
    const value = values[flag];
    if (value !== undefined)
      overrides.push([path, typeof value === 'string' ? parseFlagValue(value) : value]);
  }
  for (const assignment of (values.set as string[] | undefined) ?? []) {
    const at = assignment.indexOf('=');
    if (at <= 0) throw new UsageError(`--set expects field.path=value, got ${JSON.stringify(assignment)}`);
    overrides.push([assignment.slice(0, at), parseFlagValue(assignment.slice(at + 1))]);
  }
  if (overrides.length === 0) return config as IcdConfig;
  for (const [path, value] of overrides) config = setPath(config, path, value);
  return validateConfig(config, file ? `${file} (with command-line flags)` : 'the command-line flags');
}

/**
 * Runs `icd` with `argv` (without `node` and the script) and resolves to the exit code; never throws.
 * Errors are printed on stderr (as `{ "error": ... }` on stdout with `--json`).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], streams: CliStreams = {}): Promise<number> {
  const stdout = streams.stdout ?? process.stdout;
  const stderr = streams.stderr ?? process.stderr;
  const json = argv.includes('--json');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? stderr : stdout).write(helpText());
    return name === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (name === '--version') {
    stdout.write('icd (@icd/pipeline) 0.1.0\n');
    return EXIT_CODES.ok;
  }
  const command = CLI_COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (!command)
      throw new UsageError(
        `unknown command ${JSON.stringify(name)}; commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}`,
      );
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) },
        allowPositionals: true,
        strict: true,
      });
    } catch (cause) {
      throw new UsageError(`${(cause as Error).message}\n\n${command.usage}`);
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    if (values.help) {
      stdout.write(`${command.usage}\n`);
      return EXIT_CODES.ok;
    }
    if (command.maxPositionals !== undefined && parsed.positionals.length > command.maxPositionals)
      throw new UsageError(
        `unexpected argument ${JSON.stringify(parsed.positionals[command.maxPositionals])} (takes ${command.maxPositionals === 0 ? 'none' : `at most ${command.maxPositionals}`})\n\n${command.usage}`,
      );
    const controller = new AbortController();
    const abort = () => controller.abort(new Error('interrupted'));
    streams.signal?.addEventListener('abort', abort, { once: true });
    const context: CliContext = {
      config: await configOf(command, values),
      configFile: typeof values.config === 'string' ? values.config : undefined,
      values,
      positionals: parsed.positionals,
      json,
      stdout,
      stderr,
      stdin: streams.stdin ?? process.stdin,
      signal: controller.signal,
      progress: progressFactory(stderr, json),
      log: (message) => {
        if (!json) stderr.write(`${message}\n`);
      },
    };
    if (command.tensors !== false) {
      const backend = (values.backend as string | undefined) ?? process.env.ICD_BACKEND ?? 'wasm';
      if (!(backendNames as readonly string[]).includes(backend))
        throw new UsageError(
          `--backend must be one of ${backendNames.join(', ')}, got ${JSON.stringify(backend)}`,
        );
      await selectBackend({ backend: backend as BackendName });
    }
    const code = await command.run(context);
    return controller.signal.aborted ? EXIT_CODES.interrupted : (code ?? EXIT_CODES.ok);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (json)
      stdout.write(
        `${JSON.stringify({ error: { name: IcdError.isInstance(error) ? (error as IcdError).name : 'Error', message, exitCode: code } })}\n`,
      );
    else stderr.write(`icd ${name}: ${message}\n`);
    if (
      code === EXIT_CODES.failure &&
      !json &&
      error instanceof Error &&
      error.stack &&
      !IcdError.isInstance(error)
    )
      stderr.write(`${error.stack}\n`);
    return code;
  }
}
