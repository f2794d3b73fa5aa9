// Static guard for the browser-safe main entries: bundles each published package's main entry (its source,
// through the "@icd/source" condition, so no build is needed) with esbuild for `--platform=browser` and fails,
// naming the file and the import chain from the entry, when
//   - a Node built-in (`node:*`, `fs`, `path`, `worker_threads`, ...) is imported anywhere in the graph and the
//     importing package does not map it away for browsers (its package.json "browser" field), or
//   - one of our own files in the graph uses `process`, `Buffer`, `require`, `__dirname`, `__filename` or
//     `import.meta.dirname` / `import.meta.filename`.
// It also fails on `import.meta.dirname` / `import.meta.filename` in any non-test file of packages/*/src
// (./node subpaths included): they need Node 20.11, and the packages declare `engines.node >= 20`.
//
//   pnpm check:browser-entries            (or: node --import tsx scripts/check-browser-entries.ts [dir...])

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { publishedPackageDirectories } from './check-packed-manifests.js';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const builtinPattern = new RegExp(
  `^(node:.*|(${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?)$`,
);
const nodeGlobals = new Set(['process', 'Buffer', 'require', '__dirname', '__filename']);
const importMetaNodeFields = new Set(['dirname', 'filename']);

/** One reason a main entry is not browser-safe. */
export interface Finding {
  /** The offending file, relative to the repository root. */
  file: string;
  /** What it does, e.g. `imports node:fs` or `uses process (line 12)`. */
  what: string;
  /** Files from the entry to `file`, relative to the repository root. */
  chain: string[];
}

/** The source file behind a package's main entry (the "@icd/source" target of exports["."]). */
export function mainEntrySource(directory: string): string {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  const main = manifest.exports?.['.'];
  const source = typeof main === 'object' && main !== null ? main['@icd/source'] : undefined;
  if (typeof source !== 'string')
    throw new Error(`${manifest.name}: exports["."] has no "@icd/source" target`);
  return join(directory, source);
}

/** Node-only identifiers used as values in one file: `uses process (line 3)`. */
export function nodeGlobalUses(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const uses: string[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isMetaProperty(node.expression) &&
      node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
      importMetaNodeFields.has(node.name.text)
    ) {
      uses.push(`uses import.meta.${node.name.text} (line ${line(node)})`);
    }
    if (ts.isIdentifier(node) && nodeGlobals.has(node.text) && isValueReference(node)) {
      uses.push(`uses ${node.text} (line ${line(node)})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function isValueReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent)) return false;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isEnumMember(parent) ||
      ts.isBindingElement(parent)) &&
    parent.name === node
  ) {
    return false;
  }
  return true;
}

/** Shortest import chain from `entry` to `target` in an esbuild metafile. */
function chainTo(metafile: esbuild.Metafile, entry: string, target: string): string[] {
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === target) break;
    for (const imported of metafile.inputs[current]?.imports ?? []) {
      if (imported.external || previous.has(imported.path)) continue;
      previous.set(imported.path, current);
      queue.push(imported.path);
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = target; at != null; at = previous.get(at)) chain.unshift(at);
  return chain;
}

/** Everything that keeps one package's main entry out of a browser bundle; empty when it is browser-safe. */
export async function checkMainEntry(directory: string): Promise<Finding[]> {
  const entry = mainEntrySource(directory);
  const builtinImports: { importer: string; path: string }[] = [];
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: repositoryRoot,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['@icd/source'],
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-builtins',
        setup(build) {
          build.onResolve({ filter: builtinPattern }, async (args) => {
            if (args.pluginData?.inner === true) return undefined;
            // Let esbuild resolve it as a browser build would: a "browser": { "fs": false } mapping passes.
            const resolved = await build.resolve(args.path, {
              importer: args.importer,
              kind: args.kind,
              resolveDir: args.resolveDir,
              pluginData: { inner: true },
            });
            if (resolved.errors.length === 0) return undefined;
            builtinImports.push({ importer: relative(repositoryRoot, args.importer), path: args.path });
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const metafile = result.metafile;
  const entryKey = relative(repositoryRoot, entry);
  const reasons = new Map<string, Set<string>>();
  const add = (file: string, what: string) => reasons.set(file, (reasons.get(file) ?? new Set()).add(what));
  for (const { importer, path } of builtinImports) add(importer, `imports ${path}`);
  for (const file of Object.keys(metafile.inputs)) {
    if (!file.startsWith('packages/') || file.includes('node_modules/') || !/\.[cm]?[jt]s$/.test(file))
      continue;
    for (const what of nodeGlobalUses(file, readFileSync(join(repositoryRoot, file), 'utf8')))
      add(file, what);
  }
  const findings = [...reasons].map(([file, what]) => ({
    file,
    what: [...what].join(', '),
    chain: chainTo(metafile, entryKey, file),
  }));
  return findings;
}

/** `import.meta.dirname` / `filename` in any non-test source file of the given packages (Node >= 20.11 only). */
export function importMetaNodeFieldUses(directories: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.[cm]?ts$/.test(name) && !/\.test(-helper)?\.ts$/.test(name)) {
        const text = readFileSync(path, 'utf8');
        if (!/import\.meta\.(dirname|filename)/.test(text)) continue;
        for (const use of nodeGlobalUses(path, text).filter((what) => what.includes('import.meta'))) {
          found.push(`${relative(repositoryRoot, path)} ${use}: needs Node 20.11, engines say >= 20`);
        }
      }
    }
  };
  for (const directory of directories) if (existsSync(join(directory, 'src'))) walk(join(directory, 'src'));
  return found;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const requested = process.argv.slice(2).map((directory) => resolve(directory));
  const directories = requested.length > 0 ? requested : publishedPackageDirectories();
  let failures = 0;
  for (const directory of directories) {
    const name = relative(repositoryRoot, directory);
    let findings: Finding[];
    try {
      findings = await checkMainEntry(directory);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    console.log(`${findings.length === 0 ? 'ok  ' : 'FAIL'} ${name} (main entry)`);
    for (const finding of findings) {
      console.log(`  ${finding.file} ${finding.what}\n    via ${finding.chain.join(' → ')}`);
    }
    failures += findings.length;
  }
  const dirnameUses = importMetaNodeFieldUses(directories);
  for (const use of dirnameUses) console.log(`FAIL ${use}`);
  failures += dirnameUses.length;
  console.log(
    failures === 0
      ? `browser entries: ${directories.length} main entries bundle for the browser`
      : `browser entries: ${failures} problems`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}
