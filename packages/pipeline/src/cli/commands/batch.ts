import { resolve } from 'node:path';
import { IcdError } from '@icd/core';
import type { Queue } from 'bullmq';
import { DEFAULT_BATCH_QUEUE } from '../../batch/enqueue-notes.js';
import { redisConnectionFromUrl } from '../../batch/redis-connection.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import { integerFlag } from './serve.js';

const redisOf = (context: CliContext) => redisConnectionFromUrl(redisUrlOf(context));
const queueNameOf = (context: CliContext) =>
  typeof context.values.queue === 'string' ? context.values.queue : DEFAULT_BATCH_QUEUE;
const redisUrlOf = (context: CliContext) =>
  typeof context.values.redis === 'string'
    ? context.values.redis
    : (process.env.ICD_REDIS_URL ?? 'redis://127.0.0.1:6379');
/** Redis's URL without its password, for messages. */
const shownUrl = (url: string) => url.replace(/\/\/([^@/]*)@/, '//***@');

/** `--connect-timeout` in ms (default 10,000); checked before any connection is opened. */
function connectTimeoutOf(context: CliContext): number {
  const timeoutMs = integerFlag(context.values, 'connect-timeout') ?? 10_000;
  if (timeoutMs < 1) throw new UsageError('--connect-timeout must be at least 1 (milliseconds)');
  return timeoutMs;
}

/**
 * Resolves once `queue` reaches Redis. ioredis retries a refused connection forever and reports each try
 * as an unhandled `error` event (a stack trace on stderr every time): listen to those, and give up with a
 * clear error after `--connect-timeout` ms (default 10,000). False when the command is interrupted first.
 */
async function connected(queue: Queue, context: CliContext): Promise<boolean> {
  const timeoutMs = connectTimeoutOf(context);
  let lastError: Error | undefined;
  let logged = false;
  queue.on('error', (error: Error) => {
    lastError = error;
    // One line for a connection that keeps failing, not one stack trace a retry.
    if (!logged) context.log(`icd batch: Redis at ${shownUrl(redisUrlOf(context))}: ${error.message}`);
    logged = true;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      queue.waitUntilReady(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new IcdError({
                name: 'RedisUnreachableError',
                message: `no Redis at ${shownUrl(redisUrlOf(context))} after ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}; start one or pass --redis redis://host:port`,
              }),
            ),
          timeoutMs,
        );
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(context.signal.reason);
        if (context.signal.aborted) onAbort();
        else context.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    return true;
  } catch (error) {
    // Stops ioredis's reconnect loop, so that the process can exit (`disconnect()` would wait for the
    // connection that never comes; `close()` gives up on it).
    await Promise.race([
      queue.close().catch(() => undefined),
      new Promise((done) => setTimeout(done, 2_000)),
    ]);
    if (context.signal.aborted) return false;
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) context.signal.removeEventListener('abort', onAbort);
  }
}

async function enqueue(context: CliContext): Promise<number> {
  const input = context.positionals[1];
  if (input === undefined)
    throw new UsageError('give the notes: a .jsonl or .json file, a folder of .txt, or -');
  connectTimeoutOf(context);
  const [{ Queue }, { enqueueNotes }, { pendingJobs }, { readNotes }] = await Promise.all([
    import('bullmq'),
    import('../../batch/enqueue-notes.js'),
    import('../../batch/queue-progress.js'),
    import('../../batch/read-notes.js'),
  ]);
  const notes = await readNotes(input, context.stdin as NodeJS.ReadableStream);
  const queue = new Queue(queueNameOf(context), { connection: redisOf(context) });
  if (!(await connected(queue, context))) return EXIT_CODES.interrupted;
  try {
    const added = await enqueueNotes(queue, notes);
    const pending = await pendingJobs(queue);
    if (context.json) context.stdout.write(`${JSON.stringify({ enqueued: added, pending })}\n`);
    else
      context.log(`icd batch enqueue: ${added} notes on queue ${queueNameOf(context)} (${pending} pending)`);
  } finally {
    await queue.close();
  }
  return 0;
}

async function work(context: CliContext): Promise<number> {
  const { values } = context;
  if (context.positionals.length > 1)
    throw new UsageError(
      `icd batch work takes no notes argument, got ${JSON.stringify(context.positionals[1])}`,
    );
  if (typeof values.model !== 'string') throw new UsageError('--model <dir> is required');
  if (typeof values.out !== 'string') throw new UsageError('--out <dir> (the output store) is required');
  const concurrency = integerFlag(values, 'concurrency') ?? 16;
  if (concurrency < 1) throw new UsageError('--concurrency must be at least 1');
  connectTimeoutOf(context);
  const connection = redisOf(context);
  // Loaded here, so that other commands do not pay for BullMQ at start-up.
  const [{ Queue }, { pendingJobs, waitUntilDrained }, { runBatchWorker }, { loadModelFolder }] =
    await Promise.all([
      import('bullmq'),
      import('../../batch/queue-progress.js'),
      import('../../batch/run-batch-worker.js'),
      import('../../node/model-folder-dir.js'),
    ]);
  const queue = new Queue(queueNameOf(context), { connection });
  if (!(await connected(queue, context))) return EXIT_CODES.interrupted;
  let coder: Awaited<ReturnType<typeof loadModelFolder>>;
  try {
    coder = await loadModelFolder(resolve(values.model));
  } catch (error) {
    await queue.close();
    throw error;
  }
  let written = 0;
  let skipped = 0;
  const drain = values['exit-when-drained'] === true;
  const bar = drain ? context.progress('batch', await pendingJobs(queue), 'notes') : undefined;
  const worker = runBatchWorker({
    coder,
    connection,
    queueName: queueNameOf(context),
    output: resolve(values.out),
    concurrency,
    onResult: (_id, wrote) => {
      if (wrote) written++;
      else skipped++;
      bar?.update(written + skipped, { items: written + skipped });
    },
  });
  // The worker's own connection: one line for its errors too (see `connected`).
  let workerErrorLogged = false;
  worker.worker.on('error', (error: Error) => {
    if (!workerErrorLogged) context.log(`icd batch work: ${error.message}`);
    workerErrorLogged = true;
  });
  context.log(
    `icd batch work: ${concurrency} jobs at a time from ${queueNameOf(context)} into ${values.out}`,
  );
  try {
    if (drain) await waitUntilDrained(queue, { signal: context.signal }).catch(() => undefined);
    else
      await new Promise<void>((done) => {
        if (context.signal.aborted) done();
        else context.signal.addEventListener('abort', () => done(), { once: true });
      });
    bar?.finish();
  } finally {
    await worker.close();
    await queue.close();
    coder.dispose();
  }
  if (context.json) context.stdout.write(`${JSON.stringify({ written, skipped })}\n`);
  else context.log(`icd batch work: ${written} results written, ${skipped} already there`);
  return 0;
}

/** `icd batch enqueue | work`: coding a backlog through BullMQ on Redis (see docs/guide/service.md). */
export const batchCommand: CliCommand = {
  name: 'batch',
  maxPositionals: 2,
  summary: 'code a backlog through a BullMQ queue on Redis: batch enqueue <notes>, batch work --model <dir>',
  usage: [
    'Usage: icd batch enqueue [--redis redis://host:6379] [--queue icd-notes] <file.jsonl | file.json | dir | ->',
    '       icd batch work --model <dir> --out <dir> [--redis redis://host:6379] [--queue icd-notes]',
    '                      [--concurrency 16] [--exit-when-drained]',
    '       (both: [--connect-timeout 10000] ms to reach Redis before failing with exit 1)',
    '',
    'enqueue puts one job per note on the queue (the note id is the job id). work codes jobs and writes',
    '<out>/<id>.json atomically, exactly one per note even when a worker is killed mid-batch; run it on as',
    'many machines as you like against one Redis and one shared output folder. --redis defaults to',
    'ICD_REDIS_URL or redis://127.0.0.1:6379. --exit-when-drained stops once the queue is empty.',
  ].join('\n'),
  options: {
    redis: { type: 'string' },
    queue: { type: 'string' },
    model: { type: 'string', short: 'm' },
    out: { type: 'string', short: 'o' },
    concurrency: { type: 'string' },
    'exit-when-drained': { type: 'boolean' },
    'connect-timeout': { type: 'string' },
  },
  run: async (context) => {
    const sub = context.positionals[0];
    if (sub === 'enqueue') return enqueue(context);
    if (sub === 'work') return work(context);
    throw new UsageError(
      `icd batch needs a subcommand: enqueue or work, got ${JSON.stringify(sub ?? '')}\n\n${batchCommand.usage}`,
    );
  },
};
