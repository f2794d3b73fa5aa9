/**
 * `@icd/heads`: multi-label ICD coding models behind `@icd/core`'s `Coder` contract: the TF-IDF +
 * logistic-regression {@link LexicalCoder} and the λ ensemble of eq. 5 of the LLM-ICD paper.
 *
 * @packageDocumentation
 */

export type { HeadCoderOptions, NoteFilter } from './coder/head-coder.js';
export { HeadCoder, mapEvidenceToOriginal } from './coder/head-coder.js';
export type { ScoreMatrix, TunedEnsembleWeight } from './ensemble/ensemble.js';
export {
  EnsembleCoder,
  ensemble,
  ensembleScores,
  mergePredictions,
  tuneEnsembleWeight,
} from './ensemble/ensemble.js';
export type { AttentionEvidenceOptions } from './evidence/attention-evidence.js';
export { attentionEvidence } from './evidence/attention-evidence.js';
export { sentenceEvidence } from './evidence/sentence-evidence.js';
export type { HeadCoderConfig } from './io/head-coder-config.js';
export { headCoderFormat, headCoderVersion } from './io/head-coder-config.js';
export type {
  HeadBuilder,
  HeadCoderFilesOptions,
  HeadCoderLoadOptions,
  ModelFiles,
} from './io/head-coder-files.js';
export { headCoderFiles, headCoderFromFiles } from './io/head-coder-files.js';
export type { CodiespRunOptions } from './io/write-codiesp-run.js';
export { writeCodiespRun } from './io/write-codiesp-run.js';
export type { ClsActivation, ClsHeadConfig, ClsHeadJson, ClsPooling } from './layers/cls-head.js';
export { ClsHead } from './layers/cls-head.js';
export type { WindowSequence } from './layers/concatenate-windows.js';
export { concatenateWindows, windowsAsSequence } from './layers/concatenate-windows.js';
export type { DescriptionQueryOptions } from './layers/description-queries.js';
export { initialiseLabelQueriesFromDescriptions } from './layers/description-queries.js';
export type { EncodeKnowledgeTextsOptions } from './layers/encode-knowledge-texts.js';
export { encodeKnowledgeTexts } from './layers/encode-knowledge-texts.js';
export type { HeadParameterSpec } from './layers/head-parameters.js';
export type {
  KnowledgeEmbeddings,
  KnowledgeInjectedLabelAttentionConfig,
  KnowledgeInjectedLabelAttentionJson,
  KnowledgeInjectionConfig,
} from './layers/knowledge-injection.js';
export {
  KnowledgeInjectedLabelAttention,
  KnowledgeInjection,
  knowledgeEmbeddingsName,
  knowledgeInjectionWeightName,
} from './layers/knowledge-injection.js';
export type {
  KnowledgeTable,
  KnowledgeText,
  KnowledgeTextsOptions,
} from './layers/knowledge-texts-for-codes.js';
export { knowledgeTextsForCodes } from './layers/knowledge-texts-for-codes.js';
export type {
  LabelAttentionConfig,
  LabelAttentionForwardOptions,
  LabelAttentionJson,
} from './layers/label-attention.js';
export { LabelAttention, labelAttentionWeightNames } from './layers/label-attention.js';
export type { LbfgsOptions, LbfgsResult, Objective } from './lexical/lbfgs.js';
export { minimizeLbfgs } from './lexical/lbfgs.js';
export type { LexicalCoderJson, LexicalCoderOptions, LexicalTrainingNote } from './lexical/lexical-coder.js';
export { LexicalCoder } from './lexical/lexical-coder.js';
export type { KernelLogisticModel, LogisticOptions } from './lexical/logistic-regression.js';
export { decisionValues, fitOneVsRestLogistic, labelWeights } from './lexical/logistic-regression.js';
export type { LexicalToken, SparseRows, TfidfJson, TfidfOptions } from './lexical/tfidf-vectorizer.js';
export { lexicalTokens, ngrams, TfidfVectorizer } from './lexical/tfidf-vectorizer.js';
export type { HeadTargets, TfDifferentiableEncoder, TfLabelHead } from './training/head-batches.js';
export { headLoss } from './training/head-batches.js';
export type {
  CacheableNote,
  CachedNote,
  CacheHiddenStatesOptions,
  HiddenStateCache,
} from './training/hidden-state-cache.js';
export { cacheHiddenStates } from './training/hidden-state-cache.js';
export type { NoteWindows, WindowOptions, WindowSettings } from './training/note-windows.js';
export { noteWindows } from './training/note-windows.js';
export type { HeadExample, HeadTrainingOptions, HeadTrainResult } from './training/train-head.js';
export { trainHead } from './training/train-head.js';
