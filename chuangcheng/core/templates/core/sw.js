{% load static %}/* chuangcheng service worker: street pages keep working without a signal (core/offline.py).
 *
 * - Pages answered with the {{ offline_header }} header are kept (the last copy of each) and
 *   served when the network fails; every other page always goes to the network.
 * - Our own static files are kept too, so a kept page still has its script and style.
 * - Opening the login page (after a logout or an expired session) drops every kept page, so
 *   the next person on this phone never reads the previous one's lists.
 * - The maps' base layers: the road network (the kept copy, refreshed in the background) and
 *   the tiles of our own /tiles/ endpoint (the kept copy first: a tile changes only with the file).
 * Submissions made offline are not this file's business: offline_queue.js keeps them.
 */
"use strict";

var VERSION = "{{ version|escapejs }}";
var PAGES = "chuangcheng-pages-" + VERSION;
var STATIC = "chuangcheng-static-" + VERSION;
var MAPS = "chuangcheng-maps-" + VERSION;
var ROADS = "{{ roads_url|escapejs }}";
var TILES_PREFIX = "{{ tiles_prefix|escapejs }}";
var HEADER = "{{ offline_header|escapejs }}";
var LOGIN = "{{ login_url|escapejs }}";
var STATIC_PREFIX = "{% get_static_prefix %}";
var PRECACHE = [
  "{% static 'css/app.css' %}",
  "{% static 'css/street.css' %}",
  "{% static 'js/app.js' %}",
  "{% static 'js/offline_queue.js' %}",
  "{% static 'js/inspections_field.js' %}",
  "{% static 'js/cases_report.js' %}",
  "{% static 'js/map_base.js' %}",
  "{% static 'vendor/leaflet/leaflet.js' %}",
  "{% static 'vendor/leaflet/leaflet.css' %}",
  "{% static 'vendor/leaflet/images/marker-icon.png' %}",
  "{% static 'vendor/leaflet/images/marker-icon-2x.png' %}",
  "{% static 'vendor/leaflet/images/marker-shadow.png' %}"
];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(
    caches.open(STATIC).then(function (cache) {
      // One missing file must not stop the worker from installing.
      return Promise.all(PRECACHE.map(function (url) { return cache.add(url).catch(function () {}); }));
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("chuangcheng-") === 0 && name !== PAGES && name !== STATIC && name !== MAPS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromStatic(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      return kept || fresh;
    });
  });
}

// A base layer answer worth keeping: ours, and not the login page a lapsed session redirects to.
function keepable(response) {
  return response.ok && !response.redirected;
}

// The kept copy at once (a weak signal must not hold the map up), refreshed from the network for next time.
function roadsKeptThenRefreshed(request) {
  return caches.open(MAPS).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (keepable(response)) cache.put(request, response.clone());
        return response;
      });
      if (kept) {
        fresh.catch(function () {});
        return kept;
      }
      return fresh;
    });
  });
}

function tileKeptFirst(request) {
  return caches.open(MAPS).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (keepable(response)) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

function keptPage(request) {
  return caches.open(PAGES).then(function (cache) {
    // ignoreVary: a page kept by the list (fetch) and asked for by a navigation differ in Accept.
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || cache.match(request, { ignoreVary: true, ignoreSearch: true });
    });
  });
}

// With a weak signal a page may take long: after this, the kept copy (if any) is shown instead.
var SLOW_MS = 6000;

function fromNetworkThenKept(request) {
  var network = fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.headers.get(HEADER)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  });
  var offline = function () {
    return keptPage(request).then(function (kept) {
      return kept || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  };
  var slow = new Promise(function (resolve) {
    setTimeout(function () {
      keptPage(request).then(function (kept) { if (kept) resolve(kept); });
    }, SLOW_MS);
  });
  return Promise.race([network.catch(offline), slow]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(fromStatic(request));
    return;
  }
  if (url.pathname === ROADS) {
    event.respondWith(roadsKeptThenRefreshed(request));
    return;
  }
  if (url.pathname.indexOf(TILES_PREFIX) === 0) {
    event.respondWith(tileKeptFirst(request));
    return;
  }
  if (url.pathname.indexOf(LOGIN) === 0) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.mode === "navigate" || (request.headers.get("Accept") || "").indexOf("text/html") >= 0) {
    event.respondWith(fromNetworkThenKept(request));
  }
});
