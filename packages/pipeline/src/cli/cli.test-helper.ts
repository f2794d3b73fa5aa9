import { runCli } from './run-cli.js';

/** Runs `icd` in-process with captured streams. */
export async function icd(
  argv: readonly string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: (async function* () {
      yield stdin;
    })(),
  });
  return { code, stdout, stderr };
}
