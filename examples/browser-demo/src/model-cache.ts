/**
 * `fetch` for the model folder through the Cache API: a file is read from the cache when it is there
 * and fetched (then stored) otherwise, so the model loads once and works offline afterwards. Falls back
 * to plain `fetch` where the Cache API is missing (an insecure origin). Reports each file as it lands.
 */
export const MODEL_CACHE = 'icd-model-v1';

export function cachedFetch(onFile: (url: string, bytes: number) => void) {
  return async (url: string) => {
    const cache = typeof caches === 'undefined' ? undefined : await caches.open(MODEL_CACHE);
    let response = await cache?.match(url);
    if (!response) {
      response = await fetch(url);
      if (response.ok && cache) await cache.put(url, response.clone());
    }
    const buffer = await response.arrayBuffer();
    onFile(url, buffer.byteLength);
    return { ok: response.ok, status: response.status, arrayBuffer: async () => buffer };
  };
}
