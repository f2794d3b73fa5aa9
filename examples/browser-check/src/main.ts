// The browser check (CI): bundles each suite in src/suites (which import the @icd packages' main entries, as
// a user's bundler resolves them) with esbuild for the browser, runs it in headless Chromium through
// playwright-core (Debian's /usr/bin/chromium, never a downloaded browser), runs the same suite in Node, and
// fails unless both give the same results. `pnpm --filter @icd/example-browser-check check` tests the built
// packages (dist, run `pnpm build` first); `check:source` tests src through the "@icd/source" condition.
//
//   node --import tsx src/main.ts [suite...]        suites: main-entries core-metrics tokenizer bert data

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { compareResults } from './compare.js';
import { readServed, type ServedContent, serve } from './serve.js';
import type { Json, Suite, SuiteEnvironment } from './suite.js';
import { tinyBertFixture } from './tiny-bert-fixture.js';

const packageRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const sharedDirectory = resolve(process.env.ICD_SHARED_DIR ?? resolve(packageRoot, '../../../shared'));
const tokenizerFolder = join(sharedDirectory, 'models', 'bert-base-uncased');
const chromiumPath = process.env.ICD_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const fromSource = process.execArgv.some((argument) => argument.includes('@icd/source'));
const allSuites = ['main-entries', 'core-metrics', 'tokenizer', 'bert', 'data'];

// Runs one suite in the page. A string, not a function: tsx compiles this file with esbuild's keepNames,
// whose `__name` helper does not exist in the page.
const pageRunner = `async ({ url, backends, wasmPaths }) => {
  const suite = await import(url);
  return suite.run({
    platform: 'browser',
    backends,
    ...(wasmPaths ? { wasmPaths } : {}),
    load: async (path) => {
      const response = await fetch(path);
      if (!response.ok) throw new Error('GET ' + path + ': ' + response.status);
      return new Uint8Array(await response.arrayBuffer());
    },
  });
}`;

const suiteTimeoutMs = 180_000;

function withTimeout<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface SuiteOutcome {
  name: string;
  status: 'ok' | 'FAIL' | 'skipped';
  detail: string;
}

/** Each published package's main entry file (dist, or src with the "@icd/source" condition), by name. */
function mainEntryFiles(): Map<string, string> {
  const packagesFolder = resolve(packageRoot, '../../packages');
  const entries = new Map<string, string>();
  for (const folder of readdirSync(packagesFolder)) {
    const manifestFile = join(packagesFolder, folder, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (manifest.private === true) continue;
    const main = manifest.exports?.['.'];
    const target = fromSource
      ? main?.['@icd/source']
      : (main?.import?.default ?? main?.import ?? main?.default);
    if (typeof target !== 'string') throw new Error(`${manifest.name}: no main entry in exports["."]`);
    entries.set(manifest.name, join(packagesFolder, folder, target));
  }
  return entries;
}

/** The `main-entries` suite: imports every main entry by file and describes its exports. */
function mainEntriesSource(entries: Map<string, string>): string {
  const names = [...entries.keys()];
  return [
    ...names.map((name, index) => `import * as entry${index} from ${JSON.stringify(entries.get(name))};`),
    `import { describeModules } from ${JSON.stringify(join(packageRoot, 'src', 'suites', 'main-entries.ts'))};`,
    `export async function run() {`,
    `  return describeModules({ ${names.map((name, index) => `${JSON.stringify(name)}: entry${index}`).join(', ')} });`,
    `}`,
  ].join('\n');
}

async function bundle(name: string): Promise<{ code: string } | { error: string }> {
  try {
    const entry =
      name === 'main-entries'
        ? {
            stdin: {
              contents: mainEntriesSource(mainEntryFiles()),
              resolveDir: packageRoot,
              loader: 'ts' as const,
            },
          }
        : { entryPoints: [join(packageRoot, 'src', 'suites', `${name}.ts`)] };
    const result = await esbuild.build({
      ...entry,
      absWorkingDir: packageRoot,
      bundle: true,
      write: false,
      outfile: `${name}.js`,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      conditions: fromSource ? ['@icd/source'] : [],
      logLevel: 'silent',
    });
    return { code: result.outputFiles[0]!.text };
  } catch (error) {
    const messages = (error as { errors?: esbuild.Message[] }).errors ?? [];
    const text = messages
      .slice(0, 8)
      .map((message) => `${message.location?.file ?? '?'}:${message.location?.line ?? '?'} ${message.text}`)
      .join('\n    ');
    return { error: text || String(error) };
  }
}

function wasmFolder(): string | undefined {
  try {
    const require = createRequire(join(packageRoot, 'package.json'));
    const folder = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    return existsSync(join(folder, 'tfjs-backend-wasm.wasm')) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** The `main-entries` suite in Node: the same entry files, imported directly. */
async function mainEntriesInNode(): Promise<Suite & { anchors?: Record<string, Json> }> {
  const { describeModules } = await import('./suites/main-entries.js');
  const entries = [...mainEntryFiles()];
  const modules = await Promise.all(
    entries.map(async ([name, file]) => [name, await import(pathToFileURL(file).href)]),
  );
  const described = describeModules(Object.fromEntries(modules));
  return { run: async () => described };
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !allSuites.includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown suites: ${unknown.join(', ')} (known: ${allSuites.join(', ')})`);
  const suites = requested.length > 0 ? requested : allSuites;
  const started = performance.now();
  const outcomes: SuiteOutcome[] = [];
  const content: ServedContent = {
    files: new Map([
      ['/index.html', '<!doctype html><meta charset="utf-8"><title>icd browser check</title>'],
    ]),
    folders: new Map(),
  };
  const wasm = wasmFolder();
  if (wasm) content.folders.set('/wasm/', wasm);
  const haveShared = existsSync(join(tokenizerFolder, 'tokenizer.json'));
  if (haveShared) content.folders.set('/shared/models/bert-base-uncased/', tokenizerFolder);

  const runnable: string[] = [];
  for (const name of suites) {
    if (name === 'tokenizer' && !haveShared) {
      outcomes.push({
        name,
        status: 'skipped',
        detail: `${tokenizerFolder}/tokenizer.json is absent (../shared is not beside the checkout)`,
      });
      continue;
    }
    const bundled = await bundle(name);
    if ('error' in bundled) {
      outcomes.push({
        name,
        status: 'FAIL',
        detail: `does not bundle for the browser:\n    ${bundled.error}`,
      });
      continue;
    }
    content.files.set(`/suites/${name}.js`, bundled.code);
    if (name === 'bert') for (const [path, bytes] of await tinyBertFixture()) content.files.set(path, bytes);
    runnable.push(name);
  }

  const backends = wasm ? ['cpu', 'wasm'] : ['cpu'];
  const server = await serve(content);
  const userDataDirectory = mkdtempSync(join(tmpdir(), 'icd-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // ICD_BROWSER_CONSOLE=1 prints the page's console, for debugging a failing suite.
    page.on('console', (message) => {
      if (process.env.ICD_BROWSER_CONSOLE) console.error('[page]', message.text());
    });
    for (const name of runnable) {
      // A fresh page per suite: every bundle carries its own tfjs copy, and tfjs keeps one engine and
      // backend registry on globalThis, so a backend set up by an earlier suite (wasm without its
      // binaries' path) would otherwise leak into the next one.
      await page.goto(`${server.origin}/index.html`);
      const t0 = performance.now();
      pageErrors.length = 0;
      let browser: Record<string, Json>;
      try {
        const argument = {
          url: `${server.origin}/suites/${name}.js`,
          backends,
          wasmPaths: wasm ? '/wasm/' : null,
        };
        const evaluation = page.evaluate(`(${pageRunner})(${JSON.stringify(argument)})`);
        browser = (await withTimeout(
          evaluation,
          suiteTimeoutMs,
          `no result in ${suiteTimeoutMs / 1000} s`,
        )) as Record<string, Json>;
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        outcomes.push({
          name,
          status: 'FAIL',
          detail: `threw in Chromium: ${message} ${pageErrors.join('; ')}`,
        });
        continue;
      }
      const environment: SuiteEnvironment = {
        platform: 'node',
        backends,
        ...(wasm ? { wasmPaths: `${wasm}/` } : {}),
        load: async (path) => {
          const bytes = await readServed(content, path);
          if (bytes === undefined) throw new Error(`not served: ${path}`);
          return bytes;
        },
      };
      const suite =
        name === 'main-entries'
          ? await mainEntriesInNode()
          : ((await import(`./suites/${name}.js`)) as Suite & { anchors?: Record<string, Json> });
      const node = await suite.run(environment);
      const comparison = compareResults(node, browser, suite.anchors ?? {});
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      outcomes.push({
        name,
        status: comparison.problems.length === 0 ? 'ok' : 'FAIL',
        detail:
          comparison.problems.length === 0
            ? `${comparison.compared} values equal in Node and Chromium (max |Δ| ${comparison.maxDifference.toExponential(1)}), ${Object.keys(suite.anchors ?? {}).length} anchors hold, ${seconds} s, ${((content.files.get(`/suites/${name}.js`) as string).length / 1024).toFixed(0)} KB bundle`
            : comparison.problems.slice(0, 12).join('\n    '),
      });
    }
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDirectory, { recursive: true, force: true });
  }
  for (const outcome of outcomes)
    console.log(`${outcome.status.padEnd(7)} ${outcome.name}: ${outcome.detail}`);
  const count = (status: SuiteOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  const failed = count('FAIL');
  console.log(
    `browser check (${fromSource ? 'src' : 'dist'}, backends ${backends.join(' + ')}): ${count('ok')} passed, ${count('skipped')} skipped, ${failed} failed, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
