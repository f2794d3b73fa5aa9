import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isEmscriptenCrashHandler,
  releaseCrashHandlers,
  snapshotCrashHandlers,
} from './wasm-crash-handlers.js';

const selectBackendUrl = pathToFileURL(fileURLToPath(new URL('./select-backend.ts', import.meta.url))).href;
const scratch = mkdtempSync(join(tmpdir(), 'icd-bert-crash-'));

/** Runs an app that selects the wasm backend, then fails; returns its exit code and output. */
function runApp(
  name: string,
  body: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(scratch, `${name}.mts`);
  writeFileSync(
    file,
    `import { selectBackend } from ${JSON.stringify(selectBackendUrl)};\n${body.replace('SELECT', "await selectBackend({ backend: 'wasm' });")}\n`,
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@icd/source', '--import', 'tsx', file],
      { cwd: process.cwd(), timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('the wasm backend does not take over process crash handling', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('an app with its own handlers survives its errors; without one, Node exits as usual (code 1)', async () => {
    const [handled, bare] = await Promise.all([
      runApp(
        'handled',
        `process.on('uncaughtException', (e) => console.log('handled', e.message));
SELECT
process.on('unhandledRejection', (reason) => console.log('handled', reason.message));
setTimeout(() => { throw new Error('boom'); }, 5);
setTimeout(() => Promise.reject(new Error('nope')), 20);
setTimeout(() => console.log('alive'), 80);`,
      ),
      runApp('bare', `SELECT\nsetTimeout(() => { throw new Error('boom'); }, 5);`),
    ]);
    expect(handled).toMatchObject({ code: 0, stdout: 'handled boom\nhandled nope\nalive\n' });
    // Node's default: exit code 1 and the error's own stack, not code 7 and a dump of the wasm glue.
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/Error: boom/);
    expect(bare.stderr.length).toBeLessThan(4000);
  });

  it('recognises the glue handlers only, and removes only handlers added after the snapshot', () => {
    // The two handlers as tfjs-backend-wasm 4.22's glue (plain and minified builds) defines them.
    const glue = [
      new Function('ExitStatus', 'return function (ex) { if (!(ex instanceof ExitStatus)) { throw ex; } }')(
        class {},
      ),
      new Function('return function (reason) { throw reason; }')(),
      new Function('return function(e){throw e}')(),
      new Function('return (e) => { throw e; }')(),
    ];
    for (const listener of glue) expect(isEmscriptenCrashHandler(listener)).toBe(true);
    const app = [
      (error: unknown) => console.error(error),
      (reason: unknown) => {
        throw new Error(String(reason));
      },
      (a: unknown) => {
        throw (a as { cause: unknown }).cause;
      },
    ];
    for (const listener of app) expect(isEmscriptenCrashHandler(listener as never)).toBe(false);

    const before = snapshotCrashHandlers();
    const added = glue[1] as (...args: unknown[]) => void;
    const own = app[0] as (...args: unknown[]) => void;
    process.on('unhandledRejection', added);
    process.on('unhandledRejection', own);
    expect(releaseCrashHandlers(before)).toBe(1);
    expect(process.listeners('unhandledRejection')).toContain(own);
    expect(process.listeners('unhandledRejection')).not.toContain(added);
    process.removeListener('unhandledRejection', own);
  });
});
