import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  CheckpointError,
  DataFormatError,
  InvalidArgumentError,
  TrainingError,
  UnsupportedError,
} from '@icd/core';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** The worker entry beside this file: `.ts` when running from sources (through tsx), `.js` when built. */
function workerEntry(): { url: URL; source: boolean } {
  const here = import.meta.url;
  const source = /\.ts$/.test(new URL(here).pathname);
  return { url: new URL(source ? './training-worker.ts' : './training-worker.js', here), source };
}

/** tsx's ESM register API, for workers that load TypeScript sources. */
function tsxApi(): string {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    return pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  } catch (cause) {
    throw new UnsupportedError({
      feature: 'worker-threads-from-sources',
      message:
        'running @icd/train worker threads from TypeScript sources needs tsx installed where the process runs (npm i -D tsx), or use the built package',
      cause,
    });
  }
}

function spawn(): Worker {
  const { url, source } = workerEntry();
  if (!source) return new Worker(url);
  const code = `import(${JSON.stringify(tsxApi())}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, execArgv: ['--conditions=@icd/source'] });
}

function rebuild(message: Extract<FromWorker, { type: 'error' }>, worker: number): Error {
  const fields = message.fields ?? {};
  const text = message.message;
  let error: Error;
  switch (message.name) {
    case 'CheckpointError':
      error = new CheckpointError({ message: text });
      break;
    case 'DataFormatError':
      error = new DataFormatError({ message: text });
      break;
    case 'InvalidArgumentError':
      error = new InvalidArgumentError({ argument: String(fields.argument ?? 'unknown'), message: text });
      break;
    case 'UnsupportedError':
      error = new UnsupportedError({ feature: String(fields.feature ?? 'unknown'), message: text });
      break;
    case 'TrainingError':
      error = new TrainingError({
        message: text,
        ...(typeof fields.step === 'number' ? { step: fields.step } : {}),
      });
      break;
    default:
      error = new TrainingError({ message: `worker ${worker} failed: ${message.name}: ${text}` });
  }
  // Keep the worker's fields (file, tensor, …) without re-prefixing the message.
  for (const [key, value] of Object.entries(fields))
    if (key !== 'argument') Object.assign(error, { [key]: value });
  if (message.stack) error.stack = `${error.name}: ${error.message}\n(in worker ${worker})\n${message.stack}`;
  return error;
}

/** Worker threads answering one request at a time each, in order. @internal */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: { resolve: (reply: FromWorker) => void; reject: (error: Error) => void }[][] = [];
  private failure: Error | undefined;

  constructor(count: number) {
    for (let index = 0; index < count; index++) {
      const worker = spawn();
      this.pending.push([]);
      worker.on('message', (reply: FromWorker) => {
        const waiter = this.pending[index]!.shift();
        if (!waiter) return;
        if (reply.type === 'error') waiter.reject(rebuild(reply, index));
        else waiter.resolve(reply);
      });
      const fail = (error: Error) => {
        this.failure ??= error;
        for (const waiter of this.pending[index]!.splice(0)) waiter.reject(error);
      };
      worker.on('error', (error) =>
        fail(new TrainingError({ message: `worker ${index} crashed: ${error.message}`, cause: error })),
      );
      worker.on('exit', (code) => {
        if (code !== 0) fail(new TrainingError({ message: `worker ${index} exited with code ${code}` }));
      });
      this.workers.push(worker);
    }
  }

  /** Sends `message` to worker `index` and waits for its reply. */
  request(index: number, message: ToWorker): Promise<FromWorker[]> {
    return this.broadcast(() => message, [index]);
  }

  /** Sends each worker (or those in `only`) its message; resolves with the replies in worker order. */
  broadcast(make: (worker: number) => ToWorker, only?: number[]): Promise<FromWorker[]> {
    if (this.failure) return Promise.reject(this.failure);
    const targets = only ?? this.workers.map((_, index) => index);
    return Promise.all(
      targets.map(
        (index) =>
          new Promise<FromWorker>((resolve, reject) => {
            this.pending[index]!.push({ resolve, reject });
            this.workers[index]!.postMessage(make(index));
          }),
      ),
    );
  }

  /** Asks every worker to release its tensors and exit, then terminates it. */
  async close(): Promise<void> {
    if (!this.failure) await this.broadcast(() => ({ type: 'close' })).catch(() => undefined);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
