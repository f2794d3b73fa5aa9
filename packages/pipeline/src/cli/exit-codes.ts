import { IcdError } from '@icd/core';

/**
 * Exit codes of `icd`:
 * - 0 success;
 * - 1 failure while running (training diverged, an unexpected error);
 * - 2 usage or config error (unknown command or flag, a config field that fails the schema, a bad argument);
 * - 3 bad input data or model folder (unreadable notes, a malformed or unsupported model folder);
 * - 130 interrupted (SIGINT).
 */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, input: 3, interrupted: 130 } as const;

/** A usage error of the command line (unknown command, missing argument). */
export class UsageError extends IcdError {
  constructor(message: string) {
    super({ name: 'UsageError', message });
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (!IcdError.isInstance(error)) return EXIT_CODES.failure;
  switch ((error as IcdError).name) {
    case 'UsageError':
    case 'ConfigError':
    case 'InvalidArgumentError':
      return EXIT_CODES.usage;
    case 'DataFormatError':
    case 'CheckpointError':
    case 'UnsupportedError':
      return EXIT_CODES.input;
    default:
      return EXIT_CODES.failure;
  }
}
