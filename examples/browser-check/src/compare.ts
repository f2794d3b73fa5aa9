import type { Json } from './suite.js';

/** Floats from the same code on the same backend may differ in the last bits (a different V8 Math). */
const tolerance = 1e-6;

/** Node's and Chromium's results side by side: differences (by key path), and anchors that Node misses. */
export function compareResults(
  node: Record<string, Json>,
  browser: Record<string, Json>,
  anchors: Record<string, Json>,
): { compared: number; maxDifference: number; problems: string[] } {
  const problems: string[] = [];
  let compared = 0;
  let maxDifference = 0;
  const walk = (a: Json | undefined, b: Json | undefined, path: string, report: (text: string) => void) => {
    if (typeof a === 'number' && typeof b === 'number') {
      compared += 1;
      if (Object.is(a, b)) return;
      const difference = Math.abs(a - b);
      if (!(difference <= tolerance * Math.max(1, Math.abs(a)))) report(`${path}: ${a} vs ${b}`);
      else maxDifference = Math.max(maxDifference, difference);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) report(`${path}: length ${a.length} vs ${b.length}`);
      else
        for (let index = 0; index < a.length; index += 1)
          walk(a[index], b[index], `${path}[${index}]`, report);
      return;
    }
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
      if (Array.isArray(b)) return report(`${path}: object vs array`);
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) walk(a[key], b[key], path ? `${path}.${key}` : key, report);
      return;
    }
    compared += 1;
    if (a !== b) report(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  };
  walk(node, browser, '', (text) => problems.push(`Node vs Chromium ${text}`));
  for (const [key, expected] of Object.entries(anchors)) {
    walk(node[key], expected, key, (text) => problems.push(`Node vs hand-computed ${text}`));
  }
  return { compared, maxDifference, problems };
}
