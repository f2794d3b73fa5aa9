/** The cache the service worker (public/sw.js) answers from. */
export const APP_CACHE = 'icd-demo-v1';

/**
 * Keeps what this page or worker has loaded from its own origin (its document or script, bundles,
 * wasm files) in the app cache, so the next visit works offline: they were fetched before the service
 * worker took control, so it never saw them.
 */
export async function keepLoadedResources(self: {
  location: { href: string; origin: string };
}): Promise<void> {
  if (typeof caches === 'undefined') return;
  const urls = new Set<string>([self.location.href.split('?')[0]!]);
  for (const entry of performance.getEntriesByType('resource'))
    if (new URL(entry.name).origin === self.location.origin) urls.add(entry.name);
  const cache = await caches.open(APP_CACHE);
  await Promise.all(
    [...urls].map(async (url) => {
      if (await cache.match(url)) return;
      const response = await fetch(url).catch(() => undefined);
      if (response?.ok) await cache.put(url, response);
    }),
  );
}
