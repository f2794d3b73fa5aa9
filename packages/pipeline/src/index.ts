/**
 * `@icd/pipeline`: the browser-safe coding core — model folders (loaded from files, bytes or URLs),
 * prediction through the `@icd/core` `Coder` contract, and output as JSON, JSONL, CodiEsp runs or
 * FHIR R4 `Condition` bundles. The CLI, the HTTP service and the batch workers are in
 * `@icd/pipeline/node`.
 *
 * @packageDocumentation
 */

export const PIPELINE_PACKAGE = '@icd/pipeline';
