/* Maps of the case pages (Leaflet, served locally).
 *
 * <div data-cases-map="static" data-source="ID">  draws the GeoJSON in <script id="ID">: case points
 *   coloured by their status light (properties.light) or, on the intake page, by their role
 *   (properties.role: "self" = the new report, "candidate" = a possible duplicate); lines and
 *   polygons (the case's road segment) in a neutral style. Clicking a case opens its page.
 * Maps inside an htmx-swapped fragment (the list's map view) are drawn after the swap.
 */
(function () {
  "use strict";

  var LIGHT_COLOURS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828", none: "#757575" };
  var ROLE_COLOURS = { self: "#b71c1c", candidate: "#1565c0" };

  var baseMap = window.ChuangchengMap.baseMap;
  var bindTextTooltip = window.ChuangchengMap.bindTextTooltip;

  function pointToLayer(feature, latlng) {
    var p = feature.properties || {};
    var colour = ROLE_COLOURS[p.role] || LIGHT_COLOURS[p.light] || LIGHT_COLOURS.none;
    var radius = p.role === "self" ? 9 : 7;
    return L.circleMarker(latlng, { radius: radius, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95 });
  }

  function style() {
    return { color: "#555", weight: 5, opacity: 0.6 };
  }

  function onEachFeature(feature, layer) {
    var p = feature.properties || {};
    if (p.name) bindTextTooltip(layer, p.status ? p.name + "（" + p.status + "）" : p.name, { sticky: true });
  }

  function fit(map, layer, el) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      var tiny = bounds.getNorthEast().distanceTo(bounds.getSouthWest()) < 30;
      if (tiny) map.setView(bounds.getCenter(), 17);
      else map.fitBounds(bounds, { padding: [20, 20], maxZoom: 18 });
    } else {
      map.setView([Number(el.dataset.centerLat) || 34.8, Number(el.dataset.centerLon) || 114.3], 13);
    }
  }

  function initStatic(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.source);
    var data = source ? JSON.parse(source.textContent) : null;
    var map = baseMap(el);
    var layer = L.geoJSON(data, { style: style, pointToLayer: pointToLayer, onEachFeature: onEachFeature }).addTo(map);
    layer.on("click", function (e) {
      var p = e.layer && e.layer.feature && e.layer.feature.properties;
      if (p && p.kind === "case" && p.url && p.url !== window.location.pathname) window.location.href = p.url;
    });
    fit(map, layer, el);
    el.dataset.loaded = "1";
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-cases-map]").forEach(initStatic);
  }

  initAll(document);
  document.body.addEventListener("htmx:afterSettle", function (e) { initAll(e.target); });
})();
