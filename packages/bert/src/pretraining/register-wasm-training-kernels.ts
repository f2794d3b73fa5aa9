import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../model/wasm-backend-like.js';

/** The part of tfjs-backend-wasm's `BackendWasm` these kernels use. */
/**
 * UnsortedSegmentSum in plain JavaScript for the wasm backend: out[s] = Σ_{i: segmentIds[i] = s} x[i].
 * tfjs-backend-wasm 4.22 has no such kernel, yet tfjs-core's own gradient of `tf.gather` (registered
 * when `@tensorflow/tfjs` is loaded) is built from it, so training on wasm would fail without it. The loop is O(rows × width) additions, small
 * next to the matmuls of a step.
 */
function unsortedSegmentSum({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const values = wasm.readSync(x.dataId) as Float32Array;
  const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
  const rows = ids.length;
  const width = rows === 0 ? 0 : values.length / rows;
  const output = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const out = wasm.typedArrayFromHeap(output) as Float32Array;
  out.fill(0);
  for (let row = 0; row < rows; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue; // TensorFlow drops out-of-range ids
    const target = segment * width;
    const source = row * width;
    for (let k = 0; k < width; k++) out[target + k]! += values[source + k]!;
  }
  return output;
}

/** Marks a BatchMatMul kernel already wrapped by {@link transposeFirstBatchMatMul}. */
const wrapped = Symbol.for('icd.bert.transposeFirstBatchMatMul');

/**
 * Wraps tfjs-backend-wasm's BatchMatMul so that a transposed operand is transposed explicitly first and
 * the product then runs without transposes. The wasm kernel's XNNPACK fast path has no transposed
 * operand; with one it is ~20× slower, and backpropagation through every matmul asks for exactly those
 * (dA = dY·Bᵀ, dB = Aᵀ·dY). Measured on a mini BERT step (4 × 256, 8 × 128 tokens, this
 * 2-core machine): forward + backward 9.2 s → 2.4 s. The result is the same product; only the order of summation in a
 * dot product may differ in the last bit.
 */
function transposeFirstBatchMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = ({
    inputs,
    backend,
    attrs,
  }: {
    inputs: tf.NamedTensorInfoMap;
    backend: unknown;
    attrs?: tf.NamedAttrMap;
  }) => {
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB)
      return original.kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs: attrs ?? {} });
    const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
    const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
      return transpose({
        inputs: { x },
        backend: backend as tf.KernelBackend,
        attrs: { perm },
      }) as tf.TensorInfo;
    };
    const a = transposeA ? swapLast(inputs.a as tf.TensorInfo) : (inputs.a as tf.TensorInfo);
    const b = transposeB ? swapLast(inputs.b as tf.TensorInfo) : (inputs.b as tf.TensorInfo);
    try {
      return original.kernelFunc({
        inputs: { a, b },
        backend: backend as tf.KernelBackend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (transposeA) (backend as WasmBackendLike).disposeData(a.dataId);
      if (transposeB) (backend as WasmBackendLike).disposeData(b.dataId);
    }
  };
  Object.defineProperty(kernelFunc, wrapped, { value: true });
  return { ...original, kernelFunc: kernelFunc as tf.KernelFunc };
}

/**
 * Adds the kernels masked-LM training needs that tfjs-backend-wasm lacks (`UnsortedSegmentSum`, used by
 * the gradient of `gather`) and makes its BatchMatMul fast with transposed operands (every matmul
 * gradient). Only the wasm backend's registry is touched. Harmless to call repeatedly or when the backend already has them.
 *
 * @example
 * ```ts
 * registerWasmTrainingKernels();
 * await selectBackend({ backend: 'wasm' });
 * ```
 */
export function registerWasmTrainingKernels(): void {
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as tf.KernelFunc,
    });
  }
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (batchMatMul && !(wrapped in batchMatMul.kernelFunc)) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(transposeFirstBatchMatMul(batchMatMul));
  }
}
