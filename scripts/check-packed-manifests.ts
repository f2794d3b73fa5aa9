// Packs every published workspace package (`pnpm pack`, after `pnpm build`) into a temp folder and checks the
// tarball's package.json: no "@icd/source" export condition, no devDependencies, no scripts, no `workspace:`
// range, and every exports / main / module / types target inside the tarball. Also checks that each package
// declares the shared prepack/postpack pair and that its package.json is byte-identical after packing.
//
//   pnpm build && pnpm check:pack            (or: node --import tsx scripts/check-packed-manifests.ts [dir...])

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestTargets, restoreAll } from './pack-manifest.mjs';

const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const prepackScript = 'node ../../scripts/pack-manifest.mjs prepack';
export const postpackScript = 'node ../../scripts/pack-manifest.mjs postpack';

/** Published package folders: packages/* without `"private": true`. */
export function publishedPackageDirectories(): string[] {
  const parent = join(repositoryRoot, 'packages');
  return readdirSync(parent)
    .map((name) => join(parent, name))
    .filter((directory) => existsSync(join(directory, 'package.json')))
    .filter(
      (directory) => JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')).private !== true,
    );
}

/** Glob-free target (`./dist/index.js`) or pattern target (`./dist/*.js`) → does a tarball file match it? */
function targetInTarball(target: string, files: Set<string>): boolean {
  const path = target.replace(/^\.\//, '');
  if (!path.includes('*')) return files.has(path);
  const pattern = new RegExp(`^${path.split('*').map(escapeRegExp).join('.+')}$`);
  return [...files].some((file) => pattern.test(file));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function containsKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([name, inner]) => name === key || containsKey(inner, key));
}

/** Problems with one package, as sentences naming the package; empty when it packs clean. */
export function checkPackage(directory: string, destination: string): string[] {
  const manifestFile = join(directory, 'package.json');
  const before = readFileSync(manifestFile, 'utf8');
  const source = JSON.parse(before);
  const name: string = source.name;
  const problems: string[] = [];
  if (source.scripts?.prepack !== prepackScript || source.scripts?.postpack !== postpackScript) {
    problems.push(
      `${name}: scripts.prepack / scripts.postpack must be "${prepackScript}" / "${postpackScript}"`,
    );
  }
  let output: string;
  try {
    output = execFileSync('pnpm', ['pack', '--pack-destination', destination, '--json'], {
      cwd: directory,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return [...problems, `${name}: pnpm pack failed: ${stderr.trim()}`];
  }
  if (readFileSync(manifestFile, 'utf8') !== before) {
    problems.push(`${name}: package.json differs after packing (postpack did not restore it)`);
  }
  const tarball = JSON.parse(output.slice(output.indexOf('{'))).filename as string;
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('package/'))
      .map((line) => line.slice('package/'.length)),
  );
  const packed = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  );
  if (containsKey(packed.exports, '@icd/source')) problems.push(`${name}: packed exports keep "@icd/source"`);
  if (packed.devDependencies !== undefined) problems.push(`${name}: packed package.json has devDependencies`);
  if (packed.scripts !== undefined) problems.push(`${name}: packed package.json has scripts`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dependency, range] of Object.entries<string>(packed[field] ?? {})) {
      if (range.startsWith('workspace:'))
        problems.push(`${name}: packed ${field}.${dependency} is "${range}"`);
    }
  }
  for (const target of manifestTargets(packed)) {
    if (!targetInTarball(target, files)) problems.push(`${name}: "${target}" is not in ${tarball}`);
  }
  return problems;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const requested = process.argv.slice(2).map((directory) => resolve(directory));
  const directories = requested.length > 0 ? requested : publishedPackageDirectories();
  const destination = mkdtempSync(join(tmpdir(), 'icd-pack-check-'));
  const problems: string[] = [];
  try {
    for (const directory of directories) {
      const found = checkPackage(directory, destination);
      console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${directory}`);
      problems.push(...found);
    }
  } finally {
    restoreAll();
    rmSync(destination, { recursive: true, force: true });
  }
  for (const problem of problems) console.error(`  ${problem}`);
  console.log(
    problems.length === 0
      ? `packed manifests: ${directories.length} packages clean`
      : `packed manifests: ${problems.length} problems`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}
