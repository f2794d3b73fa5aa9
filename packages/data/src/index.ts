/**
 * `@icd/data`: everything between raw clinical text and a training set. Parsers (CodiEsp, MIMIC-III in
 * the CAML layout, CSV, JSONL) from strings or bytes that return `ClinicalNote`s (the file-system loaders
 * are in `@icd/data/node`; this entry imports no Node built-in and bundles for browsers), ICD-10 code handling, a label space,
 * de-identification, stratified and few-shot splits, and a synthetic cardiology corpus.
 *
 * @packageDocumentation
 */

export type { PlantedNote, RedactionEvaluation } from './deid/evaluate-redaction.js';
export { evaluateRedaction, parsePlantedNotes } from './deid/evaluate-redaction.js';
export type { PhiType } from './deid/phi-patterns.js';
export type { RedactedSpan, RedactPhiOptions, RedactPhiResult } from './deid/redact-phi.js';
export { PHI_TYPES, redactPhi } from './deid/redact-phi.js';
export type { ShiftDatesOptions } from './deid/shift-date.js';
export type { Icd10Chapter } from './icd/icd10-chapters.js';
export { ICD10_CHAPTERS, icd10Chapter } from './icd/icd10-chapters.js';
export type { DescribeOptions } from './icd/icd10-description-table.js';
export { Icd10DescriptionTable } from './icd/icd10-description-table.js';
export type { MdrBertCode } from './icd/mdr-bert-codes.js';
export { MDR_BERT_CODES } from './icd/mdr-bert-codes.js';
export type { NormalizeIcd10PcsCodeOptions } from './icd/normalize-icd10-code.js';
export {
  icd10Category,
  isIcd10CmCode,
  isIcd10PcsCode,
  normalizeIcd10Code,
  normalizeIcd10PcsCode,
} from './icd/normalize-icd10-code.js';
export type { LoadIcd10DescriptionsOptions } from './icd/parse-icd10-descriptions.js';
export { parseIcd10Descriptions } from './icd/parse-icd10-descriptions.js';
export type { Icd10CmNoteKind, Icd10CmNotes } from './icd10cm/icd10cm-notes.js';
export { ICD10CM_NOTE_KINDS } from './icd10cm/icd10cm-notes.js';
export type { Icd10CmEntry } from './icd10cm/icd10cm-table.js';
export { Icd10CmTable } from './icd10cm/icd10cm-table.js';
export type { Icd10CmOrderEntry, ParseIcd10CmOrderOptions } from './icd10cm/parse-icd10cm-order.js';
export { parseIcd10CmOrder } from './icd10cm/parse-icd10cm-order.js';
export type {
  Icd10CmChapter,
  Icd10CmSection,
  Icd10CmSeventhCharacter,
  Icd10CmTabular,
  Icd10CmTabularEntry,
  ParseIcd10CmTabularOptions,
} from './icd10cm/parse-icd10cm-tabular.js';
export { parseIcd10CmTabular } from './icd10cm/parse-icd10cm-tabular.js';
export type { TextSource } from './icd10cm/text-source.js';
export type { FromNotesOptions, MultiHotBatch } from './labels/label-space.js';
export { LabelSpace } from './labels/label-space.js';
export type { CodeOptions } from './loaders/note-from-record.js';
export type { LoadCamlMimicOptions } from './loaders/parse-caml-mimic.js';
export { parseCamlMimic, parseCamlTopCodes } from './loaders/parse-caml-mimic.js';
export type { CodiEspCaseLabels, CodiEspTexts, LoadCodiespOptions } from './loaders/parse-codiesp.js';
export { parseCodiEsp, parseCodiEspTsv } from './loaders/parse-codiesp.js';
export type { ParseCsvOptions } from './loaders/parse-csv-notes.js';
export { parseCsv } from './loaders/parse-csv-notes.js';
export type { ParseJsonlOptions } from './loaders/parse-jsonl.js';
export { parseJsonl } from './loaders/parse-jsonl.js';
export { SeededRandom } from './random/seeded-random.js';
export type { FewShotSampleOptions, FewShotSampleResult } from './splits/few-shot-sample.js';
export { fewShotSample } from './splits/few-shot-sample.js';
export type {
  MultiLabelFewShotSampleOptions,
  MultiLabelFewShotSampleResult,
} from './splits/multi-label-few-shot-sample.js';
export { multiLabelFewShotSample } from './splits/multi-label-few-shot-sample.js';
export type { SplitReport } from './splits/split-report.js';
export { formatSplitReport } from './splits/split-report.js';
export type { StratifiedSplitOptions, StratifiedSplitResult } from './splits/stratified-split.js';
export { stratifiedSplit } from './splits/stratified-split.js';
export type { CardiologyProfile, FindingSlot } from './synthetic/cardiology-profiles.js';
export type { GenerateCardiologyCorpusOptions } from './synthetic/generate-cardiology-corpus.js';
export {
  DEFAULT_CLASS_WEIGHTS,
  generateCardiologyCorpus,
  SYNTHETIC_HEADER,
} from './synthetic/generate-cardiology-corpus.js';
