/**
 * `@icd/heads/node`: everything of the main entry, plus heads and head coders to and from folders.
 *
 * @packageDocumentation
 */

export * from './index.js';
export { HeadCoder, loadHeadCoder, saveHeadCoder } from './io/head-coder-folder.js';
