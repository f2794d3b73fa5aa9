/**
 * Load test of the coding service (@icd/pipeline/node createCodingService) on loopback with autocannon:
 * throughput and p50/p95/p99 latency at 1, 8 and 32 concurrent clients per engine, each level bounded in
 * requests and seconds; then memory (RSS and V8 heap, read from the server's /metrics) over 10,000
 * requests. The server runs in a child process (server.ts), the load generator here.
 * Writes docs/benchmarks/serve.md.
 *
 * Run: nice -n 10 pnpm bench serve
 * Env: ICD_SERVE_ENGINES (default "lexical,tfjs,onnx"), ICD_SERVE_REQUESTS (per level, default 1000),
 *      ICD_SERVE_SECONDS (cap per level, default 15), ICD_SERVE_MEMORY_REQUESTS (default 10000),
 *      ICD_SERVE_MEMORY_ENGINES (default "tfjs,onnx"), ICD_SERVE_MEMORY_SECONDS (time cap per engine,
 *      default 240), ICD_ONNX_THREADS (ONNX Runtime intra-op threads of the onnx engine, default 1).
 * Bounded: 3 engines × 3 levels × 15 s, plus two memory runs of at most 240 s each (≈ 11 min at most).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCardiologyCorpus } from '@icd/data';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const engines = (process.env.ICD_SERVE_ENGINES ?? 'lexical,tfjs,onnx').split(',');
const perLevel = Number(process.env.ICD_SERVE_REQUESTS ?? 1_000);
const capSeconds = Number(process.env.ICD_SERVE_SECONDS ?? 15);
const memoryRequests = Number(process.env.ICD_SERVE_MEMORY_REQUESTS ?? 10_000);
const memoryEngines = (
  process.env.ICD_SERVE_MEMORY_ENGINES ??
  process.env.ICD_SERVE_MEMORY_ENGINE ??
  'tfjs,onnx'
).split(',');
const memorySeconds = Number(process.env.ICD_SERVE_MEMORY_SECONDS ?? 240);
const onnxThreads = Number(process.env.ICD_ONNX_THREADS ?? 1);
const levels = [1, 8, 32];

const lines: string[] = [];
const out = (line = '') => {
  console.log(line);
  lines.push(line);
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

// 64 notes of 80-200 words, sent in turn.
const bodies = generateCardiologyCorpus({ size: 64, seed: 11, words: [80, 200] }).map((note, index) =>
  JSON.stringify({ id: `bench-${index}`, text: note.text }),
);

async function startServer(engine: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(here, 'server.ts'), engine, root],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    },
  );
  const port = await new Promise<number>((resolvePort, reject) => {
    let text = '';
    child.stdout!.on('data', (data) => {
      text += String(data);
      const match = /port (\d+)/.exec(text);
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server (${engine}) exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  await exited;
}

interface Run {
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly non2xx: number;
  readonly errors: number;
}

/** `amount` requests from `connections` clients, stopped after `cap` seconds at the latest. */
function fire(url: string, connections: number, amount: number, cap: number): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    let next = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const instance = autocannon(
      {
        url: `${url}/v1/code`,
        connections,
        amount,
        timeout: 60,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
          },
        ],
      },
      (error, result) => {
        clearTimeout(timer);
        if (error) return reject(error);
        resolveRun({
          requests: result.requests.total,
          seconds: (performance.now() - started) / 1000,
          latencies,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
      latencies.push(ms),
    );
    const timer = setTimeout(() => instance.stop(), cap * 1000);
  });
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** RSS and heap of the server after a full GC. */
async function memoryAfterGc(url: string): Promise<{ rss: number; heap: number }> {
  const { rss, heapUsed } = (await (await fetch(`${url}/bench/memory`, { method: 'POST' })).json()) as {
    rss: number;
    heapUsed: number;
  };
  return { rss, heap: heapUsed };
}

async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n'))
    if (line && !line.startsWith('#')) {
      const space = line.lastIndexOf(' ');
      values[line.slice(0, space)] = Number(line.slice(space + 1));
    }
  return values;
}

out(`## Coding service load test (${new Date().toISOString().slice(0, 10)})`);
out();
out(
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; load average at start ${load()} (a shared machine: figures are noisy).`,
);
out(
  `Command: \`nice -n 10 pnpm bench serve\` (bench/src/serve/main.ts); engines ${engines.join(', ')}; per level at most ${perLevel} requests or ${capSeconds} s; memory over ${memoryRequests} requests (${memoryEngines.join(', ')}, at most ${memorySeconds} s each).`,
);
out(
  'Server: `createCodingService` in a child process per engine (maxBatchSize 16, maxWaitMs 5, maxQueue 1024, logger off), all up at once, the engines taking turns at each level (order rotated per level) so that they meet about the same load; autocannon in this process, loopback. Bodies: 64 synthetic cardiology notes of 80-200 words (`generateCardiologyCorpus`), one note per request, sent in turn. Latency is per request as autocannon measures it; throughput is answered requests / wall time.',
);
out();
out('| engine | clients | requests | req/s | p50 ms | p95 ms | p99 ms | mean batch | non-2xx | load |');
out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
const describeEngine: Record<string, string> = {
  lexical:
    'lexical: `LexicalCoder` of @icd/heads (TF-IDF + logistic regression, pure JS) trained on 300 synthetic notes of 80-300 words',
  tfjs: 'tfjs: `PromptForClassification` of @icd/prompt (manual template, soft verbalizer over the 13 MDR-BERT codes, 128 tokens, multi-label) over the tiny CodiEsp BERT (`checkpoints/codiesp-en-tiny-v8000-s42`: hidden 128, 2 layers, vocabulary 8,000) on TensorFlow.js, wasm backend, saved as a pipeline model folder (`checkpoints/serve-bench/tfjs-prompt`) and served through `loadModelFolder` (a `PipelineCoder`: code-set filter, dictionary evidence), as `icd serve --model` does; weights as pretrained, verbalizer untrained (a speed figure, not a quality one)',
  onnx: `onnx: the same model folder loaded with \`loadModelFolder(dir, { engine: 'onnx' })\` (as \`icd predict --engine onnx\` does): the masked LM on ONNX Runtime (onnxruntime-node, fp32 export with \`inputs_embeds\` and mask positions, written once to \`plm/onnx/\`, ${onnxThreads} intra-op thread${onnxThreads === 1 ? '' : 's'}), template and verbalizer on TensorFlow.js (wasm); same notes, same scores within 1e-4 (tested)`,
};
// Every engine's server is up at once and the engines take turns at each level (the order rotated from
// one level to the next), so that on a shared machine they meet about the same load.
const servers = new Map<string, Awaited<ReturnType<typeof startServer>>>();
const rows = new Map<string, string[]>();
try {
  for (const engine of engines) {
    try {
      const server = await startServer(engine);
      servers.set(engine, server);
      await fire(server.url, 4, 64, 60); // warm-up
      rows.set(engine, []);
    } catch (error) {
      rows.set(engine, [`| ${engine} | — | skipped: ${(error as Error).message} | | | | | | | |`]);
    }
  }
  for (const [index, connections] of levels.entries()) {
    const order = [...engines.slice(index % engines.length), ...engines.slice(0, index % engines.length)];
    for (const engine of order) {
      const server = servers.get(engine);
      if (!server) continue;
      const before = await scrape(server.url);
      const run = await fire(server.url, connections, perLevel, capSeconds);
      const after = await scrape(server.url);
      const sorted = [...run.latencies].sort((a, b) => a - b);
      const batches = after.icd_predict_batch_size_count! - before.icd_predict_batch_size_count!;
      const notes = after.icd_predict_batch_size_sum! - before.icd_predict_batch_size_sum!;
      rows
        .get(engine)!
        .push(
          `| ${engine} | ${connections} | ${run.requests} | ${(run.requests / run.seconds).toFixed(1)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${(notes / Math.max(1, batches)).toFixed(1)} | ${run.non2xx + run.errors} | ${load()} |`,
        );
    }
  }
} finally {
  for (const server of servers.values()) await stopServer(server.child);
}
for (const engine of engines) for (const row of rows.get(engine) ?? []) out(row);
out();
for (const engine of engines) if (describeEngine[engine]) out(`- ${describeEngine[engine]}.`);
out();

// Memory over many requests: RSS and heap after a full GC, sampled after every tenth of the run.
for (const memoryEngine of memoryEngines) {
  out(`### Memory over ${memoryRequests.toLocaleString('en')} requests (${memoryEngine}, 8 clients)`);
  out();
  const memory = await startServer(memoryEngine);
  try {
    await fire(memory.url, 8, 200, 60);
    const samples: { done: number; rss: number; heap: number }[] = [];
    samples.push({ done: 0, ...(await memoryAfterGc(memory.url)) });
    const step = Math.ceil(memoryRequests / 10);
    let done = 0;
    const began = performance.now();
    while (done < memoryRequests) {
      const left = memorySeconds - (performance.now() - began) / 1000;
      if (left <= 0) break;
      const run = await fire(memory.url, 8, Math.min(step, memoryRequests - done), left);
      done += run.requests;
      samples.push({ done, ...(await memoryAfterGc(memory.url)) });
    }
    const seconds = (performance.now() - began) / 1000;
    out('| requests | RSS MiB | heap MiB |');
    out('| ---: | ---: | ---: |');
    for (const sample of samples) out(`| ${sample.done} | ${mib(sample.rss)} | ${mib(sample.heap)} |`);
    out();
    const second = samples[Math.min(2, samples.length - 1)]!;
    const last = samples[samples.length - 1]!;
    out(
      `${done < memoryRequests ? `Stopped by the ${memorySeconds} s cap at ${done} of ${memoryRequests} requests. ` : ''}From ${second.done} to ${last.done} requests: RSS ${mib(last.rss - second.rss)} MiB, heap ${mib(last.heap - second.heap)} MiB (each sample after a full GC, \`--expose-gc\`). ${done} requests in ${seconds.toFixed(0)} s; load at end ${load()}.`,
    );
  } finally {
    await stopServer(memory.child);
  }
  out();
}

const file = join(root, 'docs', 'benchmarks', 'serve.md');
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`\nwrote ${file}`);
