/**
 * `@icd/bert`: a BERT encoder and masked-LM on TensorFlow.js that reads and writes HuggingFace
 * checkpoints (config.json + safetensors), runs on the wasm, cpu, native and browser tfjs backends,
 * and pools long notes over overlapping windows.
 *
 * @packageDocumentation
 */

export type { PooledDocument, PoolWindowsOptions, WindowPooling } from '@icd/pooling';
export { encodeLongText, poolWindows, windowPoolings, windowsOf } from '@icd/pooling';
export type { BackendName, BackendReport, SelectBackendOptions } from './backend/select-backend.js';
export { backendNames, ensureBackend, selectBackend } from './backend/select-backend.js';
export type { GpuAdapterDescription, GpuLike } from './backend/webgpu-setup.js';
export type { PretrainedOptions } from './checkpoint/assemble-pretrained.js';
export { canonicalName } from './checkpoint/canonical-name.js';
export type { FetchPretrainedOptions } from './checkpoint/fetch-pretrained.js';
export type { LoadReport } from './checkpoint/load-report.js';
export type { SaveOptions } from './checkpoint/pretrained-files.js';
export type { SafetensorsBytes } from './checkpoint/safetensors-files.js';
export { tokenizerFiles } from './checkpoint/tokenizer-files.js';
export type { BertActivation, BertConfigOptions } from './config/bert-config.js';
export { BertConfig, bertActivations } from './config/bert-config.js';
export { applyActivation } from './model/activations.js';
export { attentionMaskValue } from './model/bert-encoder-forward.js';
export type {
  BertForMaskedLMOptions,
  BertMaskedLMForwardOptions,
  BertMaskedLMOutput,
} from './model/bert-for-masked-lm.js';
export { BertForMaskedLM } from './model/bert-for-masked-lm.js';
export type { BertForwardOptions, BertModelOptions } from './model/bert-model.js';
export { BertModel, disposeOutput } from './model/bert-model.js';
export { embeddingLookup } from './model/embedding-lookup.js';
export { gelu, rationalErf } from './model/gelu.js';
export { layerNorm } from './model/layer-norm.js';
export type { ParameterKind, ParameterSpec } from './model/parameter-specs.js';
export {
  encoderParameterCount,
  encoderParameterSpecs,
  maskedLMHeadParameterSpecs,
} from './model/parameter-specs.js';
export { registerGradients } from './model/register-gradients.js';
// pretraining
export type { AdamWOptions, AdamWState } from './pretraining/adamw.js';
export { AdamW, isNoDecayParameter } from './pretraining/adamw.js';
export { batchSequences, shuffleBuffer } from './pretraining/batch-sequences.js';
export { bertForMaskedLMPretrainable } from './pretraining/bert-for-masked-lm-pretrainable.js';
export { clipGradientNorm } from './pretraining/clip-gradient-norm.js';
export type { EvaluateMaskedLMOptions, MaskedLMEvaluation } from './pretraining/evaluate-masked-lm.js';
export { evaluateMaskedLM } from './pretraining/evaluate-masked-lm.js';
export type { LearningRateSchedule } from './pretraining/linear-schedule-with-warmup.js';
export { linearScheduleWithWarmup } from './pretraining/linear-schedule-with-warmup.js';
export type { MaskedLMCollatorOptions } from './pretraining/masked-lm-collator.js';
export { MaskedLMCollator } from './pretraining/masked-lm-collator.js';
export { maskedLMLoss } from './pretraining/masked-lm-loss.js';
export { maskedLMObjective } from './pretraining/masked-lm-objective.js';
export type { PackSequencesOptions } from './pretraining/pack-sequences.js';
export { packSequences } from './pretraining/pack-sequences.js';
export type {
  MaskedLMInputTensors,
  MaskedLMPassOptions,
  PretrainableMaskedLM,
} from './pretraining/pretrainable-masked-lm.js';
export type { ProgressStream, ProgressUpdate } from './pretraining/progress-reporter.js';
export { ProgressReporter } from './pretraining/progress-reporter.js';
export type { RandomGeneratorState } from './pretraining/random-generator.js';
export { RandomGenerator } from './pretraining/random-generator.js';
export type {
  CorpusDocument,
  DocumentMode,
  ReadCorpusDocumentsOptions,
} from './pretraining/read-corpus-documents.js';
export { registerWasmTrainingKernels } from './pretraining/register-wasm-training-kernels.js';
export type { MaskedLMBatch, TokenSequence } from './pretraining/token-sequence.js';
export { ignoreLabel } from './pretraining/token-sequence.js';
export type { TrainerState } from './pretraining/trainer-checkpoint.js';
export type { MaskedLMTrainerOptions } from './pretraining/trainer-options.js';
export { bfloat16ToFloat32, float16ToFloat32 } from './safetensors/half-precision.js';
export type { SafetensorsEntry } from './safetensors/safetensors-file.js';
export { SafetensorsFile } from './safetensors/safetensors-file.js';
export type { SafetensorsTensor } from './safetensors/write-safetensors.js';
export { serializeSafetensors } from './safetensors/write-safetensors.js';
