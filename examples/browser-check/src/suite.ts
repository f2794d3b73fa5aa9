/**
 * One browser check: a module with a `run(environment)` that both Node and the Chromium page call with the
 * same inputs. Results are plain JSON (numbers, strings, arrays, objects) so that the page can hand them back.
 */
export interface SuiteEnvironment {
  /** Where the code runs: `'node'` or `'browser'`. */
  platform: 'node' | 'browser';
  /** Bytes of a served file (`/shared/models/bert-base-uncased/tokenizer.json`, `/fixtures/tiny-bert/...`). */
  load(path: string): Promise<Uint8Array>;
  /** tfjs backends to run (`'cpu'`, and `'wasm'` when its binaries are served). */
  backends: string[];
  /** URL prefix of the tfjs-backend-wasm binaries in the browser; undefined in Node. */
  wasmPaths?: string;
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A suite module's shape. */
export interface Suite {
  run(environment: SuiteEnvironment): Promise<Record<string, Json>>;
}

/** Float32Array / Float64Array / number[] → plain number[]. */
export function numbers(values: ArrayLike<number>): number[] {
  return Array.from(values);
}

/** The message and class of what `action` throws, or `'did not throw'`. */
export function thrown(action: () => unknown): Json {
  try {
    action();
    return 'did not throw';
  } catch (error) {
    const named = error as { name?: string; message?: string };
    return { name: named.name ?? 'unknown', message: named.message ?? String(error) };
  }
}
