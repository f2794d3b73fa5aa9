import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingCoder, trainTestCoder } from '../test-support/test-coders.js';
import { type CodingService, createCodingService } from './create-coding-service.js';

// Real sockets on loopback: what a load balancer or an attacker can send.

let app: CodingService;
let port: number;
let base: string;
const coder = new RecordingCoder(trainTestCoder());

beforeAll(async () => {
  app = createCodingService({
    coder,
    bodyLimit: 1024 * 1024,
    headersTimeoutMs: 500,
    receiveTimeoutMs: 1_000,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await app.close();
});

const code = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}/v1/code`, { method: 'POST', body, headers });

async function stillServing(): Promise<void> {
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(200);
  const coded = await code(JSON.stringify({ text: 'Essential hypertension.' }));
  expect(coded.status).toBe(200);
  expect(((await coded.json()) as { predictions: { codes: string[] }[] }).predictions[0]!.codes).toContain(
    'I10',
  );
}

/** Streams `total` bytes of body and stops as soon as the server answers. */
function streamBody(
  total: number,
  mode: 'chunked' | 'content-length',
): Promise<{ status: number; sent: number; response: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const piece = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let response = '';
    const framed = Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
    const pump = () => {
      while (sent < total && response === '' && !socket.destroyed) {
        const ok = socket.write(mode === 'chunked' ? framed : piece);
        sent += piece.length;
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      const length = mode === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`;
      const start = '{"text":"';
      socket.write(
        `POST /v1/code HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${length}\r\n\r\n${
          mode === 'chunked' ? `${start.length.toString(16)}\r\n${start}\r\n` : start
        }`,
      );
      pump();
    });
    socket.on('data', (data) => {
      response += String(data);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), sent, response });
    });
  });
}

describe('hostile requests on loopback', () => {
  it('malformed JSON, wrong types, empty bodies, unknown routes: 4xx, and the server keeps serving', async () => {
    for (const body of ['{"text": ', '{text: "x"}', 'null', '[]', '"just a string"', '{"text":"a"}}']) {
      const response = await code(body);
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
      expect(((await response.json()) as { statusCode: number }).statusCode).toBe(response.status);
    }
    expect((await code('')).status).toBe(400);
    expect((await code(JSON.stringify({ text: { nested: true } }))).status).toBe(400);
    expect((await code(JSON.stringify({ notes: [{ id: 1, text: 2 }] }))).status).toBe(400);
    expect((await code('{"__proto__": {"polluted": true}, "text": "x"}')).status).toBe(400);
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/v1/code`)).status).toBe(404);
    await stillServing();
  });

  it('a 100 MB chunked body gets 413 long before it is all sent, without being buffered', async () => {
    const before = process.memoryUsage().rss;
    const { status, sent, response } = await streamBody(100 * 1024 * 1024, 'chunked');
    expect(status).toBe(413);
    expect(response).toContain('body_too_large');
    expect(sent).toBeLessThan(50 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    await stillServing();
  });

  it('a declared 100 MB Content-Length gets 413 at once', async () => {
    const { status, sent } = await streamBody(100 * 1024 * 1024, 'content-length');
    expect(status).toBe(413);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
    await stillServing();
  });

  it('slow-loris clients (headers or body trickled) are cut off, and other requests are still served', async () => {
    const sockets: Socket[] = [];
    const closed: Promise<{ ms: number; response: string }>[] = [];
    const started = performance.now();
    for (let index = 0; index < 20; index++) {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      const bodyTrickle = index % 2 === 1;
      let response = '';
      socket.on('data', (data) => {
        response += String(data);
      });
      socket.on('error', () => {});
      closed.push(
        new Promise((resolve) =>
          socket.on('close', () => resolve({ ms: performance.now() - started, response })),
        ),
      );
      socket.on('connect', () => {
        socket.write(
          bodyTrickle
            ? 'POST /v1/code HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{'
            : 'POST /v1/code HTTP/1.1\r\nHost: x\r\n',
        );
        const timer = setInterval(() => {
          if (socket.destroyed) return clearInterval(timer);
          socket.write(bodyTrickle ? ' ' : 'X');
        }, 50);
        socket.on('close', () => clearInterval(timer));
      });
    }
    // While the trickling goes on, normal requests are answered promptly.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const t0 = performance.now();
    await stillServing();
    expect(performance.now() - t0).toBeLessThan(2_000);
    const results = await Promise.all(closed);
    for (const { ms, response } of results) {
      expect(ms).toBeLessThan(5_000);
      if (response) expect(response).toMatch(/^HTTP\/1\.1 4\d\d/);
    }
    expect(results.filter((r) => r.response.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(0);
    for (const socket of sockets) socket.destroy();
    await stillServing();
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then stops accepting connections', async () => {
    const slow = new RecordingCoder(trainTestCoder(), { delayMs: 300 });
    const service = createCodingService({ coder: slow });
    await service.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(service.server.address() as { port: number }).port}`;
    const inFlight = fetch(`${url}/v1/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Atrial fibrillation.' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slow.calls).toHaveLength(1);
    const closing = service.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { predictions: { codes: string[] }[] }).predictions[0]!.codes,
    ).toContain('I48.91');
    await closing;
    expect(slow.calls[0]!.aborted).toBe(false);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
