/**
 * `@icd/hub/node`: everything of `@icd/hub`, plus downloads into the huggingface_hub cache folder
 * (`HF_HUB_CACHE` / `$HF_HOME/hub`, `models--org--name/{blobs,snapshots,refs}`), shared with Python.
 *
 * @packageDocumentation
 */

export * from './index.js';
export { repoCacheFolder } from './node/cache-layout.js';
export type { CacheOptions } from './node/download-to-cache.js';
export { downloadToCache } from './node/download-to-cache.js';
export { hubEnvironment } from './node/hub-environment.js';
export type { PretrainedFolderOptions } from './node/pretrained-folder.js';
export { pretrainedFolder } from './node/pretrained-folder.js';
export type { ReadFolderFilesOptions } from './node/read-folder-files.js';
export { readFolderFiles } from './node/read-folder-files.js';
export type { ResolveFolderOptions } from './node/resolve-pretrained-folder.js';
export { resolvePretrainedFolder } from './node/resolve-pretrained-folder.js';
