// Offline after the first visit: the page and the worker put what they loaded (the page, its bundle,
// tfjs's wasm file; the model through the Cache API) into caches, and this worker answers every
// same-origin GET from them when it can, else fetches and keeps it. The page sends nothing else (no
// POST), so nothing the user types can reach the network through here.
const CACHE = 'icd-demo-v1';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const hit = await caches.match(request, { ignoreSearch: request.mode === 'navigate' });
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
      return response;
    })(),
  );
});
