import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend-like.js';

const kernelName = 'IcdBertLeadingSlice';

let registered = false;

/**
 * Registers the `IcdBertLeadingSlice` kernel for tfjs-wasm (once) and its gradient. tfjs-wasm's own
 * Slice / Unpack / SplitV kernels read their input with `readSync`, which copies the WHOLE input out of
 * the wasm heap for every slice, so taking the batch·heads attention blocks one by one costs
 * batch·heads full copies; this kernel copies only the selected block from a heap view.
 */
function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const index = (attrs as { index: number }).index;
      const blockSize = x.shape.slice(1).reduce((product, d) => product * d, 1);
      const wasm = backend as unknown as WasmBackendLike;
      const out = wasm.makeOutput(x.shape.slice(1), x.dtype);
      // Views taken after makeOutput: allocating may grow (and replace) the wasm heap buffer.
      wasm
        .typedArrayFromHeap(out)
        .set(wasm.typedArrayFromHeap(x).subarray(index * blockSize, (index + 1) * blockSize));
      return out;
    },
  });
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const index = (attrs as { index: number }).index;
      const paddings = x.shape.map(
        (size, axis) => (axis === 0 ? [index, size - index - 1] : [0, 0]) as [number, number],
      );
      return { x: () => tf.pad(tf.expandDims(dy as tf.Tensor, 0), paddings) };
    },
  });
}

/**
 * `x[index]`: the `index`-th block along the first axis, differentiable. On wasm a heap-view copy of
 * just that block (see above); elsewhere `tf.slice` + reshape.
 *
 * @example
 * ```ts
 * leadingSlice(tf.tensor3d([[[1]], [[2]]]), 1); // [[2]]
 * ```
 */
export function leadingSlice(x: tf.Tensor, index: number): tf.Tensor {
  if (tf.getBackend() !== 'wasm' || x.dtype === 'string') {
    return tf.reshape(tf.slice(x, [index], [1]), x.shape.slice(1));
  }
  register();
  return tf.engine().runKernel(kernelName, { x }, { index } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
