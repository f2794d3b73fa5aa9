#!/usr/bin/env node
// @ts-check
// Publishable package.json for every @icd package, applied at pack time by each package's lifecycle scripts:
//
//   "prepack": "node ../../scripts/pack-manifest.mjs prepack",
//   "postpack": "node ../../scripts/pack-manifest.mjs postpack"
//
// prepack backs the package.json up (outside the package, under the root node_modules/.cache) and rewrites it
// without the workspace-only "@icd/source" export condition, devDependencies and scripts, with `workspace:`
// ranges replaced by the sibling's version, and fails when an exports / main / module / types target is
// missing (build first). postpack puts the original back byte for byte, but only over the file prepack
// wrote. Plain Node with no dependencies, so it runs under every packer: `pnpm pack`, `pnpm publish` (and so
// `changeset publish`), `npm pack` (which attw --pack uses), `yarn pack`. A pack that fails after prepack
// skips postpack: `node scripts/pack-manifest.mjs restore` (also run by the next prepack of that package and
// by `pnpm check:pack`) puts those files back. `node scripts/pack-manifest.mjs print <dir>` shows the
// manifest prepack would write.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const backupDirectory = join(repositoryRoot, 'node_modules', '.cache', 'icd-pack');
const workspaceCondition = '@icd/source';
const dependencyFields = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** @param {string} file */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Replaces a file in one step (write beside it, then rename): packs run in parallel (turbo runs every
 * package's `attw --pack` at once) and each prepack reads every sibling's package.json for its version, so
 * a plain write, which truncates first, lets a sibling read half a manifest.
 * @param {string} file
 * @param {string | Buffer} contents
 */
function replaceFile(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** @param {string} packageDirectory */
const backupPath = (packageDirectory) => join(backupDirectory, `${basename(packageDirectory)}.package.json`);
/** @param {string} packageDirectory */
const writtenPath = (packageDirectory) => join(backupDirectory, `${basename(packageDirectory)}.packed.json`);

/** Versions of every workspace package, by name. */
function workspaceVersions() {
  /** @type {Map<string, string>} */
  const versions = new Map();
  for (const parent of ['packages', 'examples']) {
    const folder = join(repositoryRoot, parent);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const file = join(folder, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = readJson(file);
      versions.set(manifest.name, manifest.version);
    }
  }
  return versions;
}

/**
 * The exports value without the workspace condition, at any depth.
 * @param {unknown} value
 * @returns {unknown}
 */
function withoutWorkspaceCondition(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== workspaceCondition)
      .map(([key, inner]) => [key, withoutWorkspaceCondition(inner)]),
  );
}

/**
 * `workspace:*` → `1.2.3`, `workspace:^` → `^1.2.3`, `workspace:~` → `~1.2.3`, `workspace:<range>` → `<range>`,
 * as pnpm publishes them.
 * @param {string} name
 * @param {string} range
 * @param {Map<string, string>} versions
 */
function resolveWorkspaceRange(name, range, versions) {
  if (!range.startsWith('workspace:')) return range;
  const rest = range.slice('workspace:'.length);
  if (rest !== '*' && rest !== '^' && rest !== '~') return rest;
  const version = versions.get(name);
  if (version === undefined) throw new Error(`pack-manifest: ${name} is not a workspace package (${range})`);
  return rest === '*' ? version : `${rest}${version}`;
}

/**
 * Every file path an exports map (or main / module / types) points at.
 * @param {Record<string, unknown>} manifest
 * @returns {string[]}
 */
export function manifestTargets(manifest) {
  /** @type {string[]} */
  const targets = [];
  /** @param {unknown} value */
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  for (const field of ['main', 'module', 'types', 'typings', 'browser']) walk(manifest[field]);
  return [...new Set(targets)];
}

/**
 * The manifest as it is published.
 * @param {Record<string, any>} manifest
 * @param {Map<string, string>} versions
 */
export function publishableManifest(manifest, versions) {
  const { devDependencies: _devDependencies, scripts: _scripts, ...kept } = manifest;
  if (kept.exports !== undefined) kept.exports = withoutWorkspaceCondition(kept.exports);
  for (const field of dependencyFields) {
    if (kept[field] === undefined) continue;
    kept[field] = Object.fromEntries(
      Object.entries(kept[field]).map(([name, range]) => [
        name,
        resolveWorkspaceRange(name, String(range), versions),
      ]),
    );
  }
  return kept;
}

/**
 * Puts the original package.json back, but only over the file prepack wrote: a package.json edited since
 * (or a stale backup) is left alone, with a warning.
 * @param {string} packageDirectory
 */
function restore(packageDirectory) {
  const backup = backupPath(packageDirectory);
  const written = writtenPath(packageDirectory);
  if (!existsSync(backup)) return false;
  const file = join(packageDirectory, 'package.json');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const restored = existsSync(written) && current === readFileSync(written, 'utf8');
  if (restored) replaceFile(file, readFileSync(backup));
  else console.warn(`pack-manifest: ${file} changed since prepack; kept it and dropped the backup`);
  rmSync(backup, { force: true });
  rmSync(written, { force: true });
  return restored;
}

/** @param {string} packageDirectory */
function prepack(packageDirectory) {
  restore(packageDirectory); // a backup left by an interrupted pack is the original
  const file = join(packageDirectory, 'package.json');
  const manifest = readJson(file);
  const published = publishableManifest(manifest, workspaceVersions());
  const missing = manifestTargets(published).filter(
    (target) => !target.includes('*') && !existsSync(join(packageDirectory, target)),
  );
  if (missing.length > 0) {
    throw new Error(
      `pack-manifest: ${manifest.name} points at missing files (run \`pnpm build\` first): ${missing.join(', ')}`,
    );
  }
  const text = `${JSON.stringify(published, null, 2)}\n`;
  mkdirSync(backupDirectory, { recursive: true });
  copyFileSync(file, backupPath(packageDirectory));
  writeFileSync(writtenPath(packageDirectory), text);
  replaceFile(file, text);
}

/** Every backup left by an interrupted pack, put back. */
export function restoreAll() {
  if (!existsSync(backupDirectory)) return;
  for (const name of readdirSync(backupDirectory).filter((entry) => entry.endsWith('.package.json'))) {
    const directory = join(repositoryRoot, 'packages', name.replace(/\.package\.json$/, ''));
    if (restore(directory)) console.log(`pack-manifest: restored ${directory}/package.json`);
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command, directory = process.cwd()] = process.argv.slice(2);
  try {
    if (command === 'prepack') prepack(resolve(directory));
    else if (command === 'postpack') restore(resolve(directory));
    else if (command === 'restore') restoreAll();
    else if (command === 'print') {
      const manifest = readJson(join(resolve(directory), 'package.json'));
      console.log(JSON.stringify(publishableManifest(manifest, workspaceVersions()), null, 2));
    } else {
      throw new Error('usage: node scripts/pack-manifest.mjs prepack|postpack|restore|print [package-dir]');
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
