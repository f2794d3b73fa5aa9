/**
 * `@icd/pipeline/node`: everything of the main entry, plus model folders on disk, the `icd` CLI,
 * the HTTP service (`icd serve`) and batch coding on a BullMQ queue (`icd batch`).
 *
 * @packageDocumentation
 */

export type { EnqueueNotesOptions, NoteJobData } from './batch/enqueue-notes.js';
export { DEFAULT_BATCH_QUEUE, enqueueNotes, jobIdOf } from './batch/enqueue-notes.js';
export { pendingJobs, waitUntilDrained } from './batch/queue-progress.js';
export { parseNotesJsonl, readNotes } from './batch/read-notes.js';
export { redisConnectionFromUrl } from './batch/redis-connection.js';
export { assertNoteId, DirectoryResultStore, MAX_NOTE_ID_LENGTH } from './batch/result-store.js';
export type { BatchResult, BatchWorker, BatchWorkerOptions } from './batch/run-batch-worker.js';
export { runBatchWorker } from './batch/run-batch-worker.js';
export type { CliCommand, CliContext } from './cli/command.js';
export { CLI_COMMANDS, registerCommand } from './cli/commands/index.js';
export type { IcdConfig } from './cli/config.js';
export { ConfigError, readConfigFile, validateConfig } from './cli/config.js';
export { CONFIG_SCHEMA } from './cli/config-schema.js';
export { EXIT_CODES, UsageError } from './cli/exit-codes.js';
export type { ProgressSink } from './cli/progress-bar.js';
export { ProgressBar } from './cli/progress-bar.js';
export type { CliStreams } from './cli/run-cli.js';
export { runCli } from './cli/run-cli.js';
export * from './index.js';
export { modelCard } from './node/model-card.js';
export type { ModelFolderDirOptions, ModelFolderOnnxOptions } from './node/model-folder-dir.js';
export { loadModelFolder, readModelFolderFiles, saveModelFolder } from './node/model-folder-dir.js';
export type {
  CodingService,
  CodingServiceOptions,
  CodingServiceState,
  FhirContext,
} from './service/create-coding-service.js';
export { createCodingService } from './service/create-coding-service.js';
export { PROMETHEUS_CONTENT_TYPE, ServiceMetrics } from './service/metrics.js';
export type { BatchPredictOptions, MicroBatcherOptions } from './service/micro-batcher.js';
export { BatcherClosedError, MicroBatcher, QueueFullError } from './service/micro-batcher.js';
export type { OpenApiLimits, OpenApiObject } from './service/openapi.js';
export { codingServiceOpenApi, requestSchemasOf } from './service/openapi.js';
export type { RunningService, ServeOptions } from './service/serve.js';
export { serve } from './service/serve.js';
export type { Dataset } from './workflow/dataset.js';
export { loadDataset } from './workflow/dataset.js';
export type { EvaluationMetrics, Objective } from './workflow/evaluate.js';
export { evaluateCoder, OBJECTIVES } from './workflow/evaluate.js';
export { naiveBayesPosteriors } from './workflow/naive-bayes.js';
export type { SearchSpace, TrialParameters, TrialRecord } from './workflow/random-search.js';
export { DEFAULT_SEARCH_SPACE, sampleTrial } from './workflow/random-search.js';
