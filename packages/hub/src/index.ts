/**
 * `@icd/hub`: HuggingFace Hub model repos by id. The main entry is browser-safe (`fetch` + the Cache
 * API); `@icd/hub/node` downloads into the huggingface_hub cache that Python's `transformers` uses.
 *
 * @packageDocumentation
 */

export type { FetchHubOptions, ResponseCache } from './fetch-pretrained-files.js';
export { fetchPretrainedFiles, fetchRepoFiles } from './fetch-pretrained-files.js';
export type { HubErrorReason } from './hub-error.js';
export { HubError } from './hub-error.js';
export type { HubOptions } from './hub-options.js';
export { isHubId } from './hub-options.js';
export { defaultIgnorePatterns, matchesPattern } from './repo-patterns.js';
export type { RevisionInfo } from './revision-info.js';
