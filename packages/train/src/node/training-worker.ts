/**
 * The body of one `ParallelTrainer` worker thread: builds the model, objective and batch source from
 * the setup module, computes its share of each update's micro-batches, and applies the averaged
 * gradients it is sent, so every worker holds the same parameters. @internal
 */
import { parentPort } from 'node:worker_threads';
import { IcdError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientSums } from '../gradient-step.js';
import { Trainer } from '../trainer.js';
import type { TrainingSetup } from './parallel-trainer-options.js';
import type { FromWorker, ToWorker, TransferredTensor } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('training-worker runs in a worker thread');

let trainer: Trainer<unknown> | undefined;
let setup: TrainingSetup<unknown> | undefined;
let shard = { index: 0, count: 1 };
let rates: Map<string, number | undefined> | undefined;
const layout: { name: string; shape: number[]; size: number; offset: number }[] = [];

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const module = (await import(message.module)) as { setup?: unknown; default?: unknown };
      const factory = (module.setup ?? module.default) as
        | ((
            options: unknown,
            context: { worker: number; workers: number },
          ) => Promise<TrainingSetup<unknown>>)
        | undefined;
      if (typeof factory !== 'function') {
        throw new Error(`${message.module} exports no setup function (export 'setup' or a default function)`);
      }
      setup = await factory(message.moduleOptions, { worker: message.worker, workers: message.workers });
      shard = { index: message.worker, count: message.workers };
      trainer = new Trainer({
        batches: setup.batches,
        objective: setup.objective,
        groups: setup.groups,
        ...message.trainer,
        progress: false,
      });
      let offset = 0;
      for (const [name, variable] of trainer.trainedParameters) {
        layout.push({ name, shape: variable.shape, size: variable.size, offset });
        offset += variable.size;
      }
      reply({
        type: 'ready',
        parameters: layout.map(({ name, size }) => ({ name, size })),
        hasEvaluate: typeof setup.evaluate === 'function',
      });
      return;
    }
    case 'compute': {
      rates = trainer!.learningRates();
      const sums = await trainer!.accumulate(shard);
      const total = layout.reduce((sum, entry) => sum + entry.size, 0);
      const gradients = new Float32Array(total);
      const present = layout.map(({ name, offset }) => {
        const gradient = sums.gradients.get(name);
        if (!gradient) return false;
        gradients.set(gradient.dataSync() as Float32Array, offset);
        return true;
      });
      tf.dispose([...sums.gradients.values()]);
      reply(
        {
          type: 'sums',
          items: sums.items,
          weightedLoss: sums.weightedLoss,
          tokens: sums.tokens,
          metrics: sums.metrics,
          present,
          gradients,
        },
        [gradients.buffer],
      );
      return;
    }
    case 'apply': {
      const view = new Float32Array(message.shared);
      const sums: GradientSums = {
        gradients: new Map(),
        items: message.items,
        weightedLoss: 0,
        tokens: 0,
        metrics: {},
      };
      layout.forEach(({ name, shape, size, offset }, index) => {
        if (message.present[index])
          sums.gradients.set(name, tf.tensor(view.subarray(offset, offset + size), shape, 'float32'));
      });
      const report = await trainer!.applySums(sums, rates);
      reply({ type: 'applied', learningRate: report.learningRate });
      return;
    }
    case 'evaluate': {
      reply({ type: 'evaluated', metrics: { ...(await setup!.evaluate!(message.step)) } });
      return;
    }
    case 'snapshot': {
      const snapshot = trainer!.snapshot();
      const tensors: TransferredTensor[] = [...snapshot.tensors].map(([key, tensor]) => ({
        key,
        shape: tensor.shape,
        // A copy: dataSync may return the backend's own storage (shared with the variable through clone),
        // which a transfer would detach.
        data: (tensor.dataSync() as Float32Array).slice(),
      }));
      tf.dispose([...snapshot.tensors.values()]);
      reply(
        { type: 'snapshot', state: snapshot.state, tensors },
        tensors.map((t) => t.data.buffer as ArrayBuffer),
      );
      return;
    }
    case 'restore': {
      const tensors = new Map(
        message.tensors.map(({ key, shape, data }) => [key, tf.tensor(data, shape, 'float32')]),
      );
      try {
        trainer!.restore({ state: message.state, tensors });
      } finally {
        tf.dispose([...tensors.values()]);
      }
      reply({ type: 'restored' });
      return;
    }
    case 'close': {
      trainer?.dispose();
      reply({ type: 'closed' });
      port!.close();
      return;
    }
  }
}

// One message at a time, in order.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() =>
    handle(message).catch((error: unknown) => {
      const fields: Record<string, unknown> = {};
      if (IcdError.isInstance(error)) {
        for (const key of ['file', 'tensor', 'line', 'step', 'argument', 'feature']) {
          const value = (error as unknown as Record<string, unknown>)[key];
          if (value !== undefined && typeof value !== 'object') fields[key] = value;
        }
      }
      const e = error instanceof Error ? error : new Error(String(error));
      reply({
        type: 'error',
        name: e.name,
        message: e.message,
        ...(e.stack ? { stack: e.stack } : {}),
        fields,
      });
    }),
  );
});
