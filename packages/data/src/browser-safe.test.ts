import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../test/shared-dir.js';

// The main entry must bundle for browsers: no module reachable from src/index.ts may import a Node
// built-in (node:fs, path, readline, ...). Walks the relative imports statically.
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1]!,
  );
}

describe('the main entry of @icd/data is browser-safe', () => {
  it('imports no Node built-in, directly or through its own modules', () => {
    const source = join(packageDir, 'src');
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (builtins.has(specifier)) offending.push(`${relative(source, file)} imports ${specifier}`);
        else if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      }
    };
    visit(join(source, 'index.ts'));
    expect(seen.size).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });

  it('the node entry does reach the file system (the walk finds what it should)', () => {
    expect(importsOf(join(packageDir, 'src', 'node', 'read-file.ts'))).toContain('node:fs');
  });
});
