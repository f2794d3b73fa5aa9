/**
 * Coding a backlog through a job queue (BullMQ on Redis), as a hospital would code last year's
 * discharge letters:
 *
 *   1. a throwaway Redis: Debian's `redis-server` on a random loopback port, persistence off, in a
 *      temp folder (in production: your Redis, with AOF on);
 *   2. `icd train`: a small TF-IDF + logistic-regression model folder, in about a second;
 *   3. `icd batch enqueue`: 200 synthetic notes, one job per note id;
 *   4. two `icd batch work` processes (as on two machines), each coding jobs until the queue is empty
 *      and writing `<out>/<id>.json` atomically;
 *   5. checks: exactly one result per note id, no note lost; then the same backlog enqueued again and
 *      worked: nothing new is written (results are idempotent by note id);
 *   6. a summary.
 *
 * Redis, the workers and the temp folder are removed at the end, also on failure. Without
 * /usr/bin/redis-server (or ICD_REDIS_SERVER) it says so and exits 0. Exit code 1 on anything unexpected.
 *
 * Run: `pnpm --filter @icd/example-batch-queue start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCardiologyCorpus } from '@icd/data';
import { runCli } from '@icd/pipeline/node';

const REDIS_SERVER = process.env.ICD_REDIS_SERVER ?? '/usr/bin/redis-server';
const NOTES = 200;
const WORKERS = 2;
const QUEUE = 'icd-example-backlog';

// Seconds since this process started (performance.now() counts from there, module loading included).
const seconds = () => (performance.now() / 1000).toFixed(1);
let work = '';
/** Prints a step; paths inside the temp folder are shown relative to it. */
const step = (text: string) =>
  console.log(`\n[${seconds()} s] ${work ? text.replaceAll(`${work}/`, '') : text}`);

/** The `icd` command line: here the bin run from this workspace's sources; in your project `npx icd`. */
const ICD = [...process.execArgv, fileURLToPath(new URL('./icd.ts', import.meta.url))];

/** Stops the run on a result we did not expect. */
function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`unexpected result: ${what}`);
}

if (!existsSync(REDIS_SERVER)) {
  console.log(
    `batch-queue: skipped, no Redis server at ${REDIS_SERVER}. Install Debian's (apt-get install redis-server) or point ICD_REDIS_SERVER at one.`,
  );
  process.exit(0);
}

/** A free TCP port on loopback, picked by the OS. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Runs one child process to its end; resolves with its exit code and what it printed on stdout. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Kills a child process that is still running and waits until it is gone. */
async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** `icd ...` in this process (the public `runCli`), returning its `--json` answer. */
async function icdJson(...argv: string[]): Promise<Record<string, number>> {
  let out = '';
  const code = await runCli([...argv, '--json'], {
    stdout: { write: (text: string) => (out += text) },
    stderr: process.stderr,
  });
  check(code === 0, `icd ${argv.slice(0, 2).join(' ')} exited with ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

work = await mkdtemp(join(tmpdir(), 'icd-batch-queue-'));
const children: ChildProcess[] = [];
let redis: ChildProcess | undefined;
// A hung run must not hang CI: give up after a minute.
const watchdog = setTimeout(() => {
  console.error('batch-queue: not done after 60 s, giving up');
  for (const child of [...children, redis]) child?.kill('SIGKILL');
  void rm(work, { recursive: true, force: true }).finally(() => process.exit(1));
}, 60_000);

try {
  // -------------------------------------------------------------------------------------------------
  // 1. Redis on a random loopback port, no persistence, its files in the temp folder.

  const port = await freePort();
  const redisUrl = `redis://127.0.0.1:${port}`;
  step(`$ redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no`);
  redis = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const redisExit = exitOf(redis);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    redis!.stdout!.on('data', (text: string) => {
      seen += text;
      if (seen.includes('Ready to accept connections')) resolve();
    });
    void redisExit.then(({ code, stdout }) => reject(new Error(`redis-server exited (${code}):\n${stdout}`)));
  });

  // -------------------------------------------------------------------------------------------------
  // 2. A model folder: TF-IDF + logistic regression on 300 synthetic cardiology notes.

  const model = join(work, 'model');
  const configFile = join(work, 'icd.json');
  await writeFile(
    configFile,
    JSON.stringify({
      seed: 13,
      data: { source: 'synthetic', size: 300 },
      codeSet: { source: 'mdr-bert' },
      model: { kind: 'lexical', name: 'cardiology-lexical' },
      out: model,
    }),
  );
  step('$ icd train --config icd.json   (TF-IDF + logistic regression, 13 cardiology codes)');
  check((await runCli(['train', '--config', configFile])) === 0, 'icd train failed');

  // -------------------------------------------------------------------------------------------------
  // 3. The backlog: 200 notes (a different seed from the training notes), one JSON object a line.

  const backlog = generateCardiologyCorpus({ size: NOTES, seed: 2026 });
  const notesFile = join(work, 'backlog.jsonl');
  await writeFile(
    notesFile,
    backlog.map((note) => `${JSON.stringify({ id: note.id, text: note.text })}\n`).join(''),
  );
  const queueFlags = ['--redis', redisUrl, '--queue', QUEUE];
  step(`$ icd batch enqueue ${queueFlags.join(' ')} backlog.jsonl --json`);
  const enqueued = await icdJson('batch', 'enqueue', ...queueFlags, notesFile);
  console.log(`  ${JSON.stringify(enqueued)}`);
  check(enqueued.enqueued === NOTES && enqueued.pending === NOTES, `${NOTES} jobs on the queue`);

  // -------------------------------------------------------------------------------------------------
  // 4. Two workers, as on two machines: same Redis, same queue, one shared output folder.

  const out = join(work, 'results');
  const workFlags = [...queueFlags, '--model', model, '--out', out, '--concurrency', '8'];
  step(`$ icd batch work ${workFlags.join(' ')} --exit-when-drained --json   (× ${WORKERS})`);
  const runs = Array.from({ length: WORKERS }, () => {
    const child = spawn(
      process.execPath,
      [...ICD, 'batch', 'work', ...workFlags, '--exit-when-drained', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    return exitOf(child);
  });
  const finished = await Promise.all(runs);
  const tallies = finished.map(({ code, stdout, stderr }, i) => {
    check(code === 0, `worker ${i + 1} exited with ${code}:\n${stderr}${stdout}`);
    const tally = JSON.parse(stdout.trim().split('\n').at(-1)!) as { written: number; skipped: number };
    console.log(`  worker ${i + 1} (pid ${children[i]!.pid}): ${JSON.stringify(tally)}`);
    return tally;
  });
  const written = tallies.reduce((sum, tally) => sum + tally.written, 0);
  check(written === NOTES, `the workers wrote ${NOTES} results between them, not ${written}`);

  // -------------------------------------------------------------------------------------------------
  // 5. The output store: exactly one result per note id.

  const files = (await readdir(out)).filter((name) => name.endsWith('.json'));
  const results = await Promise.all(
    files.map(
      async (name) =>
        JSON.parse(await readFile(join(out, name), 'utf8')) as {
          noteId: string;
          codes: string[];
          ranked: { code: string; score: number }[];
        },
    ),
  );
  const ids = new Set(backlog.map((note) => note.id));
  const seen = new Set(results.map((result) => result.noteId));
  step(`the output store: ${files.length} files for ${NOTES} notes`);
  check(files.length === NOTES, `${NOTES} result files, got ${files.length}`);
  check(seen.size === NOTES, `${NOTES} distinct note ids, got ${seen.size}`);
  check(
    [...ids].every((id) => seen.has(id)),
    'every note of the backlog has its result',
  );
  check(
    results.every((result) => result.ranked.length > 0),
    'every result ranks codes',
  );
  console.log('  exactly one result per note id, none missing');

  // At-least-once delivery made safe: the same backlog again, worked again, writes nothing new.
  step('the same backlog enqueued and worked again (in this process): idempotent by note id');
  await icdJson('batch', 'enqueue', ...queueFlags, notesFile);
  const again = await icdJson('batch', 'work', ...workFlags, '--exit-when-drained');
  console.log(`  ${JSON.stringify(again)}`);
  check(again.written === 0 && again.skipped === NOTES, 'a second pass skips every note');
  check((await readdir(out)).filter((name) => name.endsWith('.json')).length === NOTES, 'still 200');

  // -------------------------------------------------------------------------------------------------
  // 6. Summary.

  const gold = new Map(backlog.map((note) => [note.id, note.codes[0]]));
  const top = new Map<string, number>();
  let agree = 0;
  for (const result of results) {
    const best = result.ranked[0]!.code;
    top.set(best, (top.get(best) ?? 0) + 1);
    if (best === gold.get(result.noteId)) agree++;
  }
  step('summary');
  console.log(`  ${NOTES} notes coded by ${WORKERS} workers: ${tallies.map((t) => t.written).join(' + ')}`);
  console.log(
    `  top code: ${[...top.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${code} ×${count}`)
      .join(', ')}`,
  );
  console.log(
    `  top code = the generator's code for ${agree} of ${NOTES} notes (a tiny model, seconds of training)`,
  );
  step('done: one result per note, nothing lost, nothing written twice.');
} catch (error) {
  console.error(`\nbatch-queue FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  for (const child of children) await kill(child);
  await kill(redis);
  await rm(work, { recursive: true, force: true });
}
