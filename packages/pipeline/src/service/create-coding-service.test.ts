import { Writable } from 'node:stream';
import { InvalidArgumentError } from '@icd/core';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingCoder, trainTestCoder } from '../test-support/test-coders.js';
import {
  type CodingService,
  type CodingServiceOptions,
  createCodingService,
} from './create-coding-service.js';

const lexical = trainTestCoder();
const apps: CodingService[] = [];
function service(options: Partial<CodingServiceOptions> = {}): CodingService {
  const app = createCodingService({ coder: lexical, ...options });
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const post = (app: CodingService, payload: unknown, url = '/v1/code', headers = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('createCodingService: POST /v1/code', () => {
  it('codes one note: the coder’s own predictions, plus the predicted codes', async () => {
    const app = service();
    await app.coding.model;
    const text = 'Now in atrial fibrillation again, hypertension too.';
    const response = await post(app, { id: 'n1', text });
    expect(response.statusCode).toBe(200);
    const [expected] = await lexical.predict([{ id: 'n1', text }]);
    const body = response.json();
    expect(body.predictions).toHaveLength(1);
    const [prediction] = body.predictions;
    expect(prediction.noteId).toBe('n1');
    expect(prediction.ranked).toEqual(JSON.parse(JSON.stringify(expected!.ranked)));
    expect(prediction.codes).toEqual(expected!.ranked.filter((c) => c.predicted).map((c) => c.code));
    expect(prediction.codes).toContain('I48.91');
    expect(prediction.evidenceSource).toBe('keyword');
    for (const code of prediction.ranked)
      for (const span of code.evidence) expect(text.slice(span.start, span.end)).toBe(span.text);
  });

  it('codes a batch in request order and honours options', async () => {
    const app = service();
    const notes = [
      { id: 'a', text: 'Type 2 diabetes, metformin.' },
      { id: 'b', text: 'Essential hypertension.' },
      { id: 'c', text: 'Atrial fibrillation.' },
    ];
    const response = await post(app, { notes, options: { topK: 1, evidence: false } });
    expect(response.statusCode).toBe(200);
    const { predictions } = response.json();
    expect(predictions.map((p: { noteId: string }) => p.noteId)).toEqual(['a', 'b', 'c']);
    expect(predictions.map((p: { ranked: { code: string }[] }) => p.ranked[0]!.code)).toEqual([
      'E11.9',
      'I10',
      'I48.91',
    ]);
    for (const p of predictions) {
      expect(p.ranked).toHaveLength(1);
      expect(p.ranked[0].evidence).toEqual([]);
    }
    const duplicate = await post(app, { notes: [notes[0], notes[0]] });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().error).toBe('duplicate_note_id');
  });

  it('batches 8 concurrent requests into at most 2 predict calls', async () => {
    const coder = new RecordingCoder(lexical);
    const app = service({ coder, maxBatchSize: 8, maxWaitMs: 50 });
    await app.coding.model;
    const texts = Array.from({ length: 8 }, (_, i) => `Note ${i}: atrial fibrillation.`);
    const responses = await Promise.all(texts.map((text, i) => post(app, { id: `n${i}`, text })));
    expect(responses.map((r) => r.statusCode)).toEqual(new Array(8).fill(200));
    expect(coder.calls.length).toBeLessThanOrEqual(2);
    expect(coder.calls.flatMap((call) => call.texts).sort()).toEqual([...texts].sort());
    expect(responses.map((response) => response.json().predictions[0].noteId)).toEqual(
      texts.map((_, i) => `n${i}`),
    );
  });

  it('answers 429 when the queue is full, and serves again once it drains', async () => {
    const coder = new RecordingCoder(lexical, { delayMs: 200 });
    const app = service({ coder, maxBatchSize: 1, maxWaitMs: 0, maxQueue: 2 });
    await app.coding.model;
    const first = post(app, { text: 'hypertension' }); // runs
    await new Promise((resolve) => setTimeout(resolve, 20));
    const queued = [post(app, { text: 'a' }), post(app, { text: 'b' })]; // fill the queue
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await post(app, { text: 'c' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('queue_full');
    expect(refused.headers['retry-after']).toBe('1');
    const done = await Promise.all([first, ...queued]);
    expect(done.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect((await post(app, { text: 'd' })).statusCode).toBe(200);
  });

  it('times out with 504 and stops the work through predict’s signal', async () => {
    const coder = new RecordingCoder(lexical, { delayMs: 5_000, stepMs: 10 });
    const app = service({ coder, requestTimeoutMs: 100 });
    await app.coding.model;
    const started = performance.now();
    const response = await post(app, { text: 'hypertension' });
    expect(response.statusCode).toBe(504);
    expect(response.json().error).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
    await app.coding.batcher()!.idle();
    expect(coder.calls).toHaveLength(1);
    expect(coder.calls[0]!.aborted).toBe(true);
    const steps = coder.calls[0]!.steps;
    expect(steps).toBeLessThan(50); // stopped at ~100 ms of 5 s
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(coder.calls[0]!.steps).toBe(steps);
  });

  it('limits: 422 for a note too long or too many notes, 413 for a body too large, 415 for text/plain', async () => {
    const app = service({ maxNoteChars: 50, maxNotesPerRequest: 2, bodyLimit: 2_000 });
    const long = await post(app, { text: 'x'.repeat(51) });
    expect(long.statusCode).toBe(422);
    expect(long.json()).toMatchObject({ statusCode: 422, error: 'note_too_long' });
    expect((await post(app, { text: 'x'.repeat(50) })).statusCode).toBe(200);
    const longInBatch = await post(app, { notes: [{ id: 'a', text: 'y'.repeat(60) }] });
    expect(longInBatch.statusCode).toBe(422);
    const many = await post(app, {
      notes: [1, 2, 3].map((i) => ({ id: `n${i}`, text: 'ok' })),
    });
    expect(many.statusCode).toBe(422);
    expect(many.json().error).toBe('too_many_notes');
    const big = await post(app, { text: 'z'.repeat(3_000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('body_too_large');
    const plain = await app.inject({
      method: 'POST',
      url: '/v1/code',
      payload: 'hypertension',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.statusCode).toBe(415);
  });

  it('wrong types and shapes are 400 with the failing path, never coerced', async () => {
    const app = service();
    for (const [payload, path] of [
      [{ text: 123 }, '/text'],
      [{ text: ['a'] }, '/text'],
      [{ notes: 'abc' }, '/notes'],
      [{ notes: [{ id: 'a', text: null }] }, '/notes/0/text'],
      [{ notes: [{ text: 'no id' }] }, '/notes/0'],
      [{ text: 'ok', options: { topK: 0 } }, '/options/topK'],
      [{ text: 'ok', options: { topK: '3' } }, '/options/topK'],
      [{ text: 'ok', extra: 1 }, '/'],
      [{}, '/'],
      [{ text: 'a', notes: [{ id: 'x', text: 'b' }] }, '/'],
      [[1, 2], '/'],
    ] as const) {
      const response = await post(app, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const body = response.json();
      expect(body.error).toBe('invalid_request');
      expect(body.details[0].path).toBe(path);
    }
    const format = await post(app, { text: 'ok' }, '/v1/code?format=xml');
    expect(format.statusCode).toBe(400);
  });

  it('FHIR output needs a patient reference (400 without one)', async () => {
    const app = service({ toFhirBundle: (prediction, { patient }) => ({ prediction, patient }) });
    const refused = await post(app, { text: 'hypertension' }, '/v1/code?format=fhir');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe('patient_required');
    const partly = await post(
      app,
      {
        notes: [
          { id: 'a', text: 'x', patient: 'Patient/1' },
          { id: 'b', text: 'y' },
        ],
      },
      '/v1/code?format=fhir',
    );
    expect(partly.statusCode).toBe(400);
    const ok = await post(app, { text: 'hypertension', patient: 'Patient/7' }, '/v1/code?format=fhir');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(ok.json().patient).toEqual({ reference: 'Patient/7' });
    const none = service();
    const unavailable = await post(none, { text: 'x', patient: 'Patient/7' }, '/v1/code?format=fhir');
    expect(unavailable.statusCode).toBe(501);
  });

  it('bearer-token auth: 401 without or with a wrong token, before reading the body', async () => {
    const app = service({ authTokens: ['s3cret', 'other'] });
    const none = await post(app, { text: 'hypertension' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await post(app, { text: 'x' }, '/v1/code', { authorization: 'Bearer nope' })).statusCode).toBe(
      401,
    );
    expect(
      (await post(app, '{bad json', '/v1/code', { 'content-type': 'application/json' })).statusCode,
    ).toBe(401);
    const ok = await post(app, { text: 'hypertension' }, '/v1/code', { authorization: 'Bearer s3cret' });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('redacts identifiers before inference and maps evidence back to the original text', async () => {
    const coder = new RecordingCoder(lexical);
    const app = service({ coder, redact: true });
    const text = 'Seen by Dr. Alice Chen on 03/04/2021. Known atrial fibrillation on apixaban.';
    const response = await post(app, { id: 'r1', text });
    expect(response.statusCode).toBe(200);
    const seen = coder.calls[0]!.texts[0]!;
    expect(seen).not.toContain('Alice');
    expect(seen).not.toContain('03/04/2021');
    expect(seen).toContain('[NAME]');
    const [prediction] = response.json().predictions;
    expect(prediction.redacted).toBeGreaterThanOrEqual(2);
    const spans = prediction.ranked.flatMap((code: { evidence: unknown[] }) => code.evidence);
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(spans.map((span: { text: string }) => span.text).join(' ')).toMatch(/fibrillation/);
  });
});

describe('createCodingService: health, readiness, metrics, OpenAPI', () => {
  it('/ready is 503 while the model loads and 200 once loaded; the loader runs once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let loads = 0;
    const inner = new RecordingCoder(lexical);
    const app = service({
      coder: async () => {
        loads++;
        await gate;
        return inner;
      },
    });
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(503);
    expect((await post(app, { text: 'x' })).statusCode).toBe(503);
    release();
    await app.coding.model;
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, labels: 3 });
    await post(app, { text: 'x' });
    await post(app, { text: 'y' });
    expect(loads).toBe(1);
    await app.close();
    expect(inner.disposed).toBe(1); // a loaded model is owned and disposed
  });

  it('a model that fails to load keeps /ready at 503', async () => {
    const app = service({
      coder: async () => {
        throw new Error('no such folder');
      },
    });
    await expect(app.coding.model).rejects.toThrow('no such folder');
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().message).toMatch(/model_failed/);
  });

  it('/metrics: Prometheus text with request counts by status, latency and batch-size histograms, queue depth', async () => {
    const app = service({ maxBatchSize: 4, maxWaitMs: 300 });
    await app.coding.model;
    await Promise.all([1, 2, 3].map((i) => post(app, { id: `n${i}`, text: 'hypertension' })));
    await post(app, { text: 5 });
    const response = await app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('icd_http_requests_total{method="POST",route="/v1/code",status="200"}')).toBe(3);
    expect(value('icd_http_requests_total{method="POST",route="/v1/code",status="400"}')).toBe(1);
    expect(value('icd_http_request_duration_seconds_count{route="/v1/code"}')).toBe(4);
    expect(value('icd_http_request_duration_seconds_bucket{route="/v1/code",le="+Inf"}')).toBe(4);
    // 3 concurrent notes within 300 ms (room for a loaded CI machine): one predict call of 3 notes.
    expect(value('icd_predict_batch_size_count')).toBe(1);
    expect(value('icd_predict_batch_size_sum')).toBe(3);
    expect(value('icd_predict_batch_size_bucket{le="2"}')).toBe(0);
    expect(value('icd_predict_batch_size_bucket{le="4"}')).toBe(1);
    expect(value('icd_notes_coded_total')).toBe(3);
    expect(value('icd_queue_depth')).toBe(0);
    expect(value('icd_model_ready')).toBe(1);
    expect(text).toContain('# TYPE icd_http_request_duration_seconds histogram');
    expect(text.endsWith('\n')).toBe(true);
    // Every sample line follows the exposition format: name{labels} value.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(
        /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? [-+0-9.eEInfNa]+$/,
      );
    // Cumulative buckets never decrease.
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith('icd_http_request_duration_seconds_bucket{route="/v1/code"'))
      .map((l) => Number(l.split(' ')[1]));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
  });

  it('serves its OpenAPI document, and the service accepts exactly what the document’s schema accepts', async () => {
    const app = service({ maxNoteChars: 40, maxNotesPerRequest: 3 });
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/code', '/health', '/ready', '/metrics', '/openapi.json']),
    );
    // An independent validator compiled from the served document (components resolved by Ajv itself).
    const ajv = new Ajv({ strict: false });
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const validate = ajv.compile({
      $ref: 'doc#/components/schemas/CodeRequest',
    });
    const cases: unknown[] = [
      { text: 'hypertension' },
      { id: 'x', text: 'short', language: 'en' },
      { text: 'x'.repeat(41) },
      { text: 'x'.repeat(40) },
      { notes: [{ id: 'a', text: 'b' }] },
      { notes: [] },
      { notes: [1, 2, 3, 4].map((i) => ({ id: `${i}`, text: 't' })) },
      { text: 'a', language: 'english' },
      { text: 'a', patient: { reference: 'Patient/1' } },
      { text: 'a', patient: { id: 1 } },
      { text: 'a', options: { threshold: 2 } },
      { text: 'a', options: { maxEvidence: 2 } },
      { nope: true },
    ];
    for (const payload of cases) {
      const response = await post(app, payload);
      expect(response.statusCode === 200, JSON.stringify(payload)).toBe(validate(payload));
    }
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => createCodingService({} as CodingServiceOptions)).toThrow(InvalidArgumentError);
    expect(() => createCodingService({ coder: lexical, maxNoteChars: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('createCodingService: no note text in logs (PHI)', () => {
  it('logs requests, refusals and failures without any note text', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const marker = 'ZEBRA-PATIENT-SECRET';
    let fail = false;
    const coder = new RecordingCoder(lexical);
    const original = coder.predict.bind(coder);
    coder.predict = async (notes, options) => {
      if (fail)
        throw new InvalidArgumentError({ argument: 'notes', value: notes, message: `bad ${notes[0]!.text}` });
      return original(notes, options);
    };
    const app = service({ coder, logger: { level: 'trace', stream }, maxNoteChars: 200 });
    await app.coding.model;
    const secret = `Patient ${marker} has atrial fibrillation.`;
    expect((await post(app, { id: 'p1', text: secret })).statusCode).toBe(200);
    expect((await post(app, { text: `${secret}${'x'.repeat(300)}` })).statusCode).toBe(422);
    const malformed = await post(app, `{"text": "${marker}`, '/v1/code', {
      'content-type': 'application/json',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('malformed_json');
    expect(malformed.body).not.toContain(marker);
    expect((await post(app, { text: secret, options: { topK: marker } })).statusCode).toBe(400);
    fail = true;
    const failed = await post(app, { text: secret });
    expect(failed.statusCode).toBe(422);
    expect(failed.body).not.toContain(marker);
    fail = false;
    coder.predict = async () => {
      throw new Error(`engine crashed on ${secret}`);
    };
    const crashed = await post(app, { text: secret });
    expect(crashed.statusCode).toBe(500);
    expect(crashed.body).not.toContain(marker);
    await app.close();
    const log = chunks.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain('incoming request');
    expect(log).not.toContain(marker);
  });
});
