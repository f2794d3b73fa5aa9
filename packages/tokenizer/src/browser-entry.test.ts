import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The main entry must bundle for browsers (issue 11): nothing in its import graph may name a Node built-in
// or read `process`. Walks the relative imports of src/index.ts statically (CI also bundles it with esbuild
// for --platform=browser); src/node.ts is the one entry allowed to.
const source = dirname(fileURLToPath(import.meta.url));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function importGraph(entry: string): { files: string[]; external: Map<string, string> } {
  const seen = new Set<string>();
  const external = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.set(specifier, file);
    }
  };
  visit(entry);
  return { files: [...seen], external };
}

describe('browser-safe main entry', () => {
  it('src/index.ts imports no Node built-in and reads no process.env', () => {
    const { files, external } = importGraph(join(source, 'index.ts'));
    expect(files.length).toBeGreaterThan(30);
    const offending = [...external].filter(([specifier]) => builtins.has(specifier));
    expect(offending).toEqual([]);
    // @icd/hub's main entry (the Hub over fetch) is browser-safe itself (pnpm check:browser-entries).
    expect([...external.keys()].sort()).toEqual(['@icd/core', '@icd/hub']);
    expect(files.filter((file) => /\bprocess\.(env|cwd|argv)/.test(readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('the file-system loaders are reachable from src/node.ts only', () => {
    const { external } = importGraph(join(source, 'node.ts'));
    expect([...external.keys()].filter((specifier) => builtins.has(specifier)).sort()).toEqual([
      'node:fs',
      'node:fs/promises',
      'node:path',
    ]);
  });
});
