/**
 * `@icd/core`: the contracts every `@icd/*` package shares. Types and errors only; no tensor library
 * at runtime. Test doubles live under the `@icd/core/test` subpath.
 *
 * @packageDocumentation
 */

export type { ClinicalNote, CodeEvidence, NoteSection, TextSpan } from './clinical-note.js';
export type {
  CodePrediction,
  Coder,
  Evidence,
  EvidenceSource,
  NoteInput,
  NotePrediction,
  PredictOptions,
} from './coder.js';
export type {
  DifferentiableEncoder,
  Encoder,
  EncoderInfo,
  EncoderInput,
  EncoderOutput,
  EncoderOutputOptions,
  EncoderTensorInput,
  EncoderTensorMasks,
  ForwardOptions,
} from './encoder.js';
export { CheckpointError } from './errors/checkpoint-error.js';
export { DataFormatError } from './errors/data-format-error.js';
export { IcdError } from './errors/icd-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { TrainingError } from './errors/training-error.js';
export { UnsupportedError } from './errors/unsupported-error.js';
export { assertFiniteNumber, assertInteger, assertOneOf, invalidArgument } from './errors/validate.js';
export type { Keyword } from './keyword.js';
export type { LabelHead, LabelHeadOutput } from './label-head.js';
export type {
  DifferentiableMaskedLanguageModel,
  MaskedLanguageModel,
  MaskedLMDecoder,
  MaskedLMOptions,
  MaskedLMOutput,
} from './masked-language-model.js';
export type { TensorData, TokenBatch } from './tensor-data.js';
export type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  SpecialTokens,
  TokenizerLike,
} from './tokenizer-like.js';
