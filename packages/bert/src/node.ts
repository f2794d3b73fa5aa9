/**
 * `@icd/bert/node`: everything of `@icd/bert`, plus what needs a file system. `BertModel` and
 * `BertForMaskedLM` here are the main entry's classes with `fromPretrained(dir)` and `save(dir)` added
 * (HuggingFace model folders: `config.json`, `model.safetensors` or a sharded index, tokenizer files).
 * The main entry stays browser-safe: it loads from bytes (`fromSafetensors(bytes, config)`) and
 * serialises to bytes (`toPretrainedFiles()`).
 *
 * @packageDocumentation
 */

export * from './index.js';
export type { PretrainedLoadOptions } from './node/node-models.js';
export { BertForMaskedLM, BertModel } from './node/node-models.js';
export { readPretrainedFolder } from './node/read-pretrained-folder.js';
// pretraining that reads corpora from files and writes checkpoints
export type { ListCorpusFilesOptions, SplitCorpusFilesOptions } from './pretraining/corpus-files.js';
export { listCorpusFiles, splitCorpusFiles } from './pretraining/corpus-files.js';
export type { EpochSource, TrainResult } from './pretraining/masked-lm-trainer.js';
export { MaskedLMTrainer } from './pretraining/masked-lm-trainer.js';
export { readCorpusDocuments } from './pretraining/read-corpus-documents.js';
export { checkpointFiles } from './pretraining/trainer-checkpoint.js';
