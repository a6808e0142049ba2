// The journal's service worker: keeps the app shell and the logging pages on this
// device so that Today, the sleep diary and the mood form open without a connection.
// Pages are network-first (the journal is the truth; the copy is only a fallback);
// versioned static files are cache-first. Writes are never cached here: the pages'
// outbox (outbox.js) keeps entries made offline and sends them when online again.
"use strict";
var VERSION = "__VERSION__";
var SHELL_CACHE = "kj-shell-" + VERSION;
var PAGE_CACHE = "kj-pages-" + VERSION;
var SHELL = __SHELL__;
var PAGES = __PAGES__;

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }),
    caches.open(PAGE_CACHE).then(function (cache) {
      return Promise.all(PAGES.map(function (url) {
        return fetch(url, {credentials: "same-origin", redirect: "manual"}).then(function (r) {
          if (r.ok && r.type === "basic") { return cache.put(url, r); }
        }).catch(function () { /* cached at the first visit instead */ });
      }));
    })
  ]).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Caches of earlier versions are removed: a new version's files replace them.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("kj-") === 0 && name !== SHELL_CACHE && name !== PAGE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(url) {
  return url.origin + url.pathname;
}

function fromNetworkFirst(request) {
  var url = new URL(request.url);
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected && !url.search) {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { cache.put(pageKey(url), copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(pageKey(url)).then(function (found) {
        return found || cache.match("/offline").then(function (offline) {
          return offline || new Response("Offline", {status: 503});
        });
      });
    });
  });
}

function fromCacheFirst(request) {
  return caches.match(request).then(function (found) {
    if (found) { return found; }
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/api/") === 0) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/vendor/") === 0) {
    event.respondWith(fromCacheFirst(request));
  }
});
