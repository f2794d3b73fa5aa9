/**
 * Test doubles for packages that depend on `@icd/core` contracts: encoders, masked LMs and tokenizers
 * that need no model files and record their calls.
 *
 * @packageDocumentation
 */

export type { MockCall } from './mock-encoder.js';
export { MockEncoder, MockMaskedLM } from './mock-encoder.js';
export { MockTokenizer } from './mock-tokenizer.js';
export { tokenBatchToRows } from './to-rows.js';
export { windowEncoding } from './window-encoding.js';
