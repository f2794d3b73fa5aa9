import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  assertInteger,
  type Coder,
  IcdError,
  invalidArgument,
  type NoteInput,
  type NotePrediction,
} from '@icd/core';
import type { RedactPhiOptions } from '@icd/data';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type CodeDisplayTable, type PatientReference, toFhirBundle } from '../fhir/to-fhir-bundle.js';
import { PROMETHEUS_CONTENT_TYPE, ServiceMetrics } from './metrics.js';
import {
  BatcherClosedError,
  type BatchPredictOptions,
  MicroBatcher,
  QueueFullError,
} from './micro-batcher.js';
import { codingServiceOpenApi, type OpenApiObject, requestSchemasOf } from './openapi.js';
import { type RedactedNote, redactNote, unredactPrediction } from './redact-notes.js';

/** What a FHIR converter receives for one note (see {@link CodingServiceOptions.toFhirBundle}). */
export interface FhirContext {
  readonly note: NoteInput;
  readonly patient: { readonly reference: string; readonly display?: string };
}

/** Options of {@link createCodingService}. */
export interface CodingServiceOptions {
  /** The model: a coder, a promise of one, or a loader called once (the service then owns and disposes it). */
  readonly coder: Coder | Promise<Coder> | (() => Coder | Promise<Coder>);
  /** Most notes per `predict` call of the micro-batcher. Default 16. */
  readonly maxBatchSize?: number;
  /** Longest wait of a note for its batch to fill. Default 5 ms. */
  readonly maxWaitMs?: number;
  /** Most notes waiting for the model; more are answered 429. Default 256. */
  readonly maxQueue?: number;
  /** `predict` calls at once. Default 1. */
  readonly concurrency?: number;
  /** Largest body in bytes (larger: 413). Default 1 MiB. */
  readonly bodyLimit?: number;
  /** Longest note in characters (longer: 422). Default 100,000. */
  readonly maxNoteChars?: number;
  /** Most notes in one request (more: 422). Default 64. */
  readonly maxNotesPerRequest?: number;
  /** Per-request coding timeout; the work is aborted through `predict`'s signal (504). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Time a client has to send its headers (slow clients get 408 and are disconnected). Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send its whole request. Default 30 s. */
  readonly receiveTimeoutMs?: number;
  /** Idle socket timeout. Default 60 s. */
  readonly connectionTimeoutMs?: number;
  /** Keep-alive idle timeout. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Bearer tokens accepted on `/v1/*` (none: no auth). `/health`, `/ready`, `/metrics` stay open. */
  readonly authTokens?: readonly string[];
  /** Redact identifiers with `@icd/data`'s `redactPhi` before inference (`true`: its defaults). */
  readonly redact?: boolean | RedactPhiOptions;
  /** Predict options used when a request gives none. */
  readonly predictDefaults?: BatchPredictOptions;
  /** Fastify's logger option (pino): `true`, `false` (default) or `{ level, stream }`. */
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * `?format=fhir` through the pipeline's `toFhirBundle`: the displays of the codes (a model folder's
   * code set, or `@icd/data`'s ICD-10-CM table), the code system (default ICD-10-CM) and whether codes
   * below their threshold are written too.
   */
  readonly fhir?: {
    readonly codeTable: CodeDisplayTable;
    readonly system?: string;
    readonly includeNotPredicted?: boolean;
  };
  /** A converter of one note's prediction to a FHIR R4 Bundle, instead of `fhir` (neither: 501). */
  readonly toFhirBundle?: (prediction: NotePrediction, context: FhirContext) => unknown;
}

/** What {@link createCodingService} adds to the Fastify instance under `coding`. */
export interface CodingServiceState {
  /** Resolves with the coder once loaded; rejects when loading failed. */
  readonly model: Promise<Coder>;
  readonly batcher: () => MicroBatcher | undefined;
  readonly metrics: ServiceMetrics;
  readonly openapi: OpenApiObject;
}

/** The Fastify instance of the coding service. */
export type CodingService = FastifyInstance & { readonly coding: CodingServiceState };

interface CodeBody {
  id?: string;
  text?: string;
  language?: string;
  notes?: { id: string; text: string; language?: string; patient?: PatientReference }[];
  patient?: PatientReference;
  options?: BatchPredictOptions;
}

/** An error answered with a status and a stable code; its message never contains note text. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details?: readonly object[],
  ) {
    super(message);
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();

function patientOf(reference: PatientReference | undefined): FhirContext['patient'] | undefined {
  if (reference === undefined) return undefined;
  if (typeof reference === 'string') return { reference };
  return reference;
}

/** The response of one note: the prediction plus its predicted codes. */
function toResponse(prediction: NotePrediction, redacted: RedactedNote | undefined) {
  return {
    noteId: prediction.noteId,
    codes: prediction.ranked.filter((code) => code.predicted).map((code) => code.code),
    ranked: prediction.ranked,
    evidenceSource: prediction.evidenceSource,
    ...(redacted ? { redacted: redacted.spans.length } : {}),
  };
}

/** Maps Fastify's own errors (parsing, validation, limits) to answers that never echo the body. */
function httpErrorOf(error: FastifyError, limits: { bodyLimit: number; maxNoteChars: number }): HttpError {
  if (error instanceof HttpError) return error;
  if (error.validation) {
    const details = error.validation.map((issue) => ({
      path: issue.instancePath || '/',
      keyword: issue.keyword,
      message: issue.message ?? '',
    }));
    const first = error.validation[0];
    if (first?.keyword === 'maxLength' && /\/text$/.test(first.instancePath))
      return new HttpError(
        422,
        'note_too_long',
        `${first.instancePath} is longer than ${limits.maxNoteChars} characters`,
        details,
      );
    if (first?.keyword === 'maxItems' && first.instancePath === '/notes')
      return new HttpError(422, 'too_many_notes', `/notes ${first.message ?? 'has too many items'}`, details);
    return new HttpError(
      400,
      'invalid_request',
      `${error.validationContext ?? 'body'}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`,
      details,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'body_too_large', `The body is larger than ${limits.bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'malformed_json', 'The body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'empty_body', 'The body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'invalid_content_length', 'The body does not match its Content-Length');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new HttpError(status, error.code ?? 'bad_request', 'Bad request');
  return new HttpError(500, 'internal_error', 'Internal error');
}

/**
 * The HTTP coding service on Fastify: `POST /v1/code` (one note `{ text }` or a batch `{ notes }` →
 * codes, scores, thresholds and evidence; `?format=fhir` for FHIR R4 Bundles), `GET /health`,
 * `GET /ready`, `GET /metrics` (Prometheus) and `GET /openapi.json` (the OpenAPI 3.1 document the
 * request validation is generated from). Concurrent requests share `predict` calls through a
 * {@link MicroBatcher}; the queue is bounded (429), each request has a timeout that aborts its work
 * (504), `close()` finishes in-flight requests, and no note text reaches the logs or error bodies.
 *
 * The model loads once, when the service is created; `/ready` answers 200 once it has.
 *
 * @example
 * ```ts
 * const app = createCodingService({ coder: LexicalCoder.train(notes), maxBatchSize: 16, maxWaitMs: 5 });
 * await app.listen({ port: 8080, host: '0.0.0.0' });
 * process.once('SIGTERM', () => app.close());
 * ```
 */
export function createCodingService(options: CodingServiceOptions): CodingService {
  const fn = 'createCodingService';
  if (options?.coder === undefined || options.coder === null)
    invalidArgument(fn, 'coder', 'a Coder, a promise of one or a loader function', options?.coder);
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const maxNoteChars = options.maxNoteChars ?? 100_000;
  const maxNotesPerRequest = options.maxNotesPerRequest ?? 64;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const receiveTimeoutMs = Math.max(options.receiveTimeoutMs ?? 30_000, headersTimeoutMs);
  for (const [name, value] of Object.entries({
    bodyLimit,
    maxNoteChars,
    maxNotesPerRequest,
    requestTimeoutMs,
    headersTimeoutMs,
  }))
    assertInteger(fn, name, value, { min: 1 });
  const tokens = (options.authTokens ?? []).map(digest);
  const redaction =
    options.redact === true ? {} : options.redact === false ? undefined : (options.redact ?? undefined);
  const fhir = options.fhir;
  const toFhir =
    options.toFhirBundle ??
    (fhir
      ? (prediction: NotePrediction, { patient }: FhirContext) =>
          toFhirBundle(prediction, {
            patientReference: patient,
            codeTable: fhir.codeTable,
            ...(fhir.system ? { system: fhir.system } : {}),
            ...(fhir.includeNotPredicted ? { includeNotPredicted: true } : {}),
          })
      : undefined);
  const metrics = new ServiceMetrics();
  const openapi = codingServiceOpenApi({
    maxNoteChars,
    maxNotesPerRequest,
    bodyLimit,
    auth: tokens.length > 0,
  });
  const schemas = requestSchemasOf(openapi);

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    connectionTimeout: options.connectionTimeoutMs ?? 60_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    requestTimeout: receiveTimeoutMs,
    http: {
      headersTimeout: headersTimeoutMs,
      // Node checks the two timeouts above every `connectionsCheckingInterval` (default 30 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeoutMs / 2))),
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Node's clientError carries the raw request bytes; log the code only.
    clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const status = timeout ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        statusCode: status,
        error: timeout ? 'client_timeout' : 'client_error',
        message: timeout ? 'The request was not received in time' : 'Malformed HTTP request',
      });
      app.log.debug({ code: error.code }, 'client error');
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n\r\n${body}`,
        );
      socket.destroy();
    },
  });
  app.removeContentTypeParser('text/plain');

  let coder: Coder | undefined;
  let batcher: MicroBatcher | undefined;
  let loadError: unknown;
  let closing = false;
  const owned = typeof options.coder === 'function';
  const model = Promise.resolve()
    .then(() => (typeof options.coder === 'function' ? options.coder() : options.coder))
    .then((loaded) => {
      if (!loaded || typeof loaded.predict !== 'function')
        invalidArgument(fn, 'coder', 'something with a predict method', loaded);
      coder = loaded;
      batcher = new MicroBatcher(loaded, {
        ...(options.maxBatchSize !== undefined ? { maxBatchSize: options.maxBatchSize } : {}),
        ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
        ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        onBatch(size, seconds) {
          metrics.batchSize.observe(size);
          metrics.predictDuration.observe(seconds);
          metrics.notes.inc({}, size);
        },
      });
      app.log.info({ labels: loaded.labels.length }, 'model loaded');
      return loaded;
    });
  model.catch((error: unknown) => {
    loadError = error;
    app.log.error(
      { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
      'model load failed',
    );
  });
  let inFlight = 0;
  metrics.gauge('icd_queue_depth', 'Notes waiting for a predict call.', () => batcher?.depth ?? 0);
  metrics.gauge('icd_predict_in_flight', 'predict calls running.', () => batcher?.inFlight ?? 0);
  metrics.gauge('icd_requests_in_flight', 'Coding requests being answered.', () => inFlight);
  metrics.gauge('icd_model_ready', '1 once the model is loaded.', () => (coder ? 1 : 0));
  metrics.gauge('process_resident_memory_bytes', 'Resident set size.', () => process.memoryUsage().rss);
  metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use.', () => process.memoryUsage().heapUsed);

  app.decorate('coding', { model, batcher: () => batcher, metrics, openapi } satisfies CodingServiceState);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = httpErrorOf(error, { bodyLimit, maxNoteChars });
    if (answer.statusCode >= 500)
      request.log.error({ err: { name: error.name, code: error.code } }, 'request failed');
    else request.log.info({ error: answer.error, statusCode: answer.statusCode }, 'request refused');
    // A too-large body is not read to its end: answer and close the connection.
    if (answer.statusCode === 413) reply.header('connection', 'close');
    if (answer.statusCode === 401) reply.header('www-authenticate', 'Bearer');
    if (answer.statusCode === 429) reply.header('retry-after', '1');
    void reply.code(answer.statusCode).send({
      statusCode: answer.statusCode,
      error: answer.error,
      message: answer.message,
      ...(answer.details ? { details: answer.details } : {}),
    });
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ statusCode: 404, error: 'not_found', message: 'No such route' });
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe(reply.elapsedTime / 1000, { route });
  });
  // While closing, answers close their connection so that shutdown does not wait on keep-alive.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    await batcher?.close();
    if (owned) coder?.dispose();
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    if (coder && !closing) return { ready: true, labels: coder.labels.length };
    const reason = closing ? 'closing' : loadError ? 'model_failed' : 'loading';
    return reply.code(503).send({ statusCode: 503, error: 'not_ready', message: `Not ready: ${reason}` });
  });
  app.get('/metrics', async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(metrics.expose()));
  app.get('/openapi.json', async () => openapi);

  app.post<{ Body: CodeBody; Querystring: { format?: 'json' | 'fhir' } }>(
    '/v1/code',
    {
      schema: { body: schemas.body, querystring: schemas.querystring },
      // Refuse before reading the body.
      onRequest: async (request) => {
        if (tokens.length === 0) return;
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const given = match ? digest(match[1]!) : undefined;
        if (!given || !tokens.some((token) => timingSafeEqual(token, given)))
          throw new HttpError(401, 'unauthorized', 'A valid bearer token is required');
      },
    },
    async (request, reply) => {
      if (closing) throw new HttpError(503, 'closing', 'The server is shutting down');
      if (!batcher) {
        metrics.rejected.inc({ reason: 'not_ready' });
        throw new HttpError(503, 'not_ready', 'The model is not loaded yet');
      }
      const body = request.body;
      const format = request.query.format ?? 'json';
      const given = body.notes ?? [
        {
          id: body.id ?? 'note',
          text: body.text ?? '',
          ...(body.language ? { language: body.language } : {}),
        },
      ];
      const seen = new Set<string>();
      for (const note of given) {
        if (seen.has(note.id)) throw new HttpError(400, 'duplicate_note_id', 'Note ids must be unique');
        seen.add(note.id);
      }
      const notes: NoteInput[] = given.map((note) => ({
        id: note.id,
        text: note.text,
        ...(note.language ? { language: note.language } : {}),
      }));
      const patients = given.map((note) =>
        patientOf(('patient' in note ? note.patient : undefined) ?? body.patient),
      );
      if (format === 'fhir') {
        if (patients.some((patient) => patient === undefined))
          throw new HttpError(
            400,
            'patient_required',
            'format=fhir needs a patient reference (`patient`: "Patient/<id>"): FHIR R4 Condition.subject is required',
          );
        if (!toFhir) throw new HttpError(501, 'fhir_unavailable', 'This server has no FHIR converter');
        // Refuse a malformed reference before any model work: convert an empty prediction.
        for (const [index, note] of notes.entries()) {
          try {
            toFhir(
              { noteId: note.id, ranked: [], evidenceSource: 'none' },
              { note, patient: patients[index]! },
            );
          } catch (error) {
            if (IcdError.isInstance(error) && error.name === 'InvalidArgumentError')
              throw new HttpError(
                400,
                'invalid_patient_reference',
                'The patient reference must look like "Patient/<id>" (FHIR R4 Condition.subject)',
              );
            throw error;
          }
        }
      }
      const redacted = redaction ? notes.map((note) => redactNote(note, redaction)) : undefined;
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const disconnect = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) disconnect.abort(new DOMException('Client went away', 'AbortError'));
      };
      reply.raw.on('close', onClose);
      inFlight++;
      let predictions: NotePrediction[];
      try {
        predictions = await batcher.submit(
          redacted ? redacted.map((entry) => entry.note) : notes,
          body.options ?? options.predictDefaults ?? {},
          AbortSignal.any([timeout, disconnect.signal]),
        );
      } catch (error) {
        if (error instanceof QueueFullError) {
          metrics.rejected.inc({ reason: 'queue_full' });
          throw new HttpError(429, 'queue_full', 'The coding queue is full; retry later');
        }
        if (error instanceof BatcherClosedError) {
          metrics.rejected.inc({ reason: 'closing' });
          throw new HttpError(503, 'closing', 'The server is shutting down');
        }
        if (timeout.aborted) {
          metrics.rejected.inc({ reason: 'timeout' });
          throw new HttpError(504, 'timeout', `Coding took longer than ${requestTimeoutMs} ms; stopped`);
        }
        if (disconnect.signal.aborted) {
          metrics.rejected.inc({ reason: 'client_gone' });
          return reply;
        }
        if (IcdError.isInstance(error) && error.name === 'InvalidArgumentError')
          throw new HttpError(422, 'invalid_note', 'The model refused a note of this request');
        throw error;
      } finally {
        inFlight--;
        reply.raw.off('close', onClose);
      }
      const restored = redacted
        ? predictions.map((prediction, index) =>
            unredactPrediction(prediction, notes[index]!, redacted[index]!),
          )
        : predictions;
      if (format === 'fhir') {
        const bundles = restored.map((prediction, index) =>
          toFhir!(prediction, { note: notes[index]!, patient: patients[index]! }),
        );
        reply.type('application/fhir+json');
        if (!body.notes) return bundles[0];
        return {
          resourceType: 'Bundle',
          type: 'collection',
          entry: bundles.map((resource) => ({ resource })),
        };
      }
      return { predictions: restored.map((prediction, index) => toResponse(prediction, redacted?.[index])) };
    },
  );
  return app as unknown as CodingService;
}
