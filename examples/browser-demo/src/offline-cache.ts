/** The cache the service worker (public/sw.js) keeps the app in; its name must match sw.js's. */
export const APP_CACHE = 'icd-demo-app-v2';

/**
 * Keeps what this page or worker has loaded from its own origin (its document or script, bundles,
 * wasm files) in the app cache, so the next visit works offline: on the first visit they were fetched
 * before the service worker took control, so it never saw them. The model folder is left out: the
 * worker keeps it in its versioned model cache (model-cache.ts).
 */
export async function keepLoadedResources(self: {
  location: { href: string; origin: string };
  modelUrl: string;
}): Promise<void> {
  if (typeof caches === 'undefined') return;
  const urls = new Set<string>([self.location.href.split('?')[0]!]);
  for (const entry of performance.getEntriesByType('resource'))
    if (new URL(entry.name).origin === self.location.origin && !entry.name.startsWith(self.modelUrl))
      urls.add(entry.name);
  const cache = await caches.open(APP_CACHE);
  await Promise.all(
    [...urls].map(async (url) => {
      if (await cache.match(url)) return;
      const response = await fetch(url).catch(() => undefined);
      if (response?.ok) await cache.put(url, response);
    }),
  );
}
