import type { NotePrediction } from '@icd/core';

/** A mention of a code's dictionary term that the note negates ("no atrial fibrillation"). */
export interface NegatedMention {
  readonly code: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The engines the worker can code with: tfjs's backends, and `ort-wasm` (the encoder on
 * onnxruntime-web's wasm backend, the head on tfjs wasm). `?backends=ort-wasm` forces one.
 */
export const candidateNames = ['webgpu', 'webgl', 'wasm', 'ort-wasm'] as const;
export type CandidateName = (typeof candidateNames)[number];

/** How people read a candidate's name. */
export const candidateLabels: Readonly<Record<string, string>> = {
  webgpu: 'tfjs webgpu',
  webgl: 'tfjs webgl',
  wasm: 'tfjs wasm',
  'ort-wasm': 'onnxruntime-web wasm',
};

/** The ONNX encoder in the model folder (scripts/build-demo-model.ts writes it; HF optimum's place). */
export const ONNX_ENCODER_FILE = 'encoder/model.onnx';

/**
 * How each candidate the worker tried did: `loadMs` to build its coder from the (already fetched)
 * folder, `ms` its second run of the calibration note (the first warms up), or the error.
 */
export interface BackendTrial {
  readonly backend: string;
  readonly ms?: number;
  readonly loadMs?: number;
  readonly error?: string;
}

export type ToWorker =
  | {
      readonly type: 'load';
      readonly modelUrl: string;
      readonly wasmPaths: string;
      /** onnxruntime-web's wasm binary (Vite emits it into assets/, content-hashed). */
      readonly ortWasmUrl: string;
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
      readonly modelVersion: string;
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
