import { InvalidArgumentError, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBackend, selectBackend } from './select-backend.js';

describe('selectBackend', () => {
  it('initialises wasm (SIMD, single-threaded in Node) by default, and cpu on request', async () => {
    expect(await ensureBackend()).toBe('wasm');
    expect(await selectBackend()).toEqual({ backend: 'wasm', simd: true, multiThreaded: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(await selectBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(await ensureBackend()).toBe('cpu');
  });

  it('explains how to get the native backend when tfjs-node is not installed', async () => {
    const error = await selectBackend({ backend: 'tensorflow' }).catch((caught: unknown) => caught);
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as UnsupportedError).message).toMatch(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
    expect((error as UnsupportedError).message).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
    expect((error as UnsupportedError).feature).toBe('backend:tensorflow');
  });

  it('refuses browser backends that are not installed, and unknown names', async () => {
    await expect(selectBackend({ backend: 'webgl' })).rejects.toThrow(
      /@tensorflow\/tfjs-backend-webgl@4\.22\.0/,
    );
    await expect(selectBackend({ backend: 'gpu' as never })).rejects.toThrow(InvalidArgumentError);
  });
});

describe("selectBackend({ backend: 'webgpu' }) in Node", () => {
  const scope = globalThis as { navigator?: unknown; GPUBufferUsage?: unknown };
  const navigatorBefore = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const usageBefore = Object.getOwnPropertyDescriptor(globalThis, 'GPUBufferUsage');
  afterEach(async () => {
    if (navigatorBefore) Object.defineProperty(globalThis, 'navigator', navigatorBefore);
    else delete scope.navigator;
    if (usageBefore) Object.defineProperty(globalThis, 'GPUBufferUsage', usageBefore);
    else delete scope.GPUBufferUsage;
    await selectBackend({ backend: 'cpu' });
  });

  async function failure(options: Parameters<typeof selectBackend>[0]): Promise<UnsupportedError> {
    const error = await selectBackend(options).catch((caught: unknown) => caught);
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as UnsupportedError).feature).toBe('backend:webgpu');
    return error as UnsupportedError;
  }

  it('says which packages and system library to install when Dawn (the webgpu package) is absent', async () => {
    const error = await failure({ backend: 'webgpu' });
    expect(error.message).toMatch(/npm install webgpu@0\.6\.2 @tensorflow\/tfjs-backend-webgpu@4\.22\.0/);
    expect(error.message).toMatch(/libvulkan1/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses an object that is not a WebGPU GPU', async () => {
    const error = await failure({ backend: 'webgpu', gpu: {} as never });
    expect(error.message).toMatch(/navigator\.gpu/);
  });

  it("asks for WebGPU's constants as globals, as Dawn's package provides them", async () => {
    const gpu = { requestAdapter: async () => null };
    const error = await failure({ backend: 'webgpu', gpu });
    expect(error.message).toMatch(/Object\.assign\(globalThis, globals\)/);
  });

  it('gives a typed error when WebGPU finds no adapter, and exposes the GPU as navigator.gpu first', async () => {
    scope.GPUBufferUsage = { MAP_READ: 1 };
    let asked: unknown;
    const gpu = {
      requestAdapter: async (options?: unknown) => {
        asked = options;
        return null;
      },
    };
    const error = await failure({ backend: 'webgpu', gpu });
    expect(error.message).toMatch(/no adapter/);
    expect(error.message).toMatch(/Vulkan/);
    expect(asked).toEqual({ powerPreference: 'high-performance' });
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBe(gpu);
  });

  it('turns a failing requestAdapter into a typed error', async () => {
    scope.GPUBufferUsage = { MAP_READ: 1 };
    const gpu = {
      requestAdapter: async () => {
        throw new Error('device lost');
      },
    };
    const error = await failure({ backend: 'webgpu', gpu });
    expect(error.message).toMatch(/requestAdapter failed: Error: device lost/);
  });
});
