import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand } from '../command.js';
import { UsageError } from '../exit-codes.js';

/** A whole-number flag, or `undefined` when absent. */
export function integerFlag(values: Readonly<Record<string, unknown>>, flag: string): number | undefined {
  const value = values[flag];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new UsageError(`--${flag} must be a whole number, got ${JSON.stringify(value)}`);
  return parsed;
}

/** `icd serve`: the HTTP coding service over a model folder (see `createCodingService`). */
export const serveCommand: CliCommand = {
  name: 'serve',
  maxPositionals: 0,
  summary: 'serve a model folder over HTTP: POST /v1/code, /health, /ready, /metrics, /openapi.json',
  usage: [
    'Usage: icd serve --model <dir> [--port 8080] [--host 127.0.0.1] [--max-batch-size 16] [--max-wait-ms 5]',
    '                 [--max-queue 256] [--timeout-ms 30000] [--body-limit 1048576] [--max-note-chars 100000]',
    '                 [--max-notes 64] [--token-file <file>] [--redact] [--log] [--engine tfjs|onnx]',
    '',
    'Bearer tokens: one per line in --token-file, or comma-separated in ICD_SERVE_TOKENS (none: no auth).',
    '--redact replaces identifiers (@icd/data redactPhi) before inference. --log writes JSON request logs',
    '(pino) to stderr; note text is never logged. SIGTERM / SIGINT finish in-flight requests, then exit.',
    'See docs/guide/service.md.',
  ].join('\n'),
  options: {
    model: { type: 'string', short: 'm' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'max-batch-size': { type: 'string' },
    'max-wait-ms': { type: 'string' },
    'max-queue': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'body-limit': { type: 'string' },
    'max-note-chars': { type: 'string' },
    'max-notes': { type: 'string' },
    'token-file': { type: 'string' },
    engine: { type: 'string' },
    redact: { type: 'boolean' },
    log: { type: 'boolean' },
  },
  run: async (context) => {
    const { values } = context;
    if (typeof values.model !== 'string') throw new UsageError('--model <dir> is required');
    const number = (flag: string) => integerFlag(values, flag);
    const tokens = [
      ...(process.env.ICD_SERVE_TOKENS ?? '').split(','),
      ...(typeof values['token-file'] === 'string'
        ? (await readFile(values['token-file'], 'utf8')).split(/\r?\n/)
        : []),
    ]
      .map((token) => token.trim())
      .filter((token) => token.length > 0);
    // Loaded here, so that other commands do not pay for Fastify at start-up.
    const [{ loadModelFolder }, { serve }] = await Promise.all([
      import('../../node/model-folder-dir.js'),
      import('../../service/serve.js'),
    ]);
    const modelDir = resolve(values.model);
    context.log(`loading ${modelDir}`);
    const coder = await loadModelFolder(modelDir, {
      engine: (values.engine as 'tfjs' | 'onnx' | undefined) ?? 'tfjs',
    });
    const optional = <T>(name: string, value: T | undefined) =>
      value === undefined ? {} : { [name]: value };
    const running = await serve({
      coder: () => coder,
      port: number('port') ?? 8080,
      host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      signals: [],
      fhir: {
        codeTable: new Map(coder.metadata.codeSet.codes.map((entry) => [entry.code, entry.display])),
        system: coder.metadata.codeSet.system,
      },
      ...optional('maxBatchSize', number('max-batch-size')),
      ...optional('maxWaitMs', number('max-wait-ms')),
      ...optional('maxQueue', number('max-queue')),
      ...optional('requestTimeoutMs', number('timeout-ms')),
      ...optional('bodyLimit', number('body-limit')),
      ...optional('maxNoteChars', number('max-note-chars')),
      ...optional('maxNotesPerRequest', number('max-notes')),
      ...(tokens.length > 0 ? { authTokens: tokens } : {}),
      ...(values.redact === true ? { redact: true } : {}),
      ...(values.log === true ? { logger: { level: 'info', stream: process.stderr } } : {}),
    });
    if (context.json)
      context.stdout.write(`${JSON.stringify({ url: running.url, labels: coder.labels.length })}\n`);
    context.log(
      `icd serve: ${coder.labels.length} codes, listening on ${running.url}${tokens.length > 0 ? ' (bearer auth)' : ''}`,
    );
    const stop = () => {
      context.log('icd serve: shutting down (finishing in-flight requests)');
      void running.close();
    };
    if (context.signal.aborted) stop();
    else context.signal.addEventListener('abort', stop, { once: true });
    await running.closed;
    context.log('icd serve: stopped');
  },
};
