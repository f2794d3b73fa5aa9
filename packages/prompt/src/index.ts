/**
 * `@icd/prompt`: prompt learning for ICD coding over any masked language model — OpenPrompt's template
 * syntax (manual, soft and mixed templates), verbalizers (manual, soft, knowledgeable; `Verbalizer` is
 * the extension point) and a single- or multi-label prompt model.
 *
 * @packageDocumentation
 */

export { sigmoidBinaryCrossEntropy, softmaxCrossEntropy } from './model/classification-losses.js';
export { evaluatePromptModel } from './model/labelled-batches.js';
export type { PromptForClassificationOptions, PromptMaskedLM } from './model/prompt-for-classification.js';
export { PromptForClassification } from './model/prompt-for-classification.js';
export type {
  PromptModelConfig,
  PromptModelLoadOptions,
  VerbalizerBuildContext,
} from './model/prompt-model-files.js';
export { promptModelFiles, promptModelFromFiles } from './model/prompt-model-files.js';
export { promptParameterGroups } from './model/prompt-parameter-groups.js';
export { rankPredictions } from './model/rank-predictions.js';
export type { PromptExample, PromptTrainingOptions, PromptTrainResult } from './model/train-prompt-model.js';
export { trainPromptModel } from './model/train-prompt-model.js';
export type { InputEmbeddingSource } from './templates/input-embeddings.js';
export { ManualTemplate } from './templates/manual-template.js';
export type { MixedTemplateOptions } from './templates/mixed-template.js';
export { MixedTemplate } from './templates/mixed-template.js';
export type { SoftTokenNumbering, TemplateUnit } from './templates/number-soft-tokens.js';
export { numberSoftTokens } from './templates/number-soft-tokens.js';
export type { LiteralValue } from './templates/parse-literal.js';
export type { PlaceholderField, TemplateBlock, TemplateBlockKind } from './templates/parse-template-text.js';
export { parseTemplateText } from './templates/parse-template-text.js';
export type { PostProcessingFunction } from './templates/post-processing.js';
export { builtInPostProcessing } from './templates/post-processing.js';
export type { SoftTemplateOptions } from './templates/soft-template.js';
export { SoftTemplate } from './templates/soft-template.js';
export type {
  PromptBatch,
  PromptInput,
  TemplateInputs,
  TemplateJson,
  TemplateOptions,
  TruncationStats,
  WrappedExample,
} from './templates/template.js';
export { Template } from './templates/template.js';
export type { ShortenFunction, TruncationStrategy } from './templates/truncate-parts.js';
export type { KnowledgeableVerbalizerOptions } from './verbalizers/knowledgeable-verbalizer.js';
export { KnowledgeableVerbalizer } from './verbalizers/knowledgeable-verbalizer.js';
export type { LabelWords, LabelWordTable } from './verbalizers/label-words.js';
export { addPrefix, labelWordTable, resolveLabelWords } from './verbalizers/label-words.js';
export type {
  CodeTable,
  CodeTableEntry,
  LabelWordsFromCodeTableOptions,
} from './verbalizers/label-words-from-code-table.js';
export { labelWordsFromCodeTable } from './verbalizers/label-words-from-code-table.js';
export type { ManualVerbalizerOptions, MultiTokenHandler } from './verbalizers/manual-verbalizer.js';
export { ManualVerbalizer } from './verbalizers/manual-verbalizer.js';
export type { MaskOutputs } from './verbalizers/mask-outputs.js';
export { maskOutputsFromHidden, maskOutputsFromLogits } from './verbalizers/mask-outputs.js';
export type { MaskedLMDecoderSource, SoftVerbalizerOptions } from './verbalizers/soft-verbalizer.js';
export { SoftVerbalizer } from './verbalizers/soft-verbalizer.js';
export type { VerbalizerJson, VerbalizerOptions } from './verbalizers/verbalizer.js';
export { Verbalizer } from './verbalizers/verbalizer.js';
