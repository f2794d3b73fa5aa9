/**
 * `@icd/pipeline/node`: everything of the main entry, plus model folders on disk, the `icd` CLI,
 * the HTTP service (`icd serve`) and batch coding on a BullMQ queue (`icd batch`).
 *
 * @packageDocumentation
 */

export * from './index.js';
