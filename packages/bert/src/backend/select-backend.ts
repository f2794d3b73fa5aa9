import { assertOneOf, invalidArgument, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { releaseCrashHandlers, snapshotCrashHandlers } from './wasm-crash-handlers.js';
import { type GpuAdapterDescription, type GpuLike, prepareWebGpu } from './webgpu-setup.js';

/**
 * The tfjs backends {@link selectBackend} knows.
 *
 * @example
 * ```ts
 * await selectBackend({ backend: backendNames[1] }); // 'cpu'
 * ```
 */
export const backendNames = ['wasm', 'cpu', 'tensorflow', 'webgl', 'webgpu'] as const;

/**
 * One of {@link backendNames}.
 *
 * @example
 * ```ts
 * const backend: BackendName = process.env.ICD_BACKEND === 'cpu' ? 'cpu' : 'wasm';
 * await selectBackend({ backend });
 * ```
 */
export type BackendName = (typeof backendNames)[number];

/**
 * Options of {@link selectBackend}.
 *
 * @example
 * ```ts
 * const options: SelectBackendOptions = { backend: 'wasm', threads: 1 };
 * await selectBackend(options);
 * ```
 */
export interface SelectBackendOptions {
  /** The backend to use; default `'wasm'` (in Node and browsers). */
  readonly backend?: BackendName;
  /**
   * wasm only: threads of the multi-threaded SIMD binary. tfjs-backend-wasm only loads that binary where
   * `SharedArrayBuffer` and Web Workers exist (cross-origin-isolated browsers); Node gets the
   * single-threaded SIMD binary and this is ignored (see docs/benchmarks/bert.md).
   */
  readonly threads?: number;
  /**
   * webgpu only: the WebGPU `GPU` object to run on. Default: the browser's `navigator.gpu`; in Node, Dawn
   * from the optional `webgpu` package (`create(dawnOptions)`, its constants made globals).
   */
  readonly gpu?: GpuLike;
  /** webgpu in Node, when icd loads Dawn itself: the flags for `create([...])`, e.g. `['backend=vulkan']`. */
  readonly dawnOptions?: readonly string[];
}

/**
 * What {@link selectBackend} set up.
 *
 * @example
 * ```ts
 * const report: BackendReport = await selectBackend();
 * console.log(report.backend, report.simd); // 'wasm' true
 * ```
 */
export interface BackendReport {
  readonly backend: BackendName;
  /** wasm: whether the SIMD binary runs. */
  readonly simd?: boolean;
  /** wasm: whether the multi-threaded binary runs. */
  readonly multiThreaded?: boolean;
  /** `tensorflow`: the package that provided it. */
  readonly package?: string;
  /** `webgpu`: the adapter it runs on. */
  readonly adapter?: GpuAdapterDescription;
}

const isNode =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';
let wasmPathsSet = false;
// A variable specifier: bundlers for browsers leave this import alone (the main entry imports no Node
// built-in); Node resolves it at run time.
const nodeModuleSpecifier = 'node:module';

async function configureWasmInNode(): Promise<void> {
  if (wasmPathsSet || !isNode) return;
  // tfjs-backend-wasm fetches its .wasm binaries by URL; in Node point it at the files of the installed
  // package (resolved from this module, so pnpm/npm layouts both work).
  const { createRequire } = (await import(/* @vite-ignore */ nodeModuleSpecifier)) as {
    createRequire: (from: string) => { resolve: (specifier: string) => string };
  };
  const binary = createRequire(import.meta.url).resolve(
    '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  );
  // The folder of the binary, with its separator ('/' or Windows' '\\').
  setWasmPaths(binary.slice(0, Math.max(binary.lastIndexOf('/'), binary.lastIndexOf('\\')) + 1));
  wasmPathsSet = true;
}

async function importOptional(specifier: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}

const tensorflowHelp =
  "backend 'tensorflow': it needs @tensorflow/tfjs-node (CPU, libtensorflow) or @tensorflow/tfjs-node-gpu " +
  '(CUDA 11.2 and cuDNN 8.1 on Linux x64), at the same version as @tensorflow/tfjs-core (4.22.0): ' +
  '`npm install @tensorflow/tfjs-node@4.22.0`. Both download a native TensorFlow library when installed, ' +
  'so they need internet access at install time; without it use the default wasm backend.';

/**
 * Picks, initialises and reports the TensorFlow.js backend every `@icd/bert` model then runs on.
 *
 * - `wasm` (default): XNNPACK SIMD kernels, the fastest CPU backend in Node without native code; its
 *   `.wasm` files are located from the installed package.
 * - `cpu`: plain JavaScript kernels; slow but always there.
 * - `tensorflow`: native TensorFlow via `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`, optional
 *   peer dependencies loaded only here; an `UnsupportedError` explains the install when absent.
 * - `webgl`: the browser backend of `@tensorflow/tfjs-backend-webgl`.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu`, in browsers on `navigator.gpu` and in Node on Dawn (the
 *   optional `webgpu` package, or the `gpu` object passed in); a typed error when no adapter exists.
 *
 * @example
 * ```ts
 * const report = await selectBackend({ backend: 'wasm' }); // { backend: 'wasm', simd: true, multiThreaded: false }
 * ```
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  // selectBackend('cpu') would otherwise read no `backend` and silently set up wasm.
  if (options === null || typeof options !== 'object')
    invalidArgument('selectBackend', 'options', "an object such as { backend: 'cpu' }", options);
  const backend = options.backend ?? 'wasm';
  assertOneOf('selectBackend', 'backend', backend, backendNames);
  switch (backend) {
    case 'wasm': {
      await configureWasmInNode();
      if (options.threads !== undefined) setThreadsCount(options.threads);
      // The emscripten glue of tfjs-backend-wasm adds process handlers that rethrow every uncaught
      // exception and unhandled rejection, which makes Node exit with code 7 even when the app has its
      // own handler: they are removed once the backend is up (see wasm-crash-handlers.ts).
      const before = snapshotCrashHandlers();
      try {
        await setOrThrow('wasm', 'the wasm backend failed to initialise');
      } finally {
        releaseCrashHandlers(before);
      }
      return {
        backend,
        simd: Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')),
        multiThreaded: Boolean(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')),
      };
    }
    case 'cpu':
      await setOrThrow('cpu', 'the cpu backend failed to initialise');
      return { backend };
    case 'tensorflow': {
      let source: string | undefined;
      for (const specifier of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
        if (await importOptional(specifier)) {
          source = specifier;
          break;
        }
      }
      if (source === undefined)
        throw new UnsupportedError({
          feature: 'backend:tensorflow',
          message: `Cannot use ${tensorflowHelp}`,
        });
      if (tf.findBackendFactory('tensorflow') === null) {
        throw new UnsupportedError({
          feature: 'backend:tensorflow',
          message: `${source} loaded but registered its backend in another copy of @tensorflow/tfjs-core; install the version matching @tensorflow/tfjs-core 4.22.0.`,
        });
      }
      await setOrThrow('tensorflow', `${source} failed to initialise`);
      return { backend, package: source };
    }
    case 'webgl': {
      const specifier = '@tensorflow/tfjs-backend-webgl';
      // A bundled app imports the backend itself (bundlers cannot follow the variable specifier).
      if (tf.findBackendFactory('webgl') === null && !(await importOptional(specifier))) {
        throw new UnsupportedError({
          feature: `backend:${backend}`,
          message: `backend 'webgl' needs ${specifier}@4.22.0 installed and a browser with WebGL.`,
        });
      }
      if (tf.findBackendFactory('webgl') === null)
        throw new UnsupportedError({
          feature: 'backend:webgl',
          message: `${specifier} registered its backend in another copy of @tensorflow/tfjs-core: install 4.22.0.`,
        });
      await setOrThrow(backend, 'the webgl backend failed to initialise (no WebGL here?)');
      return { backend };
    }
    case 'webgpu': {
      const adapter = await prepareWebGpu(options.gpu, options.dawnOptions);
      const specifier = '@tensorflow/tfjs-backend-webgpu';
      if (tf.findBackendFactory('webgpu') === null && !(await importOptional(specifier)))
        throw new UnsupportedError({
          feature: 'backend:webgpu',
          message: `backend 'webgpu' needs ${specifier}@4.22.0 installed (same version as @tensorflow/tfjs-core).`,
        });
      if (tf.findBackendFactory('webgpu') === null)
        throw new UnsupportedError({
          feature: 'backend:webgpu',
          message:
            `${specifier} was imported before navigator.gpu existed (it registers only when it sees one), or ` +
            'into another copy of @tensorflow/tfjs-core: let selectBackend import it, or import it after setting navigator.gpu.',
        });
      await setOrThrow('webgpu', 'the webgpu backend failed to initialise');
      return { backend, adapter };
    }
  }
}

async function setOrThrow(name: BackendName, message: string): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (cause) {
    throw new UnsupportedError({
      feature: `backend:${name}`,
      message: `${message}: ${String(cause)}`,
      cause,
    });
  }
  if (!ok) throw new UnsupportedError({ feature: `backend:${name}`, message });
  await tf.ready();
}

/**
 * Makes sure a backend is initialised before synchronous tfjs work: keeps one that is already active
 * (chosen by the user or by {@link selectBackend}), otherwise selects the default (wasm).
 *
 * @example
 * ```ts
 * await ensureBackend(); // 'wasm' unless another backend was already set
 * ```
 */
export async function ensureBackend(): Promise<string> {
  const engine = tf.engine() as unknown as { backendName: string | null; backendInstance: unknown };
  // tfjs may have initialised wasm lazily (the best registered backend, on the first op): drop the
  // glue's crash handlers then too.
  releaseCrashHandlers();
  if (engine.backendInstance) return tf.getBackend();
  return (await selectBackend()).backend;
}
