/**
 * `@icd/pipeline`: the browser-safe coding core — model folders (loaded from files, bytes or URLs),
 * prediction through the `@icd/core` `Coder` contract, and output as JSON, JSONL, CodiEsp runs or
 * FHIR R4 `Condition` bundles. The CLI, the HTTP service and the batch workers are in
 * `@icd/pipeline/node`.
 *
 * @packageDocumentation
 */

export const PIPELINE_PACKAGE = '@icd/pipeline';

export type {
  CodeDisplayTable,
  FhirBundle,
  FhirBundleOptions,
  PatientReference as FhirPatientReference,
} from './fhir/to-fhir-bundle.js';
export { CODING_SCORE_EXTENSION, EVIDENCE_SPAN_EXTENSION, toFhirBundle } from './fhir/to-fhir-bundle.js';
export type { JsonFormatOptions } from './formats/to-json.js';
export { predictionRecord, toCodiespRun, toJson, toJsonl } from './formats/to-json.js';
export type { CodeTableLike } from './model-folder/code-set.js';
export { codeSetFromList, codeSetFromTable, ICD10CM_SYSTEM } from './model-folder/code-set.js';
export type { DictionaryModelJson } from './model-folder/dictionary-model.js';
export { dictionaryCoder, dictionaryCoderFromJson } from './model-folder/dictionary-model.js';
export { canonicalJson, hashNotes, sha256Hex } from './model-folder/hashes.js';
export type {
  LoadModelFolderOptions,
  ModelBuilder,
  ModelFolderSource,
} from './model-folder/load-model-folder.js';
export { loadModelFolder } from './model-folder/load-model-folder.js';
export type { ModelFolderFiles, ModelFolderInfo } from './model-folder/model-folder-files.js';
export { modelFolderFiles, modelKindOf } from './model-folder/model-folder-files.js';
export { packModelFolder, unpackModelFolder } from './model-folder/pack-model-folder.js';
export { PipelineCoder } from './model-folder/pipeline-coder.js';
export type {
  CodeSetEntry,
  CodeSetInfo,
  ModelKind,
  PipelineMetadata,
} from './model-folder/pipeline-metadata.js';
export {
  MODEL_KINDS,
  PIPELINE_FORMAT,
  PIPELINE_FORMAT_VERSION,
  parsePipelineMetadata,
} from './model-folder/pipeline-metadata.js';
// The bag-of-words baseline `icd eval` reports; plain arithmetic, so browser-safe (also in ./node).
export { naiveBayesPosteriors } from './workflow/naive-bayes.js';
