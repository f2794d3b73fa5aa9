import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
