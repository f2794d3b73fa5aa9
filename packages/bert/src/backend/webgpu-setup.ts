import { UnsupportedError } from '@icd/core';

/**
 * The part of `navigator.gpu` (the WebGPU `GPU` object) that {@link selectBackend} uses: a browser's
 * `navigator.gpu`, or in Node the object Dawn's `create([...])` returns (the `webgpu` npm package).
 *
 * @example
 * ```ts
 * import { create, globals } from 'webgpu';
 * Object.assign(globalThis, globals);
 * const gpu: GpuLike = create([]);
 * await selectBackend({ backend: 'webgpu', gpu });
 * ```
 */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

/** What is known of the adapter WebGPU runs on (the fields the adapter reports; any may be empty). */
export interface GpuAdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

const isNode =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string';

/** The package, version and system library the WebGPU backend needs in Node, for error messages. */
export const webGpuInNodeHelp =
  "in Node, backend 'webgpu' runs on Dawn: `npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0` " +
  '(Linux x64 also needs the Vulkan loader, `apt-get install libvulkan1`, and a GPU driver with Vulkan)';

async function loadDawn(dawnOptions: readonly string[]): Promise<GpuLike> {
  // A variable specifier: bundlers for browsers leave it alone, and only Node users need the package.
  const specifier = 'webgpu';
  let module: { create?: (options: string[]) => GpuLike; globals?: Record<string, unknown> };
  try {
    module = (await import(/* @vite-ignore */ specifier)) as typeof module;
  } catch (cause) {
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message: `Cannot load Dawn (${String((cause as Error)?.message ?? cause)}): ${webGpuInNodeHelp}.`,
      cause,
    });
  }
  if (typeof module.create !== 'function' || module.globals === undefined)
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message: `The installed 'webgpu' package has no create() / globals: ${webGpuInNodeHelp}.`,
    });
  // WebGPU code reads constants such as GPUBufferUsage as globals, as in a browser.
  Object.assign(globalThis, module.globals);
  return module.create([...dawnOptions]);
}

function installNavigatorGpu(gpu: GpuLike): void {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator?.gpu === gpu) return;
  if (scope.navigator === undefined) {
    // Node 20 has no navigator; tfjs-backend-webgpu looks for navigator.gpu when it is imported.
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

function describeAdapter(adapter: { info?: Partial<GpuAdapterDescription> }): GpuAdapterDescription {
  const info = adapter.info ?? {};
  return {
    vendor: String(info.vendor ?? ''),
    architecture: String(info.architecture ?? ''),
    device: String(info.device ?? ''),
    description: String(info.description ?? ''),
  };
}

/**
 * Makes WebGPU reachable for tfjs-backend-webgpu: takes `gpu` (or the browser's `navigator.gpu`, or in
 * Node loads Dawn from the optional `webgpu` package), exposes it as `navigator.gpu` BEFORE the backend
 * module is imported (it registers itself only when it sees one), and checks that an adapter exists, so
 * a machine without a usable GPU gets a typed error instead of a backend that fails on the first op.
 */
export async function prepareWebGpu(
  gpu: GpuLike | undefined,
  dawnOptions: readonly string[] = [],
): Promise<GpuAdapterDescription> {
  let source = gpu ?? (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (source === undefined) {
    if (!isNode)
      throw new UnsupportedError({
        feature: 'backend:webgpu',
        message: "backend 'webgpu' needs a browser with WebGPU (navigator.gpu is undefined here).",
      });
    source = await loadDawn(dawnOptions);
  }
  if (typeof source?.requestAdapter !== 'function')
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message: "selectBackend({ backend: 'webgpu', gpu }): gpu must be a WebGPU GPU object (navigator.gpu).",
    });
  installNavigatorGpu(source);
  if (isNode && (globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage === undefined)
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message:
        "WebGPU's constants (GPUBufferUsage, GPUMapMode, ...) are not globals here: with Dawn, run " +
        "`Object.assign(globalThis, globals)` (from the 'webgpu' package) before selectBackend.",
    });
  let adapter: unknown;
  try {
    adapter = await source.requestAdapter({ powerPreference: 'high-performance' });
  } catch (cause) {
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message: `WebGPU's requestAdapter failed: ${String(cause)}`,
      cause,
    });
  }
  if (adapter === null || adapter === undefined)
    throw new UnsupportedError({
      feature: 'backend:webgpu',
      message:
        'WebGPU found no adapter: no GPU, or no driver WebGPU can use here ' +
        `(${isNode ? 'Dawn needs a Vulkan driver on Linux: libvulkan1 and the GPU vendor’s ICD' : 'enable WebGPU in the browser'}).`,
    });
  return describeAdapter(adapter as { info?: Partial<GpuAdapterDescription> });
}
