/**
 * End-to-end check of the browser demo in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; no browser download), CI runs it after `vite build`:
 * 1. serves dist/ on loopback and records every request the page makes;
 * 2. waits for the worker to load the model, pastes a synthetic cardiology note, codes it;
 * 3. codes the same note with the Node pipeline (`loadModelFolder` of @icd/pipeline/node on the same
 *    folder): the same predicted codes, scores within 1e-3, the same evidence spans;
 * 4. checks that no request carried the note (URL, headers or body) and that every request was a GET;
 * 5. goes offline, reloads, and codes again from the caches (service worker + Cache API);
 * 6. takes the screenshot the docs show (docs/images/browser-demo.png).
 * With --bench it also measures model load and coding latency of a 500- and a 2,000-word note per
 * backend, and the page's gzipped bundle size, into docs/benchmarks/browser-demo.md.
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

async function serveDist() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist + sep) && file !== dist) return void response.writeHead(403).end();
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface PageResult {
  prediction: NotePrediction;
  ms: number;
}

async function waitReady(page: Page, timeout = 180_000): Promise<{ backend: string; loadMs: number }> {
  await page.waitForFunction(
    () => {
      const demo = (window as unknown as { icdDemo?: { ready: boolean; errors: string[] } }).icdDemo;
      return demo && (demo.ready || demo.errors.length > 0);
    },
    undefined,
    { timeout },
  );
  const state = await page.evaluate(
    () => (window as unknown as { icdDemo: { backend: string; loadMs: number; errors: string[] } }).icdDemo,
  );
  if (state.errors.length > 0) throw new Error(`the page failed: ${state.errors.join('; ')}`);
  return { backend: state.backend, loadMs: state.loadMs };
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

function compare(browser: NotePrediction, node: NotePrediction): void {
  const codes = (p: NotePrediction) =>
    p.ranked
      .filter((c) => c.predicted)
      .map((c) => c.code)
      .sort();
  check(
    JSON.stringify(codes(browser)) === JSON.stringify(codes(node)),
    `same predicted codes in Chromium and Node (${codes(node).join(', ') || 'none'})`,
  );
  const nodeScores = new Map(node.ranked.map((c) => [c.code, c.score]));
  const worst = Math.max(
    ...browser.ranked.map((c) => Math.abs(c.score - (nodeScores.get(c.code) ?? Number.NaN))),
  );
  check(worst <= 1e-3, `every score within 1e-3 of Node's (max |Δ| ${worst.toExponential(2)})`);
  const spans = (p: NotePrediction) =>
    JSON.stringify(
      p.ranked
        .filter((c) => c.predicted)
        .map((c) => [c.code, c.evidence.map((e) => [e.start, e.end, e.source])]),
    );
  check(
    spans(browser) === spans(node),
    'the same evidence spans (offsets and sources) for every predicted code',
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
    const ready = await waitReady(page);
    console.log(`page ready on ${ready.backend} in ${(ready.loadMs / 1000).toFixed(1)} s`);
    const result = await codeInPage(page, note);
    compare(result.prediction, nodePrediction!);
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

    // Offline: the service worker answers the page, the Cache API the model.
    await context.setOffline(true);
    await page.reload();
    await waitReady(page);
    const offline = await codeInPage(page, note);
    check(
      JSON.stringify(offline.prediction.ranked.map((c) => c.code)) ===
        JSON.stringify(result.prediction.ranked.map((c) => c.code)),
      'works offline after the first load (same ranking)',
    );
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

    if (bench) await benchmark(context, server.origin);
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
) {
  const rows: string[] = [];
  const short = words(500);
  const long = words(2000);
  for (const backend of ['wasm', 'webgl', 'cpu']) {
    const page = await context.newPage();
    await page.goto(`${origin}/?backends=${backend}`);
    try {
      const ready = await waitReady(page);
      const a = await codeInPage(page, short);
      const b = await codeInPage(page, long);
      rows.push(
        `| ${ready.backend} | ${(ready.loadMs / 1000).toFixed(2)} | ${a.ms.toFixed(0)} | ${b.ms.toFixed(0)} |`,
      );
    } catch (error) {
      rows.push(`| ${backend} | unavailable: ${String((error as Error).message).slice(0, 80)} | | |`);
    }
    await page.close();
  }
  const assets = join(dist, 'assets');
  const bundle = readdirSync(assets)
    .filter((name) => name.endsWith('.js') || name.endsWith('.css'))
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
    `Measured ${new Date().toISOString()} in headless Chromium (${chromiumPath}, software rendering: no GPU), ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()
      .map((v) => v.toFixed(1))
      .join(', ')}.`,
    'Command: `pnpm build && pnpm --filter @icd/example-browser-demo bench`.',
    `Model: the demo folder (${(model / 1024).toFixed(0)} KiB; BERT 2 × 64 + label attention over 13 codes). Load = worker start to ready with one backend tried; the check page before these rows put the model in the Cache API, so these loads read it from there (first network load with all backends tried: about 10 s in the check).`,
    '',
    '| backend | model load (s) | 500-word note (ms) | 2,000-word note (ms) |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Bundle without the model: ${bundle.map((b) => `${b.name} ${(b.gzip / 1024).toFixed(0)} KiB gzipped (${(b.raw / 1024).toFixed(0)} KiB)`).join('; ')}; tfjs wasm binaries ${wasm.map((w) => `${w.name} ${(w.gzip / 1024).toFixed(0)} KiB`).join(', ')} gzipped (one is fetched).`,
    '',
  ];
  writeFileSync(join(repository, 'docs', 'benchmarks', 'browser-demo.md'), page.join('\n'));
  console.log(page.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
