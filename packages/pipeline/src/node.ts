/**
 * `@icd/pipeline/node`: everything of the main entry, plus model folders on disk, the `icd` CLI,
 * the HTTP service (`icd serve`) and batch coding on a BullMQ queue (`icd batch`).
 *
 * @packageDocumentation
 */

export * from './index.js';
export type {
  CodingService,
  CodingServiceOptions,
  CodingServiceState,
  FhirContext,
  PatientReference,
} from './service/create-coding-service.js';
export { createCodingService } from './service/create-coding-service.js';
export { PROMETHEUS_CONTENT_TYPE, ServiceMetrics } from './service/metrics.js';
export type { BatchPredictOptions, MicroBatcherOptions } from './service/micro-batcher.js';
export { BatcherClosedError, MicroBatcher, QueueFullError } from './service/micro-batcher.js';
export type { OpenApiLimits, OpenApiObject } from './service/openapi.js';
export { codingServiceOpenApi, requestSchemasOf } from './service/openapi.js';
