/**
 * `@icd/tokenizer/node`: the parts of `@icd/tokenizer` that touch the file system (model folders, corpus
 * files). Everything else, and the from-bytes loaders, are in the browser-safe main entry.
 *
 * @packageDocumentation
 */

export { loadTokenizer } from './load-tokenizer.js';
export { loadPretrainedTokenizer } from './node/load-pretrained-tokenizer.js';
export { saveTokenizer } from './save-tokenizer.js';
export type { ReadCorpusLinesOptions } from './trainers/read-corpus-lines.js';
export { readCorpusLines } from './trainers/read-corpus-lines.js';
