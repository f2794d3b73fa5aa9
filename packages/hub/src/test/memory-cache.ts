import type { ResponseCache } from '../fetch-pretrained-files.js';

/**
 * The Cache API's contract (`match` / `put` by URL) in memory, for tests of browser loaders in Node
 * (`caches` does not exist there): pass it as `options.cache`; `entries` holds what was put.
 *
 * @example
 * ```ts
 * const cache = new MemoryCache();
 * await fetchPretrainedFiles('org/tiny', { endpoint: hub.endpoint, cache });
 * cache.entries.size; // the listing and each file
 * ```
 */
export class MemoryCache implements ResponseCache {
  readonly entries = new Map<string, Response>();

  async match(url: string): Promise<Response | undefined> {
    return this.entries.get(url)?.clone();
  }

  async put(url: string, response: Response): Promise<void> {
    this.entries.set(url, response);
  }
}
