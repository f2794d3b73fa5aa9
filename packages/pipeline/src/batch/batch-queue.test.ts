import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@icd/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordCoder } from '../test-support/keyword-coder.js';
import { hasRedisServer, startRedis, type TestRedis } from '../test-support/redis-server.js';
import { trainTestCoder } from '../test-support/test-coders.js';
import { enqueueNotes } from './enqueue-notes.js';
import { pendingJobs, waitUntilDrained } from './queue-progress.js';
import { redisConnectionFromUrl } from './redis-connection.js';
import { DirectoryResultStore } from './result-store.js';
import { type BatchResult, runBatchWorker } from './run-batch-worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const coder = trainTestCoder();
const phrases = [
  'atrial fibrillation',
  'essential hypertension',
  'type 2 diabetes',
  'chest pain',
  'metformin',
];
// Ids that are not file names as they stand: a colon (BullMQ ids may not have one), slashes, dots.
const oddIds = ['a:b/c', '..', '.hidden', 'ñ 雪', 'x'.repeat(200)];
const notes = Array.from({ length: 1_000 }, (_, i) => ({
  id: oddIds[i] ?? `note-${i}`,
  text: `Note ${i}: ${phrases[i % 5]} and ${phrases[(i * 7 + 3) % 5]}.`,
}));

if (!hasRedisServer)
  console.warn(
    'batch-queue tests skipped: no redis-server (apt-get install redis-server, or set ICD_REDIS_SERVER)',
  );

describe('DirectoryResultStore and argument checks', () => {
  it('writes atomically under encoded ids and lists exactly the results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'icd-store-'));
    try {
      const store = new DirectoryResultStore(dir);
      for (const id of oddIds) await store.put(id, { noteId: id });
      await store.put('..', { noteId: '..', again: true }); // a rewrite replaces, never duplicates
      expect(await store.ids()).toEqual([...oddIds].sort());
      expect(await store.get('..')).toEqual({ noteId: '..', again: true });
      expect(await store.has('nope')).toBe(false);
      expect(await store.get('nope')).toBeUndefined();
      expect((await readdir(join(dir, '.tmp'))).length).toBe(0);
      for (const name of await readdir(dir))
        expect(name === '.tmp' || /^[^./][^/]*\.json$/.test(name)).toBe(true);
      expect(() => store.fileOf('')).toThrow(InvalidArgumentError);
      expect(() => store.fileOf('y'.repeat(201))).toThrow(InvalidArgumentError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses redis URLs and checks its arguments', async () => {
    expect(redisConnectionFromUrl('redis://:p%40w@queue.internal:6380/2')).toEqual({
      host: 'queue.internal',
      port: 6380,
      password: 'p@w',
      db: 2,
    });
    expect(redisConnectionFromUrl('redis://localhost')).toEqual({ host: 'localhost', port: 6379 });
    expect(() => redisConnectionFromUrl('http://x')).toThrow(InvalidArgumentError);
    expect(() => redisConnectionFromUrl('not a url')).toThrow(InvalidArgumentError);
    const queue = { addBulk: async () => [] } as unknown as Queue;
    await expect(enqueueNotes(queue, [{ id: '', text: 'x' }])).rejects.toThrow(InvalidArgumentError);
    await expect(
      enqueueNotes(queue, [
        { id: 'a', text: 'x' },
        { id: 'a', text: 'y' },
      ]),
    ).rejects.toThrow(InvalidArgumentError);
    expect(() => runBatchWorker({ coder, connection: {}, output: '', concurrency: 0 })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe.skipIf(!hasRedisServer)('batch coding on BullMQ + Redis', () => {
  let redis: TestRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'icd-batch-'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('enqueues and codes notes; enqueueing again adds no job and no second result', async () => {
    const connection = { host: redis.host, port: redis.port };
    const queue = new Queue('small', { connection });
    const out = join(dir, 'small');
    const written: string[] = [];
    const batch = runBatchWorker({
      coder,
      connection,
      queueName: 'small',
      output: out,
      concurrency: 4,
      onResult: (id, wrote) => wrote && written.push(id),
    });
    try {
      const small = notes.slice(0, 20);
      expect(await enqueueNotes(queue, small, { jobOptions: { removeOnComplete: false } })).toBe(20);
      await waitUntilDrained(queue, { intervalMs: 50 });
      await enqueueNotes(queue, small, { jobOptions: { removeOnComplete: false } }); // same job ids: no new jobs
      await waitUntilDrained(queue, { intervalMs: 50 });
      expect(await queue.getJobCounts('completed', 'failed')).toEqual({ completed: 20, failed: 0 });
      expect(written).toHaveLength(20);
      expect(written.sort()).toEqual(small.map((n) => n.id).sort());
      // A job that is not a note fails at once (no retries) and writes nothing.
      await queue.add('code', { nope: true }, { jobId: 'stray', attempts: 3 });
      await waitUntilDrained(queue, { intervalMs: 50 });
      const stray = await queue.getJob('stray');
      expect(await stray!.getState()).toBe('failed');
      expect(stray!.attemptsMade).toBe(1);
      const expected = await coder.predict(small);
      const store = new DirectoryResultStore(out);
      for (const prediction of expected) {
        const result = (await store.get(prediction.noteId)) as BatchResult;
        expect(result.noteId).toBe(prediction.noteId);
        expect(result.codes).toEqual(prediction.ranked.filter((c) => c.predicted).map((c) => c.code));
        expect(result.ranked).toEqual(JSON.parse(JSON.stringify(prediction.ranked)));
      }
    } finally {
      await batch.close();
      await queue.close();
    }
  });

  it('1,000 notes, a worker killed with SIGKILL mid-run, a second finishes: exactly one result per note', async () => {
    const connection = { host: redis.host, port: redis.port };
    const queueName = 'kill9';
    const out = join(dir, 'kill9');
    const keywords = new KeywordCoder();
    const queue = new Queue(queueName, { connection });
    const store = new DirectoryResultStore(out);
    let child: ChildProcess | undefined;
    let second: ReturnType<typeof runBatchWorker> | undefined;
    try {
      expect(await enqueueNotes(queue, notes)).toBe(1_000);
      expect(await pendingJobs(queue)).toBe(1_000);
      child = spawn(
        process.execPath,
        ['--conditions=@icd/source', '--import', 'tsx', join(here, 'batch-worker.test-helper.ts')],
        {
          env: {
            ...process.env,
            ICD_TEST_REDIS_PORT: String(redis.port),
            ICD_TEST_QUEUE: queueName,
            ICD_TEST_OUT: out,
            ICD_TEST_DELAY_MS: '15',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child!.once('exit', (_code, signal) => resolve(signal)),
      );
      // Kill it once it has written some results and still has work left.
      const deadline = Date.now() + 20_000;
      let before = 0;
      while (Date.now() < deadline) {
        before = (await store.ids()).length;
        if (before >= 150) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const afterKill = (await store.ids()).length;
      expect(before).toBeGreaterThanOrEqual(150);
      expect(afterKill).toBeLessThan(1_000);
      // Its jobs are still "active" under its (now unrenewed) locks; the second worker takes them over
      // once the locks expire.
      second = runBatchWorker({
        coder: keywords,
        connection,
        queueName,
        output: out,
        concurrency: 16,
        lockDurationMs: 1_500,
        stalledIntervalMs: 500,
      });
      await waitUntilDrained(queue, { intervalMs: 100, signal: AbortSignal.timeout(25_000) });
      const ids = await store.ids();
      expect(ids).toHaveLength(1_000);
      expect(new Set(ids).size).toBe(1_000);
      expect(ids).toEqual(notes.map((n) => n.id).sort());
      expect((await queue.getJobCounts('failed')).failed).toBe(0);
      // Every result is the coder's own answer for that note (spot-check one in ten, and the odd ids).
      const check = notes.filter((_, i) => i % 10 === 0 || i < oddIds.length);
      const expected = await keywords.predict(check);
      for (const prediction of expected) {
        const result = (await store.get(prediction.noteId)) as BatchResult;
        expect(result.noteId).toBe(prediction.noteId);
        expect(result.codes).toEqual(prediction.ranked.filter((c) => c.predicted).map((c) => c.code));
        expect(result.codes.length).toBeGreaterThan(0);
      }
      const files = (await readdir(out)).filter((name) => name.endsWith('.json'));
      expect(files).toHaveLength(1_000);
      const onDisk = await Promise.all(
        files.map(
          async (name) => (JSON.parse(await readFile(join(out, name), 'utf8')) as BatchResult).noteId,
        ),
      );
      expect(new Set(onDisk).size).toBe(1_000);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await second?.close();
      await queue.close();
    }
  }, 40_000);
});
