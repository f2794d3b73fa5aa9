import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMainEntry, nodeGlobalUses } from './check-browser-entries.js';
import { manifestTargets, publishableManifest } from './pack-manifest.mjs';

const temporary = mkdtempSync(join(tmpdir(), 'icd-scripts-test-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

describe('nodeGlobalUses', () => {
  it('finds Node-only values and nothing in strings, comments, types, property names or member names', () => {
    const text = [
      "const a = 'process the notes'; // process.env in a comment",
      'const b = { process: 1, require: 2 };',
      'const c = b.process + b.require;',
      'let d: NodeJS.Process | undefined;',
      'const e = process.env.HOME;',
      'const f = typeof Buffer;',
      'const g = import.meta.dirname;',
      'const h = require("x");',
      'const i = import.meta.url;',
    ].join('\n');
    expect(nodeGlobalUses('x.ts', text)).toEqual([
      'uses process (line 5)',
      'uses Buffer (line 6)',
      'uses import.meta.dirname (line 7)',
      'uses require (line 8)',
    ]);
  });
});

describe('checkMainEntry', () => {
  it('names the file that imports a Node built-in and the chain from the entry', async () => {
    const directory = join(temporary, 'fake');
    mkdirSync(join(directory, 'src'), { recursive: true });
    writeFileSync(
      join(directory, 'package.json'),
      JSON.stringify({ name: '@icd/fake', exports: { '.': { '@icd/source': './src/index.ts' } } }),
    );
    writeFileSync(join(directory, 'src', 'index.ts'), "export { readText } from './read.js';\n");
    writeFileSync(
      join(directory, 'src', 'read.ts'),
      "import { readFileSync } from 'node:fs';\nexport const readText = (f: string) => readFileSync(f, 'utf8');\n",
    );
    const findings = await checkMainEntry(directory);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.file.endsWith('fake/src/read.ts')).toBe(true);
    expect(findings[0]!.what).toBe('imports node:fs');
    expect(findings[0]!.chain.map((file) => file.split('/').slice(-1)[0])).toEqual(['index.ts', 'read.ts']);
  });
});

describe('publishableManifest', () => {
  it('drops the workspace condition at any depth, devDependencies and scripts; pins workspace ranges', () => {
    const manifest = {
      name: '@icd/x',
      version: '0.1.0',
      exports: {
        '.': {
          '@icd/source': './src/index.ts',
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
        },
        './node': { import: { '@icd/source': './src/node.ts', default: './dist/node.js' } },
      },
      main: './dist/index.cjs',
      scripts: { build: 'tsup' },
      dependencies: { '@icd/core': 'workspace:*', '@icd/metrics': 'workspace:^', other: '1.0.0' },
      peerDependencies: { '@icd/bert': 'workspace:~' },
      devDependencies: { vitest: '3.2.7' },
    };
    const versions = new Map([
      ['@icd/core', '0.1.0'],
      ['@icd/metrics', '0.2.0'],
      ['@icd/bert', '0.3.0'],
    ]);
    const published = publishableManifest(manifest, versions);
    expect(published).toEqual({
      name: '@icd/x',
      version: '0.1.0',
      exports: {
        '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } },
        './node': { import: { default: './dist/node.js' } },
      },
      main: './dist/index.cjs',
      dependencies: { '@icd/core': '0.1.0', '@icd/metrics': '^0.2.0', other: '1.0.0' },
      peerDependencies: { '@icd/bert': '~0.3.0' },
    });
    expect(manifest.scripts).toEqual({ build: 'tsup' }); // the input is left alone
    expect(manifestTargets(published)).toEqual([
      './dist/index.d.ts',
      './dist/index.js',
      './dist/node.js',
      './dist/index.cjs',
    ]);
  });
});

describe('pack-manifest prepack / postpack', () => {
  const script = new URL('./pack-manifest.mjs', import.meta.url).pathname;
  const run = (command: string, directory: string) =>
    execFileSync('node', [script, command, directory], { encoding: 'utf8', stdio: 'pipe' });
  const makePackage = (name: string) => {
    const directory = join(temporary, name);
    mkdirSync(join(directory, 'dist'), { recursive: true });
    writeFileSync(join(directory, 'dist', 'index.js'), 'export {};\n');
    const text = `${JSON.stringify(
      {
        name: `@icd/${name}`,
        version: '0.1.0',
        exports: { '.': { '@icd/source': './src/index.ts', default: './dist/index.js' } },
        scripts: { build: 'tsup' },
        devDependencies: { vitest: '3.2.7' },
      },
      null,
      2,
    )}\n`;
    writeFileSync(join(directory, 'package.json'), text);
    return { directory, text };
  };

  it('strips the manifest for the pack and puts the original back byte for byte', () => {
    const { directory, text } = makePackage(`pack-a-${process.pid}`);
    run('prepack', directory);
    const packed = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    expect(packed.exports).toEqual({ '.': { default: './dist/index.js' } });
    expect(packed.scripts).toBeUndefined();
    expect(packed.devDependencies).toBeUndefined();
    run('postpack', directory);
    expect(readFileSync(join(directory, 'package.json'), 'utf8')).toBe(text);
  });

  it('keeps a package.json edited after prepack instead of overwriting it with the backup', () => {
    const { directory } = makePackage(`pack-b-${process.pid}`);
    run('prepack', directory);
    writeFileSync(join(directory, 'package.json'), '{ "name": "@icd/edited" }\n');
    run('postpack', directory);
    expect(readFileSync(join(directory, 'package.json'), 'utf8')).toBe('{ "name": "@icd/edited" }\n');
  });

  it('refuses to pack when an exports target is missing', () => {
    const { directory, text } = makePackage(`pack-c-${process.pid}`);
    rmSync(join(directory, 'dist'), { recursive: true });
    expect(() => run('prepack', directory)).toThrow(/points at missing files .*\.\/dist\/index\.js/);
    expect(readFileSync(join(directory, 'package.json'), 'utf8')).toBe(text);
  });

  it('survives parallel packs: no prepack reads a sibling manifest half-written (turbo packs all at once)', async () => {
    // A workspace of its own: prepack reads every package.json under <root>/packages for versions, and the
    // root is where the script lives.
    const root = join(temporary, `parallel-${process.pid}`);
    mkdirSync(join(root, 'scripts'), { recursive: true });
    copyFileSync(script, join(root, 'scripts', 'pack-manifest.mjs'));
    const names = Array.from({ length: 6 }, (_, index) => `p${index}`);
    const originals = new Map<string, string>();
    for (const name of names) {
      const directory = join(root, 'packages', name);
      mkdirSync(join(directory, 'dist'), { recursive: true });
      writeFileSync(join(directory, 'dist', 'index.js'), 'export {};\n');
      const manifest = {
        name: `@icd/${name}`,
        version: '0.1.0',
        description: 'x'.repeat(20_000),
        exports: { '.': { '@icd/source': './src/index.ts', default: './dist/index.js' } },
        dependencies: Object.fromEntries(names.map((other) => [`@icd/${other}`, 'workspace:*'])),
        scripts: { build: 'tsup' },
      };
      const text = `${JSON.stringify(manifest, null, 2)}\n`;
      writeFileSync(join(directory, 'package.json'), text);
      originals.set(name, text);
    }
    const copy = join(root, 'scripts', 'pack-manifest.mjs');
    const execFileAsync = promisify(execFile);
    const pack = async (name: string) => {
      const directory = join(root, 'packages', name);
      await execFileAsync('node', [copy, 'prepack', directory]);
      const packed = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
      await execFileAsync('node', [copy, 'postpack', directory]);
      return packed;
    };
    for (let round = 0; round < 1; round += 1) {
      const packed = await Promise.all(names.map(pack));
      for (const manifest of packed) {
        expect(manifest.scripts).toBeUndefined();
        expect(manifest.dependencies['@icd/p0']).toBe('0.1.0');
      }
    }
    for (const name of names) {
      expect(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')).toBe(originals.get(name));
      expect(readdirSync(join(root, 'packages', name)).sort()).toEqual(['dist', 'package.json']);
    }
  }, 60_000);

  it('replaces package.json in one step (a new file renamed over it), never rewriting it in place', () => {
    // A sibling reading during an in-place write (truncate, then write) sees half a manifest; a rename is
    // atomic, and shows as a new inode. This is what makes the parallel test above pass every time.
    const { directory } = makePackage(`pack-d-${process.pid}`);
    const file = join(directory, 'package.json');
    const before = statSync(file).ino;
    run('prepack', directory);
    const packed = statSync(file).ino;
    run('postpack', directory);
    const restored = statSync(file).ino;
    expect(packed).not.toBe(before);
    expect(restored).not.toBe(packed);
    expect(readdirSync(directory).sort()).toEqual(['dist', 'package.json']);
  });
});
