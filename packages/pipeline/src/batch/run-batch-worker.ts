import { hostname } from 'node:os';
import { assertInteger, type Coder, invalidArgument, type NotePrediction } from '@icd/core';
import { type ConnectionOptions, UnrecoverableError, Worker } from 'bullmq';
import { type BatchPredictOptions, MicroBatcher } from '../service/micro-batcher.js';
import { DEFAULT_BATCH_QUEUE, type NoteJobData } from './enqueue-notes.js';
import { DirectoryResultStore, MAX_NOTE_ID_LENGTH } from './result-store.js';

/** What a batch worker writes for each note (`<id>.json` of the output store). */
export interface BatchResult {
  readonly noteId: string;
  /** The predicted codes. */
  readonly codes: readonly string[];
  readonly ranked: NotePrediction['ranked'];
  readonly evidenceSource: NotePrediction['evidenceSource'];
}

/** Options of {@link runBatchWorker}. */
export interface BatchWorkerOptions {
  readonly coder: Coder;
  /** The Redis of the queue (ioredis options: `{ host, port, password, db }`). */
  readonly connection: ConnectionOptions;
  /** Default {@link DEFAULT_BATCH_QUEUE}. */
  readonly queueName?: string;
  /** The output store, or its folder. */
  readonly output: DirectoryResultStore | string;
  /** Jobs in flight in this process. Default 16. */
  readonly concurrency?: number;
  /** Notes per `predict` call (jobs in flight are batched together). Default `concurrency`. */
  readonly maxBatchSize?: number;
  /** Longest wait for a batch to fill. Default 10 ms. */
  readonly maxWaitMs?: number;
  readonly predictOptions?: BatchPredictOptions;
  /** How long a job's lock lives without renewal: a killed worker's jobs return to the queue after it. Default 30 s. */
  readonly lockDurationMs?: number;
  /** How often stalled jobs (of dead workers) are looked for. Default 30 s. */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall before it fails. Default 3. */
  readonly maxStalledCount?: number;
  /** Called after each note: `written` false when its result already existed (a redelivery). */
  readonly onResult?: (noteId: string, written: boolean) => void;
}

/** A running batch worker. */
export interface BatchWorker {
  readonly worker: Worker<NoteJobData>;
  readonly store: DirectoryResultStore;
  /** Stops taking jobs, lets running ones finish, closes the connection. */
  close(): Promise<void>;
}

/**
 * A BullMQ worker that codes note jobs with `coder` and writes each result to the output store under its
 * note id. BullMQ delivers at least once (a worker killed mid-job has its job handed to another once the
 * lock expires), so the write is idempotent: a note whose result exists is skipped, and the store's atomic
 * rename means a note coded twice still has exactly one result. Jobs in flight share `predict` calls
 * through a {@link MicroBatcher}. Run any number of these, in one process or on many machines, against
 * one Redis and one output store.
 *
 * @example
 * ```ts
 * const { close } = runBatchWorker({ coder, connection: { host: 'redis', port: 6379 }, output: 'out/', concurrency: 16 });
 * process.once('SIGTERM', close);
 * ```
 */
export function runBatchWorker(options: BatchWorkerOptions): BatchWorker {
  const fn = 'runBatchWorker';
  if (!options?.coder || typeof options.coder.predict !== 'function')
    invalidArgument(fn, 'coder', 'a Coder', options?.coder);
  if (!options.connection) invalidArgument(fn, 'connection', 'Redis connection options', options.connection);
  const concurrency = options.concurrency ?? 16;
  assertInteger(fn, 'concurrency', concurrency, { min: 1 });
  const store =
    typeof options.output === 'string' ? new DirectoryResultStore(options.output) : options.output;
  const batcher = new MicroBatcher(options.coder, {
    maxBatchSize: options.maxBatchSize ?? concurrency,
    maxWaitMs: options.maxWaitMs ?? 10,
    maxQueue: Math.max(concurrency, options.maxBatchSize ?? concurrency),
  });
  const worker = new Worker<NoteJobData>(
    options.queueName ?? DEFAULT_BATCH_QUEUE,
    async (job) => {
      const { id, text, language } = job.data ?? {};
      // A job that is not a note (put on the queue by something else) fails at once, without retries.
      if (
        typeof id !== 'string' ||
        id.length === 0 ||
        id.length > MAX_NOTE_ID_LENGTH ||
        typeof text !== 'string'
      )
        throw new UnrecoverableError(`job ${job.id} is not a note job ({ id, text })`);
      if (await store.has(id)) {
        options.onResult?.(id, false);
        return { noteId: id, skipped: true };
      }
      const [prediction] = await batcher.submit([{ id, text, ...(language ? { language } : {}) }], {
        ...options.predictOptions,
      });
      const result: BatchResult = {
        noteId: id,
        codes: prediction!.ranked.filter((code) => code.predicted).map((code) => code.code),
        ranked: prediction!.ranked,
        evidenceSource: prediction!.evidenceSource,
      };
      await store.put(id, result);
      options.onResult?.(id, true);
      return { noteId: id, codes: result.codes, worker: `${hostname()}:${process.pid}` };
    },
    {
      connection: options.connection,
      concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    },
  );
  return {
    worker,
    store,
    async close() {
      await worker.close();
      await batcher.close();
    },
  };
}
