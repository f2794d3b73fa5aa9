import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-backend-like.js';

const kernelName = 'IcdBertGatherRows';

let registered = false;

/**
 * Registers (once) a wasm kernel that copies whole rows from heap views, and its gradient. tfjs-wasm's
 * GatherV2 copies element by element (~26 ms for 4096 rows of 256 here); a row copy is a memcpy.
 */
function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { table, ids } = inputs as { table: tf.TensorInfo; ids: tf.TensorInfo };
      const width = table.shape[1] as number;
      const rows = ids.shape[0] as number;
      const wasm = backend as unknown as WasmBackendLike;
      const out = wasm.makeOutput([rows, width], table.dtype);
      // Views taken after makeOutput: allocating may grow (and replace) the wasm heap buffer.
      const source = wasm.typedArrayFromHeap(table);
      const target = wasm.typedArrayFromHeap(out);
      const indices = wasm.typedArrayFromHeap(ids);
      for (let row = 0; row < rows; row++) {
        const id = indices[row] as number;
        target.set(source.subarray(id * width, (id + 1) * width), row * width);
      }
      return out;
    },
  });
  tf.registerGradient({
    kernelName,
    inputsToSave: ['table', 'ids'],
    gradFunc: (dy, saved) => {
      const [table, ids] = saved as [tf.Tensor, tf.Tensor];
      return {
        table: () => tf.scatterND(tf.reshape(ids, [-1, 1]), dy as tf.Tensor, table.shape),
        ids: () => tf.zerosLike(ids),
      };
    },
  });
}

/**
 * Rows `ids` of `table` (`[vocab, width]`), differentiable with respect to `table`.
 *
 * tfjs derives the gradient of `gather` with `unsortedSegmentSum`, which tfjs-backend-wasm does not
 * implement, so training the embeddings on wasm would fail. The gradient here is a `scatterND` of the
 * incoming rows into a `[vocab, width]` zero matrix, which sums duplicate ids and exists on every
 * backend. On wasm the forward pass is a row-copy kernel (see `register`). Ids must be in range (the
 * models check them).
 *
 * @example
 * ```ts
 * embeddingLookup(tf.tensor2d([[1, 1], [2, 2]]), tf.tensor1d([1, 0, 1], 'int32')); // [[2,2],[1,1],[2,2]]
 * ```
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor2D {
  if (tf.getBackend() === 'wasm' && table.dtype === 'float32' && ids.dtype === 'int32' && table.rank === 2) {
    register();
    return tf.engine().runKernel(kernelName, { table, ids }, {}) as tf.Tensor2D;
  }
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const weights = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    // Saved, not captured: `ids` is disposed with the forward pass's tidy scope before backprop runs.
    save([ids]);
    return {
      value: tf.gather(weights, ids),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.scatterND(tf.reshape(saved[0] as tf.Tensor, [-1, 1]), dy as tf.Tensor, weights.shape),
    };
  });
  return lookup(table) as tf.Tensor2D;
}
