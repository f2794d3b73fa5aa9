import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

// `icd batch` with no Redis to reach (a refused loopback port): ioredis alone would retry forever, print a
// stack trace per try, and keep the process alive.

let dir: string;
let notes: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icd-cli-batch-down-'));
  notes = join(dir, 'notes.jsonl');
  await writeFile(notes, `${JSON.stringify({ id: 'n1', text: 'Atrial fibrillation.' })}\n`);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sink() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}
const refused = 'redis://:secret@127.0.0.1:1';

describe('icd batch without a reachable Redis', () => {
  it('enqueue and work fail with exit 1 after --connect-timeout, one clear message, no password shown', async () => {
    for (const args of [
      ['batch', 'enqueue', notes],
      ['batch', 'work', '--model', join(dir, 'model'), '--out', join(dir, 'out')],
    ]) {
      const stdout = sink();
      const stderr = sink();
      const started = performance.now();
      const code = await runCli([...args, '--redis', refused, '--connect-timeout', '300'], {
        stdout,
        stderr,
      });
      expect(code).toBe(1);
      expect(performance.now() - started).toBeLessThan(20_000); // 300 ms asked: never the old endless wait
      const text = stderr.text();
      expect(text).toMatch(/no Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1 after 300 ms/);
      expect(text).not.toContain('secret');
      expect(text).not.toMatch(/^\s+at /m); // no stack traces
      expect(text.trim().split('\n').length).toBeLessThanOrEqual(3);
    }
  });

  it('stops at once when interrupted while waiting for Redis (exit 130), and --json reports the error', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const exit = runCli(['batch', 'enqueue', notes, '--redis', refused, '--connect-timeout', '60000'], {
      stdout: sink(),
      stderr: sink(),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    expect(await exit).toBe(130);
    expect(performance.now() - started).toBeLessThan(20_000);
    const stdout = sink();
    const code = await runCli(
      ['batch', 'enqueue', notes, '--redis', refused, '--connect-timeout', '200', '--json'],
      {
        stdout,
        stderr: sink(),
      },
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout.text())).toMatchObject({
      error: { name: 'RedisUnreachableError', exitCode: 1 },
    });
    expect(
      await runCli(['batch', 'enqueue', notes, '--connect-timeout', '0'], { stdout: sink(), stderr: sink() }),
    ).toBe(2);
  });
});
