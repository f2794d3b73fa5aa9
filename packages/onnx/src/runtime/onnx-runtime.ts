import { invalidArgument, UnsupportedError } from '@icd/core';

/**
 * Element types of the tensors this package feeds and reads.
 *
 * @example
 * ```ts
 * const type: OrtTensorType = 'int64'; // input_ids, attention_mask, token_type_ids
 * ```
 */
export type OrtTensorType = 'float32' | 'int64';

/**
 * The part of an onnxruntime `Tensor` this package uses (onnxruntime-node and -web share it).
 *
 * @example
 * ```ts
 * const ids: OrtTensor = new ort.Tensor('int64', BigInt64Array.from([2n, 5n, 3n]), [1, 3]);
 * ```
 */
export interface OrtTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}

/**
 * The part of an onnxruntime `InferenceSession` this package uses.
 *
 * @example
 * ```ts
 * const session: OrtSession = await ort.InferenceSession.create(bytes);
 * session.outputNames; // ['last_hidden_state', 'pooler_output']
 * ```
 */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/**
 * Session options passed through to onnxruntime (`intraOpNumThreads`, `graphOptimizationLevel`, ...).
 *
 * @example
 * ```ts
 * const sessionOptions: OrtSessionOptions = { graphOptimizationLevel: 'all', executionProviders: ['cpu'] };
 * await OnnxEncoder.load(bytes, { sessionOptions });
 * ```
 */
export interface OrtSessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly executionProviders?: readonly unknown[];
  readonly [option: string]: unknown;
}

/**
 * The part of the `onnxruntime-node` / `onnxruntime-web` module this package uses; pass your own
 * (e.g. `import * as ort from 'onnxruntime-web/webgpu'`) as the `runtime` option.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-web';
 * const encoder = await OnnxEncoder.load('/models/bert.onnx', { runtime: ort as unknown as OrtModule });
 * ```
 */
export interface OrtModule {
  readonly InferenceSession: {
    create(source: string | Uint8Array, options?: OrtSessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (
    type: OrtTensorType,
    data: Float32Array | BigInt64Array,
    dims: readonly number[],
  ) => OrtTensor;
}

/**
 * Which onnxruntime to use: the Node binding, the browser (WASM/WebGPU) build, or a module you imported.
 *
 * @example
 * ```ts
 * const runtime: OnnxRuntimeChoice = 'web';
 * await OnnxEncoder.load(bytes, { runtime });
 * ```
 */
export type OnnxRuntimeChoice = 'node' | 'web' | OrtModule;

const packages = { node: 'onnxruntime-node', web: 'onnxruntime-web' } as const;
const cache = new Map<string, Promise<OrtModule>>();

/**
 * Whether this JavaScript runs in Node (the default runtime is then `'node'`, else `'web'`).
 *
 * @example
 * ```ts
 * isNode(); // true under Node, false in a browser
 * ```
 */
export function isNode(): boolean {
  const candidate = globalThis as { process?: { versions?: { node?: string } } };
  return typeof candidate.process?.versions?.node === 'string';
}

/**
 * @internal Imports an onnxruntime package by name; an `UnsupportedError` saying what to install when
 * it is missing. Exported for the missing-package test.
 */
export async function importRuntimePackage(name: string): Promise<OrtModule> {
  // A variable specifier keeps bundlers from resolving the optional peer at build time.
  const specifier = name;
  try {
    const loaded = (await import(/* @vite-ignore */ specifier)) as OrtModule & { default?: OrtModule };
    return loaded.InferenceSession ? loaded : (loaded.default as OrtModule);
  } catch (cause) {
    throw new UnsupportedError({
      feature: name,
      message: `The ONNX engine needs the optional peer dependency ${name}, which could not be loaded: install it with \`npm i ${name}\` (or \`pnpm add ${name}\`).`,
      cause,
    });
  }
}

/**
 * Loads onnxruntime lazily (it is an optional peer dependency, never pulled by a plain install):
 * `onnxruntime-node` in Node, `onnxruntime-web` elsewhere, unless `choice` says otherwise. When the
 * package is not installed, throws an `UnsupportedError` that says what to install.
 *
 * @example
 * ```ts
 * const ort = await loadOnnxRuntime('node');
 * ```
 */
export async function loadOnnxRuntime(
  choice: OnnxRuntimeChoice = isNode() ? 'node' : 'web',
): Promise<OrtModule> {
  if (typeof choice === 'object') return choice;
  const name = packages[choice];
  if (!name) {
    invalidArgument('loadOnnxRuntime', 'runtime', "'node', 'web' or an onnxruntime module", choice);
  }
  let pending = cache.get(name);
  if (!pending) {
    pending = importRuntimePackage(name).catch((error: unknown) => {
      cache.delete(name);
      throw error;
    });
    cache.set(name, pending);
  }
  return pending;
}
