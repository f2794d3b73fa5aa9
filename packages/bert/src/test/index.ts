/**
 * Test helpers for packages built on `@icd/bert`: a real, tiny, deterministic BERT and its tokenizer,
 * so dependent packages test against the actual model code in milliseconds without model files.
 *
 * @packageDocumentation
 */

export type { TinyBertOptions } from './create-tiny-bert.js';
export { createTinyBert, createTinyTokenizer, tinyBertWords } from './create-tiny-bert.js';
