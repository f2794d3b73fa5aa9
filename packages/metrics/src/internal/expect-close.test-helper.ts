import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The scikit-learn reference values written by `scripts/make-fixtures.py`. */
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is checked value by value in the tests.
export const fixture: any = JSON.parse(
  readFileSync(new URL('../../fixtures/sklearn.json', import.meta.url), 'utf8'),
);

/** Asserts numbers (or arrays of numbers) agree within `tolerance`; NaN matches NaN. */
export function expectClose(actual: unknown, expected: unknown, tolerance = 1e-12, path = 'value'): void {
  if (typeof expected === 'number' || expected === null) {
    const wanted = expected === null ? Number.NaN : expected;
    expect(typeof actual, path).toBe('number');
    if (Number.isNaN(wanted)) expect(Number.isNaN(actual as number), `${path} is NaN`).toBe(true);
    else
      expect(Math.abs((actual as number) - wanted), `${path}: ${actual} vs ${wanted}`).toBeLessThanOrEqual(
        tolerance,
      );
    return;
  }
  const wanted = expected as ArrayLike<unknown>;
  const got = actual as ArrayLike<unknown>;
  expect(got.length, `${path}.length`).toBe(wanted.length);
  for (let index = 0; index < wanted.length; index++)
    expectClose(got[index], wanted[index], tolerance, `${path}[${index}]`);
}
