/**
 * `@icd/heads`: multi-label ICD coding models behind `@icd/core`'s `Coder` contract: the TF-IDF +
 * logistic-regression {@link LexicalCoder} and the λ ensemble of eq. 5 of the LLM-ICD paper.
 *
 * @packageDocumentation
 */
export type { ScoreMatrix, TunedEnsembleWeight } from './ensemble/ensemble.js';
export {
  EnsembleCoder,
  ensemble,
  ensembleScores,
  mergePredictions,
  tuneEnsembleWeight,
} from './ensemble/ensemble.js';
export type { ClsActivation, ClsHeadConfig, ClsHeadJson, ClsPooling } from './layers/cls-head.js';
export { ClsHead } from './layers/cls-head.js';
export type { HeadParameterSpec } from './layers/head-parameters.js';
export type { LbfgsOptions, LbfgsResult, Objective } from './lexical/lbfgs.js';
export { minimizeLbfgs } from './lexical/lbfgs.js';
export type { LexicalCoderJson, LexicalCoderOptions, LexicalTrainingNote } from './lexical/lexical-coder.js';
export { LexicalCoder } from './lexical/lexical-coder.js';
export type { KernelLogisticModel, LogisticOptions } from './lexical/logistic-regression.js';
export { decisionValues, fitOneVsRestLogistic, labelWeights } from './lexical/logistic-regression.js';
export type { LexicalToken, SparseRows, TfidfJson, TfidfOptions } from './lexical/tfidf-vectorizer.js';
export { lexicalTokens, ngrams, TfidfVectorizer } from './lexical/tfidf-vectorizer.js';
