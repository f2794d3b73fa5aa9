/**
 * The OpenAPI 3.1 document of the coding service: the one source of truth for its request shapes. The
 * service serves it at `/openapi.json` and gives Fastify the request schemas taken out of it (see
 * {@link requestSchemasOf}), so the document and the validation cannot drift apart. Schemas stay in the
 * subset JSON Schema draft-07 and 2020-12 read the same way, so Fastify's Ajv reads them unchanged.
 */

/** Limits written into the document (and so enforced by validation). */
export interface OpenApiLimits {
  /** Longest note, in UTF-16 code units (`text.length`). */
  readonly maxNoteChars: number;
  /** Most notes in one batch request. */
  readonly maxNotesPerRequest: number;
  /** Largest request body in bytes (documented; enforced by the body parser). */
  readonly bodyLimit: number;
  /** Whether `/v1/code` asks for a bearer token. */
  readonly auth: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object of the document. */
export type OpenApiObject = { [key: string]: Json };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/**
 * The document for the given limits.
 *
 * @example
 * ```ts
 * const doc = codingServiceOpenApi({ maxNoteChars: 100_000, maxNotesPerRequest: 64, bodyLimit: 2 ** 20, auth: false });
 * doc.paths['/v1/code'].post.requestBody;
 * ```
 */
export function codingServiceOpenApi(limits: OpenApiLimits): OpenApiObject {
  const noteText = {
    type: 'string',
    maxLength: limits.maxNoteChars,
    description: `The note's text, at most ${limits.maxNoteChars} characters (longer: 422).`,
  };
  const noteId = { type: 'string', minLength: 1, maxLength: 256 };
  const language = { type: 'string', pattern: '^[a-z]{2}$', description: 'ISO 639-1 code (en, es).' };
  const security = limits.auth ? [{ bearer: [] }] : [];
  return {
    openapi: '3.1.0',
    info: {
      title: 'icd coding service',
      version: '1',
      description:
        'ICD-10 coding of clinical notes. Stateless: any number of replicas can sit behind a load balancer.',
    },
    paths: {
      '/v1/code': {
        post: {
          operationId: 'codeNotes',
          summary: 'Code one note (`text`) or a batch (`notes`).',
          security,
          parameters: [
            {
              name: 'format',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['json', 'fhir'], default: 'json' },
              description: '`fhir`: FHIR R4 Bundles of Condition resources (needs `patient`).',
            },
          ],
          requestBody: {
            required: true,
            description: `At most ${limits.bodyLimit} bytes (larger: 413).`,
            content: { 'application/json': { schema: ref('CodeRequest') } },
          },
          responses: {
            '200': {
              description: 'One prediction per note, in request order.',
              content: {
                'application/json': { schema: ref('CodeResponse') },
                'application/fhir+json': {
                  schema: {
                    type: 'object',
                    description: 'A FHIR R4 Bundle (one note) or a Bundle of Bundles.',
                  },
                },
              },
            },
            '400': errorResponse('Malformed JSON, wrong types, or a FHIR request without a patient.'),
            '401': errorResponse('Missing or wrong bearer token.'),
            '413': errorResponse('The body is larger than the limit.'),
            '415': errorResponse('The body is not application/json.'),
            '422': errorResponse('A note is longer than the limit, or the batch has too many notes.'),
            '429': errorResponse('The coding queue is full; retry later.'),
            '503': errorResponse('The model is not loaded yet, or the server is shutting down.'),
            '504': errorResponse(
              'The request took longer than the per-request timeout; its work was stopped.',
            ),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness: the process answers.',
          responses: { '200': { description: 'Alive.' } },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: the model is loaded and the server is not shutting down.',
          responses: { '200': { description: 'Ready.' }, '503': errorResponse('Not ready.') },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (text exposition format 0.0.4).',
          responses: { '200': { description: 'Metrics.', content: { 'text/plain': {} } } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document.',
          responses: { '200': { description: 'OK' } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        PatientReference: {
          description:
            'The FHIR Patient the notes are about (`Condition.subject`), e.g. `Patient/123`; required for `format=fhir`.',
          anyOf: [
            { type: 'string', minLength: 1, maxLength: 1024 },
            {
              type: 'object',
              required: ['reference'],
              additionalProperties: false,
              properties: {
                reference: { type: 'string', minLength: 1, maxLength: 1024 },
                display: { type: 'string', maxLength: 1024 },
              },
            },
          ],
        },
        CodeOptions: {
          type: 'object',
          additionalProperties: false,
          properties: {
            topK: { type: 'integer', minimum: 1, maximum: 100_000 },
            threshold: { type: 'number', minimum: 0, maximum: 1 },
            evidence: { type: 'boolean' },
            maxEvidence: { type: 'integer', minimum: 0, maximum: 100 },
          },
        },
        Note: {
          type: 'object',
          required: ['id', 'text'],
          additionalProperties: false,
          properties: { id: noteId, text: noteText, language, patient: ref('PatientReference') },
        },
        CodeRequest: {
          type: 'object',
          description: 'Either `text` (one note) or `notes` (a batch), not both.',
          additionalProperties: false,
          properties: {
            id: noteId,
            text: noteText,
            language,
            notes: {
              type: 'array',
              minItems: 1,
              maxItems: limits.maxNotesPerRequest,
              items: ref('Note'),
              description: `At most ${limits.maxNotesPerRequest} notes (more: 422); ids unique.`,
            },
            patient: ref('PatientReference'),
            options: ref('CodeOptions'),
          },
          oneOf: [
            { required: ['text'], not: { required: ['notes'] } },
            { required: ['notes'], not: { required: ['text'] } },
          ],
        },
        Evidence: {
          type: 'object',
          required: ['start', 'end', 'text', 'score', 'source'],
          properties: {
            start: { type: 'integer' },
            end: { type: 'integer' },
            text: { type: 'string' },
            score: { type: 'number' },
            source: { type: 'string', enum: ['attention', 'dictionary', 'keyword', 'sentence'] },
            negated: { type: 'boolean' },
            uncertain: { type: 'boolean' },
          },
        },
        CodePrediction: {
          type: 'object',
          required: ['code', 'score', 'threshold', 'predicted', 'evidence'],
          properties: {
            code: { type: 'string' },
            score: { type: 'number' },
            threshold: { type: 'number' },
            predicted: { type: 'boolean' },
            evidence: { type: 'array', items: ref('Evidence') },
          },
        },
        NotePrediction: {
          type: 'object',
          required: ['noteId', 'codes', 'ranked', 'evidenceSource'],
          properties: {
            noteId: { type: 'string' },
            codes: { type: 'array', items: { type: 'string' }, description: 'The predicted codes.' },
            ranked: { type: 'array', items: ref('CodePrediction') },
            evidenceSource: {
              type: 'string',
              enum: ['attention', 'dictionary', 'keyword', 'sentence', 'none'],
            },
            redacted: { type: 'integer', description: 'Identifiers replaced before inference.' },
          },
        },
        CodeResponse: {
          type: 'object',
          required: ['predictions'],
          properties: { predictions: { type: 'array', items: ref('NotePrediction') } },
        },
        Error: {
          type: 'object',
          required: ['statusCode', 'error', 'message'],
          properties: {
            statusCode: { type: 'integer' },
            error: { type: 'string', description: 'A stable machine-readable code (`note_too_long`).' },
            message: { type: 'string' },
            details: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  };
}

/** Replaces every `#/components/...` `$ref` of `value` by the referenced object, recursively. */
function inline(value: Json, doc: OpenApiObject, seen: readonly string[] = []): Json {
  if (Array.isArray(value)) return value.map((item) => inline(item, doc, seen));
  if (value === null || typeof value !== 'object') return value;
  const target = value.$ref;
  if (typeof target === 'string') {
    if (seen.includes(target)) throw new Error(`openapi: circular $ref ${target}`);
    const path = target.replace(/^#\//, '').split('/');
    let resolved: Json = doc;
    for (const part of path) resolved = (resolved as { [key: string]: Json })[part] ?? null;
    return inline(resolved, doc, [...seen, target]);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inline(item, doc, seen)]));
}

/**
 * The JSON schemas of `POST /v1/code`'s body and query string, taken out of the document with every
 * `$ref` inlined (what Fastify validates with).
 */
export function requestSchemasOf(doc: OpenApiObject): { body: OpenApiObject; querystring: OpenApiObject } {
  const post = (doc.paths as OpenApiObject)['/v1/code'] as OpenApiObject;
  const operation = post.post as OpenApiObject;
  const content = ((operation.requestBody as OpenApiObject).content as OpenApiObject)[
    'application/json'
  ] as OpenApiObject;
  const body = inline(content.schema as Json, doc) as OpenApiObject;
  const parameters = operation.parameters as OpenApiObject[];
  const querystring: OpenApiObject = {
    type: 'object',
    properties: Object.fromEntries(
      parameters
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => [parameter.name as string, inline(parameter.schema as Json, doc)]),
    ),
  };
  return { body, querystring };
}
