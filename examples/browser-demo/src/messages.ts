import type { NotePrediction } from '@icd/core';

/** A mention of a code's dictionary term that the note negates ("no atrial fibrillation"). */
export interface NegatedMention {
  readonly code: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** How each backend the worker tried did on the calibration note (`ms` of its second run). */
export interface BackendTrial {
  readonly backend: string;
  readonly ms?: number;
  readonly error?: string;
}

export type ToWorker =
  | {
      readonly type: 'load';
      readonly modelUrl: string;
      readonly wasmPaths: string;
      readonly backends?: readonly string[];
    }
  | { readonly type: 'code'; readonly requestId: number; readonly text: string };

export type FromWorker =
  | {
      readonly type: 'progress';
      readonly phase: 'model' | 'backend' | 'coding';
      readonly done: number;
      readonly total: number;
      readonly message: string;
    }
  | {
      readonly type: 'ready';
      readonly backend: string;
      readonly trials: readonly BackendTrial[];
      readonly loadMs: number;
      readonly labels: readonly string[];
      readonly displays: Readonly<Record<string, string>>;
      readonly modelName: string;
    }
  | {
      readonly type: 'result';
      readonly requestId: number;
      readonly prediction: NotePrediction;
      readonly negated: readonly NegatedMention[];
      readonly ms: number;
    }
  | { readonly type: 'error'; readonly requestId?: number; readonly message: string };
