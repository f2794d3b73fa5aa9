/**
 * `@icd/metrics`: classification, ranking and CodiEsp metrics for ICD coding, defined as scikit-learn
 * and the CodiEsp shared task define them. Plain arrays or typed arrays in, numbers out.
 *
 * @packageDocumentation
 */

export type { AccuracyOptions } from './classification/accuracy-score.js';
export { accuracyScore } from './classification/accuracy-score.js';
export type { ConfusionMatrixOptions } from './classification/confusion-matrix.js';
export { confusionMatrix } from './classification/confusion-matrix.js';
export { f1Score } from './classification/f1-score.js';
export type { JaccardOptions } from './classification/jaccard-score.js';
export { jaccardScore } from './classification/jaccard-score.js';
export type { ClassificationTargets, LabelSelection } from './classification/label-counts.js';
export type { MacroF1Options } from './classification/macro-f1.js';
export { macroF1FromMacroPrecisionRecall, macroF1PerLabelMean } from './classification/macro-f1.js';
export type {
  Average,
  AveragedScores,
  PerLabelScores,
  PrecisionRecallFscoreOptions,
} from './classification/precision-recall-fscore-support.js';
export { precisionRecallFscoreSupport } from './classification/precision-recall-fscore-support.js';
export { precisionScore } from './classification/precision-score.js';
export { recallScore } from './classification/recall-score.js';
export type {
  DocumentCodes,
  MapAverageOver,
  MeanAveragePrecisionOptions,
  MeanAveragePrecisionResult,
} from './codiesp/mean-average-precision.js';
export { meanAveragePrecision, meanAveragePrecisionDetails } from './codiesp/mean-average-precision.js';
export type { BootstrapInterval, BootstrapOptions } from './evaluation/bootstrap-confidence-interval.js';
export { bootstrapConfidenceInterval } from './evaluation/bootstrap-confidence-interval.js';
export type {
  LearningCurveOptions,
  LearningCurvePoint,
  LearningCurveSubset,
} from './evaluation/learning-curve.js';
export { formatLearningCurve, learningCurveSubsets } from './evaluation/learning-curve.js';
export { selectRows } from './evaluation/select-rows.js';
export type { TunedThresholds, TuneThresholdOptions } from './evaluation/tune-threshold.js';
export { tuneThreshold } from './evaluation/tune-threshold.js';
export type {
  CodeEvidenceSpans,
  EvidencePairs,
  EvidenceSentenceOptions,
  EvidenceSentenceScores,
} from './evidence/evidence-sentence-scores.js';
export { evidenceSentenceScores } from './evidence/evidence-sentence-scores.js';
export { sentenceSpans } from './evidence/sentence-spans.js';
export type { LabelVector, MatrixData, MatrixInput } from './internal/inputs.js';
export type { ClassLabel } from './internal/labels.js';
export type { RankingAverage, UndefinedLabelPolicy } from './ranking/average-binary-score.js';
export type { AveragePrecisionOptions } from './ranking/average-precision-score.js';
export { averagePrecisionScore } from './ranking/average-precision-score.js';
export { precisionAtK } from './ranking/precision-at-k.js';
export type { PrecisionRecallCurve } from './ranking/precision-recall-curve.js';
export { precisionRecallCurve } from './ranking/precision-recall-curve.js';
export { rPrecision } from './ranking/r-precision.js';
export type { RecallAtKOptions } from './ranking/recall-at-k.js';
export { recallAtK } from './ranking/recall-at-k.js';
export type { RocAucOptions, RocAucResult } from './ranking/roc-auc-score.js';
export { rocAucScore, rocAucScoreDetails } from './ranking/roc-auc-score.js';
export type { RocCurve, RocCurveOptions } from './ranking/roc-curve.js';
export { rocCurve } from './ranking/roc-curve.js';
export type {
  ClassificationReportJson,
  ClassificationReportOptions,
  ReportRow,
} from './report/classification-report.js';
export { classificationReport } from './report/classification-report.js';
