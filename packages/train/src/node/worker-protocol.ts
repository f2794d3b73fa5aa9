import type { TrainerState } from '../trainer-options.js';

/** Options of the trainer each worker builds (the closures come from the setup module). @internal */
export interface WorkerTrainerOptions {
  readonly totalSteps: number;
  readonly accumulationSteps: number;
  readonly maxGradNorm: number | null;
  readonly seed: number;
  readonly fingerprint: Readonly<Record<string, string | number | boolean | null>>;
}

/** Tensors as plain arrays, for postMessage. @internal */
export interface TransferredTensor {
  readonly key: string;
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Messages from the coordinating thread to a worker. @internal */
export type ToWorker =
  | {
      type: 'init';
      module: string;
      moduleOptions: unknown;
      worker: number;
      workers: number;
      trainer: WorkerTrainerOptions;
    }
  | { type: 'compute' }
  | { type: 'apply'; present: boolean[]; items: number; shared: SharedArrayBuffer }
  | { type: 'evaluate'; step: number }
  | { type: 'snapshot' }
  | { type: 'restore'; state: TrainerState; tensors: TransferredTensor[] }
  | { type: 'close' };

/** Messages from a worker. @internal */
export type FromWorker =
  | { type: 'ready'; parameters: { name: string; size: number }[]; hasEvaluate: boolean }
  | {
      type: 'sums';
      items: number;
      weightedLoss: number;
      tokens: number;
      metrics: Record<string, number>;
      present: boolean[];
      gradients: Float32Array;
    }
  | { type: 'applied'; learningRate: number }
  | { type: 'evaluated'; metrics: Record<string, number> }
  | { type: 'snapshot'; state: TrainerState; tensors: TransferredTensor[] }
  | { type: 'restored' }
  | { type: 'closed' }
  | { type: 'error'; name: string; message: string; stack?: string; fields?: Record<string, unknown> };
