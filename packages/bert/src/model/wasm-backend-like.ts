import type * as tf from '@tensorflow/tfjs-core';

/**
 * The part of tfjs-backend-wasm's `BackendWasm` that our custom wasm kernels use: heap views of tensors
 * (no copy) and output allocation. Typed structurally so `@icd/bert` does not import the backend's
 * internals; the kernels are only registered for, and only run on, the wasm backend.
 */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  disposeData(dataId: tf.DataId): boolean;
}
