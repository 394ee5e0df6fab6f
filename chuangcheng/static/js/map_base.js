/* The one Leaflet map set-up every page shares: our own geometries on a canvas, plus tiles
 * only when the deployment configured a tile URL (data-tile-* attributes from the template).
 * Names on the map come from users and imports: they reach the page only as text, through
 * bindTextTooltip (Leaflet would parse a string tooltip as HTML).
 */
(function () {
  "use strict";

  function baseMap(el) {
    var map = L.map(el, { preferCanvas: true, zoomControl: true });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        attribution: el.dataset.tileAttribution || "",
        subdomains: el.dataset.tileSubdomains || "abc",
        maxZoom: 19,
      }).addTo(map);
    }
    return map;
  }

  function bindTextTooltip(layer, text, options) {
    var span = document.createElement("span");
    span.textContent = text;
    return layer.bindTooltip(span, options);
  }

  window.ChuangchengMap = { baseMap: baseMap, bindTextTooltip: bindTextTooltip };
})();
