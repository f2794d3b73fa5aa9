/**
 * `@icd/tokenizer`: BERT WordPiece tokenization with HuggingFace parity, as a pipeline of parts. This entry
 * imports no Node built-in (it bundles for browsers); `loadTokenizer` / `saveTokenizer` of model folders
 * and `readCorpusLines` are in `@icd/tokenizer/node`.
 *
 * @packageDocumentation
 */

export type { AddedToken } from './added-vocabulary.js';
export { cleanUpTokenization } from './decoders/clean-up-tokenization.js';
export { createDecoder } from './decoders/create-decoder.js';
export type { DecoderJson } from './decoders/decoder.js';
export { Decoder } from './decoders/decoder.js';
export { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
export { Encoding } from './encoding/encoding.js';
export { EncodingData } from './encoding/encoding-data.js';
export type { FetchTokenizerOptions } from './fetch-tokenizer.js';
export { fetchTokenizer } from './fetch-tokenizer.js';
export { loadPretrainedTokenizer } from './load-pretrained-tokenizer.js';
export { createModel } from './models/create-model.js';
export type { ModelJson } from './models/model.js';
export { Model } from './models/model.js';
export { TokenSink } from './models/token-sink.js';
export type { WordPieceModelOptions } from './models/wordpiece-model.js';
export { WordPieceModel } from './models/wordpiece-model.js';
export type { BertNormalizerOptions } from './normalizers/bert-normalizer.js';
export { BertNormalizer } from './normalizers/bert-normalizer.js';
export { createNormalizer } from './normalizers/create-normalizer.js';
export { NormalizedText } from './normalizers/normalized-text.js';
export type { NormalizerJson } from './normalizers/normalizer.js';
export { Normalizer } from './normalizers/normalizer.js';
export type { FromVocabOptions } from './parts-from-vocab.js';
export { parseVocab } from './parts-from-vocab.js';
export { BertProcessing } from './post-processors/bert-processing.js';
export { createPostProcessor } from './post-processors/create-post-processor.js';
export type { PostProcessorJson } from './post-processors/post-processor.js';
export { PostProcessor } from './post-processors/post-processor.js';
export type {
  TemplatePiece,
  TemplateProcessingOptions,
  TemplateSpecialToken,
} from './post-processors/template-processing.js';
export { TemplateProcessing } from './post-processors/template-processing.js';
export { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
export { createPreTokenizer } from './pre-tokenizers/create-pre-tokenizer.js';
export type { PreTokenizerJson } from './pre-tokenizers/pre-tokenizer.js';
export { PreTokenizer, WordRanges } from './pre-tokenizers/pre-tokenizer.js';
export { Tokenizer } from './tokenizer.js';
export type { TokenizerConfigJson } from './tokenizer-config.js';
export { tokenizerFileContents } from './tokenizer-file-contents.js';
export type { TokenizerFiles } from './tokenizer-from-files.js';
export { tokenizerFromFiles } from './tokenizer-from-files.js';
export type { FromJsonOptions, TokenizerJson, TokenizerParts } from './tokenizer-parts.js';
export type { TrainedAddedToken, TrainedTokenizerJson } from './trainers/build-trained-tokenizer-json.js';
// trainers
export type { WordPieceTrainerOptions, WordSplitter } from './trainers/wordpiece-trainer.js';
export { WordPieceTrainer } from './trainers/wordpiece-trainer.js';
export type { WordPieceVocabularySettings } from './trainers/wordpiece-vocabulary.js';
export { WordPieceVocabulary } from './trainers/wordpiece-vocabulary.js';
