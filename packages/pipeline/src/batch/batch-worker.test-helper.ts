// A batch worker in its own process, for the kill -9 test of batch-queue.test.ts. Reads its setup from
// the environment: ICD_TEST_REDIS_PORT, ICD_TEST_QUEUE, ICD_TEST_OUT, ICD_TEST_DELAY_MS (slows each
// predict call so the parent can kill it mid-run). Imports no model package, so it starts fast.
import { KeywordCoder } from '../test-support/keyword-coder.js';
import { runBatchWorker } from './run-batch-worker.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`batch-worker.test-helper: ${name} is not set`);
  return value;
};
const { worker } = runBatchWorker({
  coder: new KeywordCoder(Number(env('ICD_TEST_DELAY_MS'))),
  connection: { host: '127.0.0.1', port: Number(env('ICD_TEST_REDIS_PORT')) },
  queueName: env('ICD_TEST_QUEUE'),
  output: env('ICD_TEST_OUT'),
  concurrency: 8,
  lockDurationMs: 1_500,
  stalledIntervalMs: 500,
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
