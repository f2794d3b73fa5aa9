/**
 * `@icd/onnx/node`: file helpers for Node: write an exported model to disk, and load an ONNX file or a
 * model folder (HF optimum layout: `model.onnx` + `config.json`) as an encoder or masked LM.
 *
 * @packageDocumentation
 */

export type { Engine, EngineLoadOptions } from './node/load-model-folder.js';
export { ensureOnnxFile, exportFileName, loadEncoder, loadMaskedLM } from './node/load-model-folder.js';
export type { OnnxFolderOptions } from './node/onnx-files.js';
export { exportOnnxFile, loadOnnxEncoder, loadOnnxMaskedLM, resolveOnnxFile } from './node/onnx-files.js';
