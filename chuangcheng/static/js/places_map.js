/* Maps of the responsibility map pages (Leaflet, served locally).
 *
 * <div data-map="static" data-source="ID">  draws the GeoJSON in <script id="ID"> and fits to it
 *                                            (detail pages, 我的责任区).
 * <div data-map="full" ...>                  the map page: layers loaded by bounding box from the
 *                                            GeoJSON API, and click-for-responsibility.
 * Every visible word comes from the template (data-* attributes), so it is translated there.
 */
(function () {
  "use strict";

  var ROAD_COLOURS = { main: "#c62828", secondary: "#ef6c00", back_street: "#1565c0", commercial: "#6a1b9a" };
  var PLEDGE_COLOURS = { signed: "#2e7d32", unsigned: "#9e9e9e", warned: "#f9a825", revoked: "#c62828" };
  var GRID_STYLE = { color: "#2e7d32", weight: 1, fillColor: "#66bb6a", fillOpacity: 0.12 };
  var SITE_COLOUR = "#00838f";

  var baseMap = window.ChuangchengMap.baseMap;
  var bindTextTooltip = window.ChuangchengMap.bindTextTooltip;

  function style(feature) {
    var p = feature.properties || {};
    if (p.kind === "segment") return { color: ROAD_COLOURS[p.road_class] || "#555", weight: 5, opacity: 0.9 };
    if (p.kind === "grid") return GRID_STYLE;
    if (p.kind === "site") return { color: SITE_COLOUR, weight: 2, fillOpacity: 0.25 };
    return {};
  }

  function pointToLayer(feature, latlng) {
    var p = feature.properties || {};
    var colour = p.kind === "shop" ? PLEDGE_COLOURS[p.pledge_status] || "#555" : SITE_COLOUR;
    return L.circleMarker(latlng, { radius: p.kind === "shop" ? 5 : 7, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.95 });
  }

  function tooltipText(p) {
    var extra = p.road_class_label || p.site_type || p.pledge_status_label || p.code || "";
    return extra ? p.name + "（" + extra + "）" : p.name;
  }

  function onEachFeature(feature, layer) {
    var p = feature.properties || {};
    if (p.name) bindTextTooltip(layer, tooltipText(p), { sticky: true });
  }

  function featureLayer(data) {
    return L.geoJSON(data || null, { style: style, pointToLayer: pointToLayer, onEachFeature: onEachFeature });
  }

  function fitTo(map, bounds, fallback) {
    if (bounds && bounds.isValid()) {
      var tiny = bounds.getNorthEast().distanceTo(bounds.getSouthWest()) < 30;
      if (tiny) map.setView(bounds.getCenter(), 17);
      else map.fitBounds(bounds, { padding: [20, 20] });
    } else {
      map.setView(fallback || [34.8, 114.3], 13);
    }
  }

  function initStatic(el) {
    var source = document.getElementById(el.dataset.source);
    var data = source ? JSON.parse(source.textContent) : null;
    var map = baseMap(el);
    var layer = featureLayer(data).addTo(map);
    // Detail links on the small maps: clicking a feature opens its page.
    layer.on("click", function (e) {
      var url = e.layer && e.layer.feature && e.layer.feature.properties.url;
      if (url && url !== window.location.pathname) window.location.href = url;
    });
    fitTo(map, layer.getBounds());
  }

  /* ---- the full map page ---- */

  function bboxParam(map) {
    var b = map.getBounds().pad(0.2);
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(6); }).join(",");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function layerLoader(map, layers, urls, notice) {
    var seq = 0;
    return function load() {
      var mine = ++seq;
      var bbox = bboxParam(map);
      var names = Object.keys(urls);
      Promise.all(names.map(function (n) { return getJSON(urls[n] + "?bbox=" + bbox); })).then(function (results) {
        if (mine !== seq) return; // a later pan already asked again
        var truncated = false;
        results.forEach(function (data, i) {
          layers[names[i]].clearLayers();
          layers[names[i]].addData(data);
          truncated = truncated || data.truncated;
        });
        if (notice) notice.hidden = !truncated;
        el(map).dataset.loaded = "1";
      });
    };
  }

  function el(map) { return map.getContainer(); }

  function linkOrText(panel, kind, ref) {
    if (!ref) return document.createTextNode(panel.dataset.none);
    var a = document.createElement("a");
    a.href = panel.dataset[kind + "Url"].replace("/0/", "/" + ref.id + "/");
    a.textContent = ref.name;
    return a;
  }

  function fill(panel, field, content) {
    var dd = panel.querySelector('[data-field="' + field + '"]');
    dd.textContent = "";
    if (typeof content === "string") dd.textContent = content;
    else dd.appendChild(content);
  }

  function names(panel, refs) {
    return refs.length ? refs.map(function (r) { return r.name; }).join("、") : panel.dataset.none;
  }

  function showResponsibility(panel, r) {
    var none = panel.dataset.none;
    fill(panel, "coords", r.lon.toFixed(6) + ", " + r.lat.toFixed(6));
    fill(panel, "segment", linkOrText(panel, "segment", r.segment));
    fill(panel, "segment_distance", r.segment_distance_m == null ? none : Math.round(r.segment_distance_m) + " " + panel.dataset.meters);
    fill(panel, "grid", linkOrText(panel, "grid", r.grid));
    fill(panel, "site", linkOrText(panel, "site", r.site));
    fill(panel, "units", names(panel, r.units));
    fill(panel, "people", names(panel, r.people));
  }

  function responsibilityTool(map, url, panel) {
    var marker = null;
    var show = function (id, on) { panel.querySelector("#" + id).hidden = !on; };
    map.on("click", function (e) {
      var lat = e.latlng.lat, lon = e.latlng.lng;
      if (marker) marker.setLatLng(e.latlng);
      else marker = L.circleMarker(e.latlng, { radius: 8, color: "#b71c1c", weight: 3, fillOpacity: 0 }).addTo(map);
      show("resp-hint", false); show("resp-error", false); show("resp-loading", true);
      getJSON(url + "?lon=" + lon.toFixed(7) + "&lat=" + lat.toFixed(7)).then(function (r) {
        showResponsibility(panel, r);
        show("resp-loading", false); show("resp-result", true);
        panel.dataset.lookups = String(Number(panel.dataset.lookups || 0) + 1);
      }).catch(function () {
        show("resp-loading", false); show("resp-result", false); show("resp-error", true);
      });
    });
  }

  function readExtent() {
    var node = document.getElementById("map-extent");
    var box = node ? JSON.parse(node.textContent) : null;
    return box ? L.latLngBounds([box[1], box[0]], [box[3], box[2]]) : null;
  }

  function initFull(mapEl) {
    var d = mapEl.dataset;
    var map = baseMap(mapEl);
    var layers = { grids: featureLayer(), segments: featureLayer(), sites: featureLayer() };
    layers.grids.addTo(map); layers.segments.addTo(map); layers.sites.addTo(map);
    var overlays = {};
    overlays[d.layerSegments] = layers.segments;
    overlays[d.layerGrids] = layers.grids;
    overlays[d.layerSites] = layers.sites;
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 700 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    var urls = { grids: d.gridsUrl, segments: d.segmentsUrl, sites: d.sitesUrl };
    var load = layerLoader(map, layers, urls, document.getElementById("map-notice"));
    var timer = null;
    map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
    fitTo(map, readExtent(), [Number(d.centerLat), Number(d.centerLon)]);
    var panel = document.getElementById("resp-panel");
    if (panel) responsibilityTool(map, d.responsibilityUrl, panel);
  }

  document.querySelectorAll("[data-map]").forEach(function (node) {
    if (node.dataset.map === "full") initFull(node);
    else initStatic(node);
  });
})();
