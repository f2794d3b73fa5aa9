import { resolve } from 'node:path';
import { DEFAULT_BATCH_QUEUE } from '../../batch/enqueue-notes.js';
import { redisConnectionFromUrl } from '../../batch/redis-connection.js';
import type { CliCommand, CliContext } from '../command.js';
import { UsageError } from '../exit-codes.js';
import { integerFlag } from './serve.js';

const redisOf = (context: CliContext) =>
  redisConnectionFromUrl(
    typeof context.values.redis === 'string'
      ? context.values.redis
      : (process.env.ICD_REDIS_URL ?? 'redis://127.0.0.1:6379'),
  );
const queueNameOf = (context: CliContext) =>
  typeof context.values.queue === 'string' ? context.values.queue : DEFAULT_BATCH_QUEUE;

async function enqueue(context: CliContext): Promise<number> {
  const input = context.positionals[1];
  if (input === undefined)
    throw new UsageError('give the notes: a .jsonl or .json file, a folder of .txt, or -');
  const [{ Queue }, { enqueueNotes }, { pendingJobs }, { readNotes }] = await Promise.all([
    import('bullmq'),
    import('../../batch/enqueue-notes.js'),
    import('../../batch/queue-progress.js'),
    import('../../batch/read-notes.js'),
  ]);
  const notes = await readNotes(input, context.stdin as NodeJS.ReadableStream);
  const queue = new Queue(queueNameOf(context), { connection: redisOf(context) });
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
  const connection = redisOf(context);
  // Loaded here, so that other commands do not pay for BullMQ at start-up.
  const [{ Queue }, { pendingJobs, waitUntilDrained }, { runBatchWorker }, { loadModelFolder }] =
    await Promise.all([
      import('bullmq'),
      import('../../batch/queue-progress.js'),
      import('../../batch/run-batch-worker.js'),
      import('../../node/model-folder-dir.js'),
    ]);
  const coder = await loadModelFolder(resolve(values.model));
  const queue = new Queue(queueNameOf(context), { connection });
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
