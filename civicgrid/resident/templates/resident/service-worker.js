{% autoescape off %}/* CivicGrid's service worker (served by civicgrid.resident.views.service_worker at /sw.js).

   It keeps the app shell (static files, with hashed names) and the offline page, and shows that page
   when a navigation fails for want of a network. It never stores a page (a signed-in user's HTML
   is theirs alone), an API answer or anything but a GET of a static file. */
"use strict";

const CACHE = {{ cache_name }};
const PREFIX = {{ cache_prefix }};
const PRECACHE = {{ precache }};
const OFFLINE_URL = {{ offline_url }};
const STATIC_PATH = {{ static_prefix }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // Fetched without cookies: the shell and the offline page are the same for everyone.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // POSTs and every other method go to the network untouched, never to a cache
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Pages always come from the network; offline, the offline page stands in for the browser's error.
    event.respondWith(
      fetch(request).catch(() => caches.match(OFFLINE_URL).then((cached) => cached || Response.error()))
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_PATH)) {
    // The shell's static files from the cache (their names change with their content), else the network.
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
  }
});
{% endautoescape %}
