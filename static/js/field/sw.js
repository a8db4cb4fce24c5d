// The tablet app's service worker (served as /field/sw.js, scope /field/).
//   - the app shell (the page, its scripts, styles and icons): the page hands the list
//     over at each start; pages are network first, falling back to the kept shell (any
//     /field/... address opens the shell, which reads the address);
//   - the day (/api/v1/field/day) and single sheets: network first (the page's ETag gives
//     304 when nothing changed), the last answer kept for offline, marked as a copy;
//   - the map tiles of the day's area: fetched ahead when the page hands over the day's
//     list (bounded there), then network first with the kept copy offline;
//   - attachments (images by id): kept once fetched.
// Actions are not the worker's business: the page queues them in IndexedDB and replays them.
"use strict";
const SHELL = "vigie-field-shell-v1";
const DATA = "vigie-field-data-v1";
const TILES = "vigie-field-tiles-v1";
const KEPT = [SHELL, DATA, TILES];
const SHELL_PAGE = "/field/";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (!KEPT.includes(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep-shell") event.waitUntil(keepShell(message.urls || []));
  if (message.type === "keep-tiles") event.waitUntil(keepTiles(message.day, message.urls || []));
});

async function keepShell(urls) {
  const cache = await caches.open(SHELL);
  await Promise.all(urls.map(async (url) => {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) { /* offline: the copy kept before stays */ }
  }));
}

async function keepTiles(day, urls) {
  const cache = await caches.open(TILES);
  const marker = new Request(`/field/__tiles-day__/${day}/${urls.length}`);
  if (await cache.match(marker)) return; // this day's area is kept already
  for (const request of await cache.keys()) await cache.delete(request);
  let index = 0;
  const worker = async () => {
    while (index < urls.length) {
      const url = urls[index];
      index += 1;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) await cache.put(url, response);
      } catch (error) { return; }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await cache.put(marker, new Response("kept"));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/field/")) {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/api/v1/field/day") || url.pathname.startsWith("/api/v1/field/interventions/")) {
    event.respondWith(networkFirst(request, DATA, true));
  } else if (url.pathname.startsWith("/tiles/")) {
    event.respondWith(networkFirst(request, TILES, false));
  } else if (/^\/api\/v1\/interventions\/\d+\/attachments\/\d+$/.test(url.pathname)) {
    event.respondWith(keptFirst(request, DATA));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/field/manifest.webmanifest") {
    event.respondWith(keptFirst(request, SHELL, true));
  }
});

async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(SHELL_PAGE, copy));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(SHELL_PAGE, { cacheName: SHELL });
    return kept || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function networkFirst(request, cacheName, markCopy) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    // A 304 (the page's If-None-Match matched) leaves the kept copy as it is.
    if (response.status === 200) await cache.put(request.url, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request.url);
    if (!kept) return new Response(null, { status: 503 });
    if (!markCopy) return kept;
    const headers = new Headers(kept.headers);
    headers.set("X-Vigie-Offline-Copy", "1");
    return new Response(await kept.blob(), { status: 200, headers });
  }
}

// The kept copy at once; with ``revalidate``, refreshed in the background for next time.
async function keptFirst(request, cacheName, revalidate) {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(request.url);
  const fetchAndKeep = () => fetch(request).then(async (response) => {
    if (response.ok) await cache.put(request.url, response.clone());
    return response;
  });
  if (kept) {
    if (revalidate) fetchAndKeep().catch(() => null);
    return kept;
  }
  return fetchAndKeep().catch(() => new Response(null, { status: 503 }));
}
