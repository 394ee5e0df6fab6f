/* Maps of points from a page's GeoJSON (core/_points_map.html): e.g. the places where checklist
 * items failed. A dot's size grows with properties.failures; properties.label is shown as text
 * (bindTextTooltip, never HTML); clicking a dot opens properties.url (a page of this site).
 * Maps inside an htmx-swapped fragment are drawn after the swap.
 */
(function () {
  "use strict";

  var baseMap = window.ChuangchengMap.baseMap;
  var bindTextTooltip = window.ChuangchengMap.bindTextTooltip;

  function radius(p) {
    var n = Number(p.failures) || 1;
    return Math.min(6 + 2 * Math.sqrt(n), 18);
  }

  function init(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.pointsMap);
    var data = source ? JSON.parse(source.textContent) : null;
    var map = baseMap(el);
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties || {};
        return L.circleMarker(latlng, { radius: radius(p), color: "#fff", weight: 2, fillColor: "#c62828", fillOpacity: 0.85 });
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        if (p.label) bindTextTooltip(layer, String(p.label), { sticky: true });
      },
    }).addTo(map);
    layer.on("click", function (e) {
      var p = e.layer && e.layer.feature && e.layer.feature.properties;
      if (p && typeof p.url === "string" && p.url.charAt(0) === "/" && p.url.charAt(1) !== "/") window.location.href = p.url;
    });
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    else map.setView([Number(el.dataset.centerLat) || 34.8, Number(el.dataset.centerLon) || 114.3], 13);
    el.dataset.loaded = "1";
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-points-map]").forEach(init);
  }

  initAll(document);
  document.body.addEventListener("htmx:afterSettle", function (e) { initAll(e.target); });
})();
