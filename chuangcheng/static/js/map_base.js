/* The one Leaflet map set-up every page shares: our own geometries on a canvas, over a base layer
 * chosen by the server (core.web.map_context, data-* attributes from core/_map_attrs.html):
 *  - data-tile-url: tiles, from the county's own MBTiles file (/tiles/…) or a configured tile
 *    service; their attribution is shown as text;
 *  - else data-roads-url: our own road network (places:roads_geojson), lines styled by road class
 *    with the road names as labels from zoom LABEL_MIN_ZOOM on, one label per name in the view.
 *    It is fetched once per page (the browser and the service worker keep it) and works offline.
 * Names on the map come from users and imports: they reach the page only as text (textContent,
 * bindTextTooltip; Leaflet would parse a string tooltip or attribution as HTML).
 */
(function () {
  "use strict";

  var ROAD_STYLES = {
    main: { casing: "#c9a24a", fill: "#ffe08a", weight: 7 },
    commercial: { casing: "#b38bc4", fill: "#f6e7fb", weight: 6 },
    secondary: { casing: "#a8a29a", fill: "#ffffff", weight: 5 },
    back_street: { casing: "#b9b3aa", fill: "#ffffff", weight: 3 },
  };
  var LABEL_MIN_ZOOM = 15;
  var LABEL_MIN_PX = 60; // a road shorter than this in the view gets no label
  var LABEL_GAP = { x: 90, y: 18 }; // labels closer than this to a placed one are dropped
  var MAX_LABELS = 60;

  function asText(value) {
    var div = document.createElement("div");
    div.textContent = value || "";
    return div.innerHTML;
  }

  function bindTextTooltip(layer, text, options) {
    var span = document.createElement("span");
    span.textContent = text;
    return layer.bindTooltip(span, options);
  }

  /* ---- the road network base layer ---- */

  var roadRequests = {}; // url → promise: one request per page however many maps it has

  function loadRoads(url) {
    if (!roadRequests[url]) {
      roadRequests[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
        .then(function (r) {
          if (!r.ok || r.redirected) throw new Error(String(r.status));
          return r.json();
        });
    }
    return roadRequests[url];
  }

  function roadStyle(part) {
    return function (feature) {
      var s = ROAD_STYLES[(feature.properties || {}).road_class] || ROAD_STYLES.secondary;
      return part === "casing"
        ? { color: s.casing, weight: s.weight + 2, opacity: 1, lineCap: "round", lineJoin: "round" }
        : { color: s.fill, weight: s.weight, opacity: 1, lineCap: "round", lineJoin: "round" };
    };
  }

  function lineParts(geometry) {
    if (!geometry) return [];
    if (geometry.type === "LineString") return [geometry.coordinates];
    if (geometry.type === "MultiLineString") return geometry.coordinates;
    return [];
  }

  // The longest stretch of a road inside the view, in pixels, and the point halfway along it.
  function visibleMiddle(map, parts, box) {
    var best = { length: 0, point: null };
    parts.forEach(function (coords) {
      var run = [], runLength = 0, last = null;
      var close = function () {
        if (runLength > best.length) best = { length: runLength, run: run };
        run = []; runLength = 0; last = null;
      };
      for (var i = 1; i < coords.length; i++) {
        var a = map.latLngToContainerPoint([coords[i - 1][1], coords[i - 1][0]]);
        var b = map.latLngToContainerPoint([coords[i][1], coords[i][0]]);
        var clipped = L.LineUtil.clipSegment(a, b, box, false, false);
        if (!clipped) { close(); continue; }
        if (last && last.distanceTo(clipped[0]) > 1) close();
        if (!run.length) run.push(clipped[0]);
        run.push(clipped[1]);
        runLength += clipped[0].distanceTo(clipped[1]);
        last = clipped[1];
      }
      close();
    });
    if (!best.run) return best;
    var half = best.length / 2;
    for (var j = 1; j < best.run.length; j++) {
      var step = best.run[j - 1].distanceTo(best.run[j]);
      if (step >= half) {
        var t = step ? half / step : 0;
        best.point = L.point(
          best.run[j - 1].x + (best.run[j].x - best.run[j - 1].x) * t,
          best.run[j - 1].y + (best.run[j].y - best.run[j - 1].y) * t
        );
        break;
      }
      half -= step;
    }
    return best;
  }

  function labelMarker(map, point, name) {
    var span = document.createElement("span");
    span.textContent = name;
    var icon = L.divIcon({ className: "road-label", html: span, iconSize: null });
    return L.marker(map.containerPointToLatLng(point), { icon: icon, interactive: false, keyboard: false, pane: "roadLabels" });
  }

  function placeLabels(map, roads, group) {
    group.clearLayers();
    var shown = 0;
    if (map.getZoom() >= LABEL_MIN_ZOOM) {
      var size = map.getSize();
      var box = L.bounds([8, 8], [size.x - 8, size.y - 8]);
      var candidates = [];
      roads.forEach(function (road) {
        var name = (road.properties || {}).name;
        if (!name) return;
        var middle = visibleMiddle(map, lineParts(road.geometry), box);
        if (middle.point && middle.length >= LABEL_MIN_PX) candidates.push({ name: String(name), length: middle.length, point: middle.point });
      });
      candidates.sort(function (a, b) { return b.length - a.length; });
      var placed = [], names = {};
      candidates.forEach(function (c) {
        if (shown >= MAX_LABELS || names[c.name]) return;
        var crowded = placed.some(function (p) { return Math.abs(p.x - c.point.x) < LABEL_GAP.x && Math.abs(p.y - c.point.y) < LABEL_GAP.y; });
        if (crowded) return;
        names[c.name] = true;
        placed.push(c.point);
        group.addLayer(labelMarker(map, c.point, c.name));
        shown += 1;
      });
    }
    map.getContainer().dataset.roadLabels = String(shown);
  }

  function roadBase(map, el) {
    el.classList.add("roads-base");
    var pane = map.createPane("roadsBase");
    pane.style.zIndex = 250;
    pane.style.pointerEvents = "none";
    var labelPane = map.createPane("roadLabels");
    labelPane.style.zIndex = 450;
    labelPane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "roadsBase" });
    var labels = L.layerGroup().addTo(map);
    loadRoads(el.dataset.roadsUrl).then(function (data) {
      var options = function (part) { return { pane: "roadsBase", renderer: renderer, interactive: false, style: roadStyle(part) }; };
      L.geoJSON(data, options("casing")).addTo(map);
      L.geoJSON(data, options("fill")).addTo(map);
      var roads = (data && data.features) || [];
      var timer = null;
      var relabel = function () { clearTimeout(timer); timer = setTimeout(function () { placeLabels(map, roads, labels); }, 60); };
      map.on("moveend zoomend resize", relabel);
      map.whenReady(relabel);
      el.dataset.roads = String(roads.length);
    }).catch(function () {
      el.dataset.roads = "failed"; // offline before the roads were ever kept: the plain background stays
    });
  }

  /* ---- the map ---- */

  function baseMap(el) {
    var map = L.map(el, { preferCanvas: true, zoomControl: true, maxZoom: 19 });
    var d = el.dataset;
    if (d.tileUrl) {
      L.tileLayer(d.tileUrl, {
        attribution: asText(d.tileAttribution),
        subdomains: d.tileSubdomains || "abc",
        minNativeZoom: Number(d.tileMinZoom) || 0,
        maxNativeZoom: Number(d.tileMaxZoom) || 19,
        maxZoom: 19,
      }).addTo(map);
    } else if (d.roadsUrl) {
      roadBase(map, el);
    }
    return map;
  }

  window.ChuangchengMap = { baseMap: baseMap, bindTextTooltip: bindTextTooltip };
})();
