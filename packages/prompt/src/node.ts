/**
 * `@icd/prompt/node`: prompt models to and from folders. Everything of the main entry, plus
 * {@link savePromptModel} / {@link loadPromptModel} and a `PromptForClassification` with `save(dir)`
 * and `PromptForClassification.load(dir)`.
 *
 * @packageDocumentation
 */

export * from './index.js';
export { loadPromptModel, PromptForClassification, savePromptModel } from './node/prompt-model-folder.js';
