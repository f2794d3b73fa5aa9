import type { Json } from '../suite.js';

/**
 * Every export of each package's main entry with its `typeof`, sorted: what importing the entry gives.
 * The `main-entries` suite imports every published package's main entry (found in packages/*, so a new
 * package is checked without a change here) in Chromium and in Node and compares these descriptions, which
 * also fails when evaluating an entry throws in the browser (a top-level `process`, `Buffer`, `require`).
 */
export function describeModules(modules: Record<string, Record<string, unknown>>): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(modules)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, module]) => [
        name,
        Object.keys(module)
          .sort()
          .map((key) => `${key}: ${typeof module[key]}`),
      ]),
  );
}
