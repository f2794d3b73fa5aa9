/**
 * End-to-end check of the browser demo in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; no browser download), CI runs it after `vite build`:
 * 1. serves dist/ on loopback and records every request the page makes;
 * 2. waits for the worker to load the model (every candidate timed: tfjs webgpu / webgl / wasm and
 *    onnxruntime-web wasm), pastes a synthetic cardiology note, codes it;
 * 3. codes the same note with the Node pipeline (`loadModelFolder` of @icd/pipeline/node on the same
 *    folder): the same predicted codes, scores within 1e-3, the same evidence spans — with the backend
 *    the page chose, then again with onnxruntime-web forced (`?backends=ort-wasm`);
 * 4. "redeploys" (the server serves a changed page and a new pipeline.json version) and checks that a
 *    returning visitor gets the new page and a model cache of the new version, the old one deleted;
 * 5. checks that no request carried the note (URL, headers or body) and that every request was a GET;
 * 6. stops the server and goes offline, reloads, and codes again from the caches;
 * 7. takes the screenshot the docs show (docs/images/browser-demo.png).
 * With --bench it also measures model load and coding latency of a 500- and a 2,000-word note per
 * backend (onnxruntime-web included), and the page's gzipped bundle size, into
 * docs/benchmarks/browser-demo.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { NotePrediction } from '@icd/core';
import { generateCardiologyCorpus } from '@icd/data';
import { loadModelFolder } from '@icd/pipeline/node';
import { chromium, type Page } from 'playwright-core';
import { highlightSegments } from '../src/highlight-spans.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(root, 'dist');
const repository = join(root, '..', '..');
const bench = process.argv.includes('--bench');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
];
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

/** The redeployed page's marker (step 4). */
const deployMarker = '<meta name="icd-deploy" content="2" />';

async function serveDist() {
  let redeployed = false;
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist + sep) && file !== dist) return void response.writeHead(403).end();
    try {
      let body: Buffer | string = readFileSync(file);
      // A redeploy: a changed page, and a model folder of another version (its pipeline.json).
      if (redeployed && file === join(dist, 'index.html'))
        body = body.toString('utf8').replace('<head>', `<head>\n    ${deployMarker}`);
      if (redeployed && file === join(dist, 'model', 'pipeline.json'))
        body = JSON.stringify({ ...JSON.parse(body.toString('utf8')), created: '2030-01-01T00:00:00.000Z' });
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    return closed;
  };
  return {
    origin: `http://127.0.0.1:${port}`,
    redeploy: () => {
      redeployed = true;
    },
    close,
  };
}

interface PageResult {
  prediction: NotePrediction;
  ms: number;
}

interface Trial {
  backend: string;
  ms?: number;
  loadMs?: number;
  error?: string;
}
interface Ready {
  backend: string;
  loadMs: number;
  trials: Trial[];
  modelVersion: string;
}

async function waitReady(page: Page, timeout = 180_000): Promise<Ready> {
  await page.waitForFunction(
    () => {
      const demo = (window as unknown as { icdDemo?: { ready: boolean; errors: string[] } }).icdDemo;
      return demo && (demo.ready || demo.errors.length > 0);
    },
    undefined,
    { timeout },
  );
  const state = await page.evaluate(
    () => (window as unknown as { icdDemo: Ready & { errors: string[] } }).icdDemo,
  );
  if (state.errors.length > 0) throw new Error(`the page failed: ${state.errors.join('; ')}`);
  return {
    backend: state.backend,
    loadMs: state.loadMs,
    trials: state.trials,
    modelVersion: state.modelVersion,
  };
}

async function codeInPage(page: Page, text: string): Promise<PageResult> {
  await page.evaluate(() => {
    (window as unknown as { icdDemo: { lastResult?: unknown } }).icdDemo.lastResult = undefined;
  });
  await page.fill('#note', text);
  await page.click('#code');
  await page.waitForFunction(
    () => {
      const demo = (window as unknown as { icdDemo: { lastResult?: unknown; errors: string[] } }).icdDemo;
      return demo.lastResult !== undefined || demo.errors.length > 0;
    },
    undefined,
    { timeout: 180_000 },
  );
  const result = await page.evaluate(
    () => (window as unknown as { icdDemo: { lastResult?: PageResult; errors: string[] } }).icdDemo,
  );
  if (!result.lastResult) throw new Error(`coding failed: ${result.errors.join('; ')}`);
  return result.lastResult;
}

function compare(browser: NotePrediction, node: NotePrediction, engine: string): void {
  const codes = (p: NotePrediction) =>
    p.ranked
      .filter((c) => c.predicted)
      .map((c) => c.code)
      .sort();
  check(
    JSON.stringify(codes(browser)) === JSON.stringify(codes(node)),
    `${engine}: same predicted codes in Chromium and Node (${codes(node).join(', ') || 'none'})`,
  );
  const nodeScores = new Map(node.ranked.map((c) => [c.code, c.score]));
  const worst = Math.max(
    ...browser.ranked.map((c) => Math.abs(c.score - (nodeScores.get(c.code) ?? Number.NaN))),
  );
  check(worst <= 1e-3, `${engine}: every score within 1e-3 of Node's (max |Δ| ${worst.toExponential(2)})`);
  const spans = (p: NotePrediction) =>
    JSON.stringify(
      p.ranked
        .filter((c) => c.predicted)
        .map((c) => [c.code, c.evidence.map((e) => [e.start, e.end, e.source])]),
    );
  check(
    spans(browser) === spans(node),
    `${engine}: the same evidence spans (offsets and sources) for every predicted code`,
  );
}

function words(count: number): string {
  const notes = generateCardiologyCorpus({ size: 60, seed: 99 });
  const all = notes.flatMap((note) => note.text.split(/\s+/));
  return all.slice(0, count).join(' ');
}

// The page's marks for overlapping spans, against segments worked out by hand: each character once,
// in the mark of the earliest span that covers it.
function checkHighlightSegments(): void {
  const text = (spans: { start: number; end: number; negated: boolean }[], note: string) =>
    highlightSegments(spans, note.length).map((s) => [note.slice(s.start, s.end), s.negated]);
  const note = 'no chest pain, acute heart failure';
  // [0,13] 'no chest pain', [3,8] 'chest' (inside), [9,19] 'pain, acut' (overlaps the first's end)
  check(
    JSON.stringify(
      text(
        [
          { start: 3, end: 8, negated: true },
          { start: 0, end: 13, negated: false },
          { start: 9, end: 19, negated: false },
        ],
        note,
      ),
    ) ===
      JSON.stringify([
        ['no chest pain', false],
        [', acut', false],
      ]),
    'overlapping evidence spans give disjoint marks, no text shown twice',
  );
  check(
    JSON.stringify(
      text(
        [
          { start: 15, end: 99, negated: true },
          { start: 5, end: 5, negated: false },
        ],
        note,
      ),
    ) === JSON.stringify([['acute heart failure', true]]),
    'spans past the note are clipped, empty ones dropped',
  );
}

async function main(): Promise<void> {
  checkHighlightSegments();
  const note = generateCardiologyCorpus({ size: 3, seed: 2024 })[0]!.text;
  const modelFolder = join(dist, 'model');
  const nodeCoder = await loadModelFolder(modelFolder);
  const [nodePrediction] = await nodeCoder.predict([{ id: 'note', text: note }]);

  const server = await serveDist();
  const userData = mkdtempSync(join(tmpdir(), 'icd-demo-chromium-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 900 },
  });
  const requests: { url: string; method: string; body: string; headers: string }[] = [];
  context.on('request', (request) => {
    requests.push({
      url: request.url(),
      method: request.method(),
      body: request.postData() ?? '',
      headers: JSON.stringify(request.headers()),
    });
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.origin}/`);
    const started = performance.now();
    const ready = await waitReady(page);
    const timings = ready.trials
      .map(
        (t) =>
          `${t.backend} ${t.ms !== undefined ? `${t.ms.toFixed(0)} ms, built in ${t.loadMs?.toFixed(0)} ms` : `unavailable (${t.error})`}`,
      )
      .join(', ');
    console.log(`page ready on ${ready.backend} in ${(ready.loadMs / 1000).toFixed(1)} s (${timings})`);
    check(
      ['webgpu', 'webgl', 'wasm', 'ort-wasm'].every((name) => ready.trials.some((t) => t.backend === name)) &&
        ready.trials.some((t) => t.backend === 'ort-wasm' && t.ms !== undefined),
      'every candidate was tried at load, onnxruntime-web wasm among those that ran',
    );
    const timed = ready.trials.filter((t) => t.ms !== undefined);
    check(
      timed.every((t) => t.ms! >= timed.find((c) => c.backend === ready.backend)!.ms!),
      `the page keeps the fastest candidate on the calibration note (${ready.backend})`,
    );
    const backendLine = (await page.textContent('#backend')) ?? '';
    check(
      /Running on /.test(backendLine) &&
        backendLine.includes('onnxruntime-web wasm') &&
        / \d+ ms/.test(backendLine),
      'the page says which backend it uses and the timings of the others',
    );
    const result = await codeInPage(page, note);
    compare(result.prediction, nodePrediction!, ready.backend);
    // Keyboard only: Tab reaches the code list and Enter selects a code.
    await page.focus('#codes button');
    await page.keyboard.press('Enter');
    check(
      (await page.getAttribute('#codes button', 'aria-pressed')) === 'true',
      'a code is selected with the keyboard',
    );
    const marks = await page.$$eval('#note-view mark', (elements) =>
      elements.map((element) => element.textContent ?? ''),
    );
    const selected = result.prediction.ranked[0]!;
    check(
      selected.evidence.every((span) => marks.includes(note.slice(span.start, span.end))),
      `the selected code's evidence is highlighted in the note (${marks.length} marks)`,
    );
    await page.click('#copy-fhir');
    const fhir = JSON.parse((await page.textContent('#fhir')) ?? '{}');
    check(fhir.resourceType === 'Bundle' && Array.isArray(fhir.entry), 'Copy as FHIR gives a FHIR R4 Bundle');
    mkdirSync(join(repository, 'docs', 'images'), { recursive: true });
    await page.screenshot({ path: join(repository, 'docs', 'images', 'browser-demo.png'), fullPage: true });

    // onnxruntime-web forced: the encoder on ONNX Runtime (wasm), the same head, the same answers.
    await page.goto(`${server.origin}/?backends=ort-wasm`);
    const ort = await waitReady(page);
    console.log(
      `onnxruntime-web page ready in ${(ort.loadMs / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s in)`,
    );
    check(ort.backend === 'ort-wasm', `?backends=ort-wasm runs onnxruntime-web (got ${ort.backend})`);
    const ortResult = await codeInPage(page, note);
    compare(ortResult.prediction, nodePrediction!, 'onnxruntime-web wasm');

    if (bench) await benchmark(context, server.origin, ready);

    // A redeploy: a returning visitor gets the new page (navigations are network-first) and the new
    // model version in a cache of its own, the old version's cache deleted.
    const cacheNames = () => page.evaluate(() => caches.keys());
    check(
      (await cacheNames()).includes(ready.modelVersion),
      `the model is cached under its version (${ready.modelVersion})`,
    );
    server.redeploy();
    // tfjs wasm this time: the tfjs path is compared with Node too (the first page may have chosen onnxruntime-web).
    await page.goto(`${server.origin}/?backends=wasm`);
    const redeployed = await waitReady(page);
    console.log(
      `redeployed page ready in ${(redeployed.loadMs / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s in)`,
    );
    check(
      (await page.locator('meta[name="icd-deploy"]').count()) === 1,
      'after a redeploy the returning visitor gets the new page, not the cached one',
    );
    const namesAfter = await cacheNames();
    check(
      redeployed.modelVersion !== ready.modelVersion &&
        namesAfter.includes(redeployed.modelVersion) &&
        !namesAfter.includes(ready.modelVersion),
      `the new model version gets its own cache and the old one is deleted (${namesAfter.join(', ')})`,
    );
    compare((await codeInPage(page, note)).prediction, nodePrediction!, 'tfjs wasm');

    // Offline: the server is gone and the network too; the service worker answers the page, the
    // bundle and both wasm binaries (onnxruntime-web's for the encoder, tfjs's for the head), the
    // model cache the model.
    await server.close();
    await context.setOffline(true);
    await page.goto(`${server.origin}/?backends=ort-wasm`);
    const offlineReady = await waitReady(page);
    console.log(
      `offline page ready in ${(offlineReady.loadMs / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s in)`,
    );
    const offline = await codeInPage(page, note);
    check(
      offlineReady.backend === 'ort-wasm' && offlineReady.modelVersion === redeployed.modelVersion,
      'works offline after the first load, server stopped (onnxruntime-web, the cached model version)',
    );
    compare(offline.prediction, nodePrediction!, 'offline');
    await context.setOffline(false);

    const needle = note.slice(0, 40);
    const leaked = requests.filter(
      (request) =>
        request.url.includes(encodeURIComponent(needle).slice(0, 30)) ||
        request.url.includes(needle) ||
        request.body.includes(needle) ||
        request.headers.includes(needle),
    );
    check(leaked.length === 0, `no request carried the note (${requests.length} requests recorded)`);
    check(
      requests.every((request) => request.method === 'GET' && new URL(request.url).origin === server.origin),
      "every request is a GET to the page's own origin",
    );
    check(pageErrors.length === 0, `no page errors${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    console.log(`browser part: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    nodeCoder.dispose();
    await context.close();
    await server.close();
    rmSync(userData, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`browser demo: ${problems.length} check(s) failed`);
    process.exit(1);
  }
  console.log('browser demo: every check passed');
}

async function benchmark(
  context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>,
  origin: string,
  first: Ready,
) {
  const loadBefore = loadavg();
  const rows: string[] = [];
  const short = words(500);
  const long = words(2000);
  const labels: Record<string, string> = {
    webgpu: 'tfjs webgpu',
    webgl: 'tfjs webgl',
    wasm: 'tfjs wasm',
    'ort-wasm': 'onnxruntime-web wasm (encoder; head on tfjs wasm)',
  };
  for (const backend of ['webgpu', 'webgl', 'wasm', 'ort-wasm']) {
    const page = await context.newPage();
    await page.goto(`${origin}/?backends=${backend}`);
    try {
      const ready = await waitReady(page);
      const a = await codeInPage(page, short);
      const b = await codeInPage(page, long);
      rows.push(
        `| ${labels[backend]} | ${(ready.loadMs / 1000).toFixed(2)} | ${a.ms.toFixed(0)} | ${b.ms.toFixed(0)} |`,
      );
    } catch (error) {
      rows.push(
        `| ${labels[backend]} | unavailable: ${String((error as Error).message)
          .replace(/\s+/g, ' ')
          .replace(/\|/g, '/')
          .slice(0, 100)} | | |`,
      );
    }
    await page.close();
  }
  const assets = join(dist, 'assets');
  const bundle = readdirSync(assets)
    .filter((name) => /\.(js|css|wasm)$/.test(name))
    .map((name) => ({
      name,
      raw: statSync(join(assets, name)).size,
      gzip: gzipSync(readFileSync(join(assets, name))).length,
    }));
  const wasm = readdirSync(join(dist, 'wasm')).map((name) => ({
    name,
    gzip: gzipSync(readFileSync(join(dist, 'wasm', name))).length,
  }));
  const model = readdirSync(join(dist, 'model'), { recursive: true })
    .map((name) => join(dist, 'model', String(name)))
    .filter((path) => statSync(path).isFile())
    .reduce((total, path) => total + statSync(path).size, 0);
  const page = [
    '# Browser demo',
    '',
    `Measured ${new Date().toISOString()} in headless Chromium (${chromiumPath}, software rendering: no GPU), ${cpus().length} × ${cpus()[0]?.model}, load average ${loadBefore
      .map((v) => v.toFixed(1))
      .join(', ')} before and ${loadavg()
      .map((v) => v.toFixed(1))
      .join(', ')} after (a CPU shared with other jobs: the figures are noisy).`,
    'Command: `pnpm build && pnpm --filter @icd/example-browser-demo bench`.',
    `Model: the demo folder (${(model / 1024).toFixed(0)} KiB: BERT 2 × 64 as safetensors for tfjs and as ONNX for onnxruntime-web, label attention over 13 codes). Model load = worker start to ready with one backend tried (\`?backends=…\`); the check's first page put the model in the Cache API, so these loads read it from there, and include compiling the backend (tfjs wasm or onnxruntime-web's 14 MB wasm). Latency = one note coded in the worker (windows of 256 tokens, as in Node).`,
    '',
    `First visit (network, every candidate tried and timed on the calibration note): ready in ${(first.loadMs / 1000).toFixed(1)} s, chose ${first.backend}; calibration (second run) ${first.trials
      .map((t) =>
        t.ms !== undefined
          ? `${t.backend} ${t.ms.toFixed(0)} ms (built in ${(t.loadMs ?? 0).toFixed(0)} ms)`
          : `${t.backend} unavailable`,
      )
      .join(', ')}.`,
    '',
    '| backend | model load (s) | 500-word note (ms) | 2,000-word note (ms) |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Bundle without the model: ${bundle.map((b) => `${b.name} ${(b.gzip / 1024).toFixed(0)} KiB gzipped (${(b.raw / 1024).toFixed(0)} KiB)`).join('; ')} (onnxruntime-web's chunk and binary are fetched only when it is tried); tfjs wasm binaries ${wasm.map((w) => `${w.name} ${(w.gzip / 1024).toFixed(0)} KiB`).join(', ')} gzipped (one is fetched).`,
    '',
  ];
  writeFileSync(join(repository, 'docs', 'benchmarks', 'browser-demo.md'), page.join('\n'));
  console.log(page.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
