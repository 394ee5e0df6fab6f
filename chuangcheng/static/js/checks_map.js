/* The map of a 周检查 / 模拟测评's places, coloured by the state of their visit.
 *
 * <div data-checks-map="static" data-source="ID"> draws the GeoJSON in <script id="ID">: sites as
 * points, road segments as lines, green when done, amber while pending, red when overdue.
 * Names come from users and imports: they reach the page only as text (bindTextTooltip).
 */
(function () {
  "use strict";

  var COLOURS = { done: "#2e7d32", pending: "#f9a825", overdue: "#c62828", missed: "#c62828" };
  var baseMap = window.ChuangchengMap.baseMap;
  var bindTextTooltip = window.ChuangchengMap.bindTextTooltip;

  function colour(feature) {
    var p = feature.properties || {};
    return COLOURS[p.state] || "#757575";
  }

  function pointToLayer(feature, latlng) {
    return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: colour(feature), fillOpacity: 0.95 });
  }

  function style(feature) {
    return { color: colour(feature), weight: 6, opacity: 0.85 };
  }

  function onEachFeature(feature, layer) {
    var p = feature.properties || {};
    var text = p.name + "（" + p.state_label + (p.team ? " · " + p.team : "") + "）";
    bindTextTooltip(layer, text, { sticky: true });
  }

  function init(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.source);
    var data = source ? JSON.parse(source.textContent) : null;
    var map = baseMap(el);
    var layer = L.geoJSON(data, { style: style, pointToLayer: pointToLayer, onEachFeature: onEachFeature }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    else map.setView([Number(el.dataset.centerLat) || 34.8, Number(el.dataset.centerLon) || 114.3], 13);
    el.dataset.loaded = "1";
  }

  document.querySelectorAll("[data-checks-map]").forEach(init);
})();
