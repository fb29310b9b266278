// The scanner's and kiosk's service worker: keeps the page shell and its static files, so the
// page opens (and keeps taking USB-scanner scans into its queue) while the server is away.
// Pages: network first, the kept copy when the network fails. Versioned static files: the kept
// copy first. Nothing else is touched: the live connection, the queue endpoint, other pages.
"use strict";

const CACHE = "stamphub-scanner-v1";
const SHELLS = /^\/(scanner|kiosk)\/?$/;
const STATIC = /^\/(_nicegui\/[^/]+\/(static|components|libraries|esm|codehilite)\/|scanner-assets\/|(scanner|kiosk)\/(icon-\d+\.png|manifest\.webmanifest)$)/;
const NETWORK_WAIT_MS = 4000; // a page on a dead Wi-Fi opens from the kept copy after this

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) =>
  event.waitUntil(
    (async () => {
      // A new worker version starts a new cache; the old one goes.
      for (const name of await caches.keys()) {
        if (name.startsWith("stamphub-scanner-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  ),
);

function shellKey(url) {
  return new URL(url).pathname.replace(/\/$/, "");
}

async function keep(key, response) {
  if (response && response.ok && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(key, response.clone());
  }
  return response;
}

function fetchWithin(request, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

async function page(request) {
  const key = shellKey(request.url);
  try {
    const response = await fetchWithin(request, NETWORK_WAIT_MS);
    // A signed-in page is kept; a redirect or an error page is not.
    if (response.ok && !response.redirected) await keep(key, response);
    return response;
  } catch (err) {
    const kept = await caches.match(key);
    if (kept) return kept;
    return new Response(
      "<!doctype html><meta charset=utf-8><title>Offline</title><p>Offline: this device has not opened the scanner yet.",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
}

async function asset(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (kept) return kept;
  return keep(request, await fetch(request));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (SHELLS.test(url.pathname)) event.respondWith(page(request));
    return;
  }
  if (STATIC.test(url.pathname)) event.respondWith(asset(request));
});

// The page lists what it loaded before this worker controlled it; those are kept now.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const raw of data.urls) {
        const url = new URL(raw, self.location.origin);
        if (url.origin !== self.location.origin) continue;
        const key = SHELLS.test(url.pathname) ? shellKey(url.href) : url.href;
        if (!SHELLS.test(url.pathname) && !STATIC.test(url.pathname)) continue;
        if (await cache.match(key, { ignoreVary: true })) continue;
        try {
          const response = await fetch(url.href, { credentials: "same-origin" });
          if (response.ok && !response.redirected) await cache.put(key, response);
        } catch (err) {
          /* offline already: kept next time */
        }
      }
      if (event.source) event.source.postMessage({ type: "kept" });
    })(),
  );
});
