import { InvalidArgumentError, UnsupportedError } from '@icd/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
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
    await expect(selectBackend({ backend: 'webgpu' })).rejects.toThrow(
      /@tensorflow\/tfjs-backend-webgpu@4\.22\.0/,
    );
    await expect(selectBackend({ backend: 'gpu' as never })).rejects.toThrow(InvalidArgumentError);
  });
});
