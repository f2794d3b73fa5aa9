// Offline after the first visit, fresh after a redeploy. Same-origin GETs only (the page sends nothing
// else, so nothing the user types can reach the network through here):
// - the page (navigations), its bundle and the wasm binaries: network-first (through the browser's
//   HTTP cache, so an unchanged file costs a revalidation), the copy kept in the app cache, which
//   answers when the network does not (offline);
// - the model folder (model/): left to the worker, which keeps each version of it in a cache of its
//   own (src/model-cache.ts: pipeline.json network-first, the rest cache-first under its version);
// - on activate, every cache but the app cache and the model caches is deleted (earlier versions).
const APP_CACHE = 'icd-demo-app-v2'; // src/offline-cache.ts's APP_CACHE
const MODEL_CACHE = /^icd-model-[0-9a-f]{16}$/; // src/model-cache.ts's names
const modelScope = new URL('model/', self.registration.scope).href;
// Vite's content-hashed files (assets/name-HASH.ext): once cached, a fresh copy is the same bytes.
const hashed = /\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) =>
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name !== APP_CACHE && !MODEL_CACHE.test(name))
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  ),
);
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.href.startsWith(modelScope)) return;
  const navigation = request.mode === 'navigate';
  // A navigation is kept under its path: `/?backends=wasm` and `/` are the same page.
  const key = navigation ? url.origin + url.pathname : request;
  event.respondWith(
    (async () => {
      try {
        const response = await fetch(request);
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(
            caches.open(APP_CACHE).then(async (cache) => {
              // Not written again (onnxruntime-web's binary is 14 MB): its name changes with its bytes.
              if (hashed.test(url.pathname) && (await cache.match(key))) return;
              await cache.put(key, copy);
            }),
          );
        }
        return response;
      } catch (error) {
        const hit = await caches.match(key, { ignoreSearch: navigation });
        if (hit) return hit;
        throw error;
      }
    })(),
  );
});
