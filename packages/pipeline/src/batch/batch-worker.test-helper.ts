// A batch worker in its own process, for the kill -9 test of batch-queue.test.ts. Reads its setup from
// the environment: ICD_TEST_REDIS_PORT, ICD_TEST_QUEUE, ICD_TEST_OUT, ICD_TEST_CODER (a LexicalCoder JSON
// file), ICD_TEST_DELAY_MS (slows each predict call so the parent can kill it mid-run).
import { readFileSync } from 'node:fs';
import { LexicalCoder, type LexicalCoderJson } from '@icd/heads';
import { RecordingCoder } from '../test-support/test-coders.js';
import { runBatchWorker } from './run-batch-worker.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`batch-worker.test-helper: ${name} is not set`);
  return value;
};
const coder = new RecordingCoder(
  LexicalCoder.fromJSON(JSON.parse(readFileSync(env('ICD_TEST_CODER'), 'utf8')) as LexicalCoderJson),
  { delayMs: Number(env('ICD_TEST_DELAY_MS')), stepMs: Number(env('ICD_TEST_DELAY_MS')) },
);
const { worker } = runBatchWorker({
  coder,
  connection: { host: '127.0.0.1', port: Number(env('ICD_TEST_REDIS_PORT')) },
  queueName: env('ICD_TEST_QUEUE'),
  output: env('ICD_TEST_OUT'),
  concurrency: 8,
  lockDurationMs: 1_500,
  stalledIntervalMs: 500,
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
