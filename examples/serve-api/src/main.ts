/**
 * Serving and calling the coding API, as a hospital system would:
 *
 *   1. `icd train`: a tiny model folder in about a second (a dictionary coder over the 13 MDR-BERT
 *      cardiology codes, its priors from 200 synthetic notes), in a temp folder;
 *   2. `icd serve` as a child process on 127.0.0.1, on a port the OS picks, with a bearer token;
 *   3. a client that only speaks HTTP (fetch): waits for `GET /ready`, then `POST /v1/code` with one
 *      note and with a batch, `?format=fhir` with a patient reference (and the 400 without one), the
 *      401 without the token, `GET /health` and a few lines of `GET /metrics`;
 *   4. SIGTERM: the server finishes in-flight requests and exits.
 *
 * Every answer is checked; anything unexpected ends the run with exit code 1 (CI runs it). The server,
 * the temp folder and the model are removed at the end, also on failure. Loopback only.
 *
 * Run: `pnpm --filter @icd/example-serve-api start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, runCli } from '@icd/pipeline/node';

// Seconds since this process started (performance.now() counts from there, module loading included).
const seconds = () => (performance.now() / 1000).toFixed(1);
const step = (text: string) => console.log(`\n[${seconds()} s] ${text}`);

/** The `icd` command line: here the bin run from this workspace's sources; in your project `npx icd`. */
const ICD = [...process.execArgv, fileURLToPath(new URL('./icd.ts', import.meta.url))];

/** Stops the run on an answer we did not expect. */
function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`unexpected answer: ${what}`);
}

// ---------------------------------------------------------------------------------------------------
// 1. A model folder, trained in about a second.

const work = await mkdtemp(join(tmpdir(), 'icd-serve-api-'));
const model = join(work, 'model');
let server: ChildProcess | undefined;
// A hung server must not hang CI: give up after a minute.
const watchdog = setTimeout(() => {
  console.error('serve-api: no result after 60 s, giving up');
  server?.kill('SIGKILL');
  void rm(work, { recursive: true, force: true }).finally(() => process.exit(1));
}, 60_000);

try {
  const config = {
    seed: 13,
    data: { source: 'synthetic', size: 200 },
    codeSet: { source: 'mdr-bert' },
    model: { kind: 'dictionary', name: 'cardiology-dictionary' },
    out: model,
  };
  const configFile = join(work, 'icd.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  step('$ icd train --config icd.json   (a dictionary coder: fast, and it explains itself with spans)');
  check((await runCli(['train', '--config', configFile])) === EXIT_CODES.ok, 'icd train failed');

  // -------------------------------------------------------------------------------------------------
  // 2. The server: `icd serve --model <dir> --port 0 --json` prints { url, labels } once it listens.

  const token = randomBytes(16).toString('hex');
  step('$ ICD_SERVE_TOKENS=<token> icd serve --model model --host 127.0.0.1 --port 0 --json --log');
  const child = spawn(
    process.execPath,
    [...ICD, 'serve', '--model', model, '--host', '127.0.0.1', '--port', '0', '--json', '--log'],
    { env: { ...process.env, ICD_SERVE_TOKENS: token }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  // --log: the server's request log (pino JSON lines) on stderr. It never holds note text (PHI).
  let serverLog = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    serverLog += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { url } = await new Promise<{ url: string; labels: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      out += text;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    void exited.then((code) =>
      reject(new Error(`icd serve exited with ${code} before listening:\n${serverLog}`)),
    );
  });

  // -------------------------------------------------------------------------------------------------
  // 3. The client: plain HTTP from here on.

  /** One HTTP call; the body is JSON, the answer parsed as JSON unless it is Prometheus text. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; token?: string } = {},
  ) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const type = response.headers.get('content-type') ?? '';
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: an example client reads the answers loosely
    const body: any = type.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, type, headers: response.headers, body };
  }

  // Readiness: 503 while the model loads, 200 once it serves (what a load balancer polls).
  let ready = await call('GET', '/ready');
  for (let tries = 0; ready.status !== 200 && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    ready = await call('GET', '/ready');
  }
  step(`GET /ready → ${ready.status} ${JSON.stringify(ready.body)}`);
  check(ready.status === 200 && ready.body.ready === true && ready.body.labels === 13, 'GET /ready');

  const health = await call('GET', '/health');
  console.log(`GET /health → ${health.status} ${JSON.stringify(health.body)}`);
  check(health.status === 200 && health.body.status === 'ok', 'GET /health');

  const note = {
    id: 'note-1',
    text: 'Known atrial fibrillation on apixaban. Irregularly irregular pulse, no P waves on the ECG.',
  };
  const anonymous = await call('POST', '/v1/code', { body: note });
  step(`POST /v1/code without the token → ${anonymous.status} ${anonymous.body.error}`);
  check(anonymous.status === 401 && anonymous.body.error === 'unauthorized', '401 without a token');
  check(anonymous.headers.get('www-authenticate') === 'Bearer', 'WWW-Authenticate: Bearer');

  /** Prints one prediction: the codes it predicts, with score, threshold and evidence spans. */
  // biome-ignore lint/suspicious/noExplicitAny: the JSON answer of POST /v1/code
  function show(prediction: any, text: string) {
    console.log(`  ${prediction.noteId} (evidence from ${prediction.evidenceSource}): ${text}`);
    for (const code of prediction.ranked.filter((entry: { predicted: boolean }) => entry.predicted)) {
      const spans = code.evidence.map((span: { text: string; start: number; end: number }) => {
        check(text.slice(span.start, span.end) === span.text, `evidence offsets of ${code.code}`);
        return `"${span.text}" @${span.start}`;
      });
      console.log(
        `    → ${code.code}  score ${code.score.toFixed(3)} (threshold ${code.threshold.toFixed(3)})  evidence ${spans.join(', ') || '—'}`,
      );
    }
  }

  const one = await call('POST', '/v1/code', { body: { ...note, options: { topK: 3 } }, token });
  step(`POST /v1/code, one note → ${one.status}`);
  check(one.status === 200 && one.body.predictions.length === 1, 'one prediction for one note');
  show(one.body.predictions[0], note.text);
  check(one.body.predictions[0].noteId === 'note-1', 'the note id comes back');
  check(one.body.predictions[0].codes.includes('I48.0'), 'atrial fibrillation coded I48.0');
  check(one.body.predictions[0].ranked.length === 3, 'topK 3 ranks 3 codes');

  const batch = [
    { id: 'note-2', text: 'Acute left heart failure with pulmonary oedema; IV furosemide started.' },
    { id: 'note-3', text: 'Infective endocarditis of the mitral valve; blood cultures grew streptococci.' },
    { id: 'note-4', text: 'Runs of ventricular tachycardia on telemetry, loaded with amiodarone.' },
  ];
  const expected = ['I50.1', 'I33.0', 'I47.2'];
  const many = await call('POST', '/v1/code', { body: { notes: batch, options: { topK: 3 } }, token });
  step(`POST /v1/code, a batch of ${batch.length} notes → ${many.status}`);
  check(many.status === 200 && many.body.predictions.length === batch.length, 'one prediction per note');
  batch.forEach((entry, i) => {
    const prediction = many.body.predictions[i];
    check(prediction.noteId === entry.id, `predictions in request order (${entry.id})`);
    check(prediction.codes.includes(expected[i]), `${entry.id} coded ${expected[i]}`);
    show(prediction, entry.text);
  });

  const fhir = await call('POST', '/v1/code?format=fhir', {
    body: { ...note, patient: 'Patient/example-123' },
    token,
  });
  step(`POST /v1/code?format=fhir with patient Patient/example-123 → ${fhir.status} ${fhir.type}`);
  check(fhir.status === 200 && fhir.type.startsWith('application/fhir+json'), 'FHIR content type');
  check(fhir.body.resourceType === 'Bundle' && fhir.body.entry.length >= 1, 'a Bundle of Conditions');
  for (const { resource } of fhir.body.entry) {
    const [coding] = resource.code.coding;
    console.log(
      `  Condition ${coding.code} "${coding.display}" (${coding.system}), subject ${resource.subject.reference}, ${resource.verificationStatus.coding[0].code}, ${resource.evidence?.length ?? 0} evidence span(s)`,
    );
    check(resource.resourceType === 'Condition', 'entries are Conditions');
    check(resource.subject.reference === 'Patient/example-123', 'Condition.subject is the patient');
    check(resource.verificationStatus.coding[0].code === 'provisional', 'provisional status');
  }
  check(
    fhir.body.entry.some(
      (entry: { resource: { code: { coding: { code: string }[] } } }) =>
        entry.resource.code.coding[0]!.code === 'I48.0',
    ),
    'the FHIR Bundle has the I48.0 Condition',
  );

  const noPatient = await call('POST', '/v1/code?format=fhir', { body: note, token });
  step(`POST /v1/code?format=fhir without a patient → ${noPatient.status} ${noPatient.body.error}`);
  console.log(`  ${noPatient.body.message}`);
  check(noPatient.status === 400 && noPatient.body.error === 'patient_required', '400 patient_required');

  const metrics = await call('GET', '/metrics');
  step(`GET /metrics → ${metrics.status} ${metrics.type.split(';')[0]} (a few of its lines)`);
  check(metrics.status === 200 && metrics.type.startsWith('text/plain'), 'Prometheus text');
  const lines = (metrics.body as string).split('\n');
  const shown = lines.filter(
    (line) =>
      /^icd_http_requests_total\{[^}]*route="\/v1\/code"/.test(line) ||
      /^icd_(notes_coded_total|model_ready|queue_depth) /.test(line) ||
      /^icd_requests_rejected_total/.test(line),
  );
  for (const line of shown) console.log(`  ${line}`);
  const coded = Number(lines.find((line) => line.startsWith('icd_notes_coded_total '))?.split(' ')[1]);
  check(coded === 1 + batch.length + 1, `icd_notes_coded_total is ${1 + batch.length + 1}, got ${coded}`);

  const logLines = serverLog.split('\n').filter((line) => line.startsWith('{'));
  const sample = logLines.find((line) => line.includes('request completed')) ?? logLines[0] ?? '';
  step(`the server's request log: ${logLines.length} JSON lines, e.g.\n  ${sample}`);
  check(logLines.length > 0, 'icd serve --log writes a request log');
  for (const entry of [note, ...batch])
    check(!serverLog.includes(entry.text.slice(0, 20)), `no note text in the server log (${entry.id})`);
  console.log('  no note text in it (PHI stays out of the logs)');

  // -------------------------------------------------------------------------------------------------
  // 4. Graceful shutdown, as on a deploy: SIGTERM, in-flight requests finish, the process exits.

  step('SIGTERM → the server finishes in-flight requests and exits');
  child.kill('SIGTERM');
  const code = await exited;
  server = undefined;
  check(
    code === EXIT_CODES.interrupted,
    `icd serve exits with ${EXIT_CODES.interrupted} (interrupted) after SIGTERM, got ${code}\n${serverLog}`,
  );
  const refused = await fetch(`${url}/health`).then(
    () => false,
    () => true,
  );
  check(refused, 'the port is closed after shutdown');
  step(`done: every answer as expected; server stopped (exit ${code}).`);
} catch (error) {
  console.error(`\nserve-api FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  if (server && server.exitCode === null) {
    const gone = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGKILL');
    await gone;
  }
  await rm(work, { recursive: true, force: true });
}
