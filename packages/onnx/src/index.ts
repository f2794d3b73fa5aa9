/**
 * `@icd/onnx`: ONNX export of `@icd/bert` models (float32 and dynamic int8; encoder, masked LM, the MLM
 * head at chosen positions, `inputs_embeds`) and ONNX Runtime models behind `@icd/core`'s `Encoder` /
 * `MaskedLanguageModel` contracts. Browser-safe: file helpers live in `@icd/onnx/node`;
 * `onnxruntime-node` / `onnxruntime-web` are optional peers loaded on first use.
 *
 * @packageDocumentation
 */

export type { ExportOnnxOptions, ExportTask } from './export/export-onnx.js';
export { exportOnnx, onnxOpset } from './export/export-onnx.js';
export type { ExportableHead } from './export/label-head-graph.js';
export type { Quantization } from './export/linear-graph.js';
export { quantizeColumns } from './export/quantize-weights.js';
export type { ExportableBert, ExportableWeight } from './export/read-weights.js';
export type { EmbeddingsInput } from './runtime/feeds.js';
export { readModelMetadata } from './runtime/model-metadata.js';
export type { OnnxClassifierOutput } from './runtime/onnx-classifier.js';
export { OnnxClassifier } from './runtime/onnx-classifier.js';
export { OnnxEncoder } from './runtime/onnx-encoder.js';
export type { MaskedPositionsOutput } from './runtime/onnx-masked-lm.js';
export { OnnxMaskedLM } from './runtime/onnx-masked-lm.js';
export type {
  OnnxRuntimeChoice,
  OrtModule,
  OrtSession,
  OrtSessionOptions,
  OrtTensor,
  OrtTensorType,
} from './runtime/onnx-runtime.js';
export { isNode, loadOnnxRuntime } from './runtime/onnx-runtime.js';
export type { OnnxLoadOptions, OnnxModelSource } from './runtime/onnx-session-model.js';
export { OnnxSessionModel } from './runtime/onnx-session-model.js';
