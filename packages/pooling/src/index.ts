/**
 * `@icd/pooling`: engine-neutral pooling of long notes. Tokenize into overlapping windows with any
 * `TokenizerLike`, encode them with any `Encoder` (TensorFlow.js BERT, ONNX Runtime, a remote service)
 * and pool the token vectors into one document vector. No tensor library, no Node built-in.
 *
 * @packageDocumentation
 */

export type { PooledDocument, PoolWindowsOptions, WindowPooling } from './pool-windows.js';
export { encodeLongText, poolWindows, windowPoolings, windowsOf } from './pool-windows.js';
