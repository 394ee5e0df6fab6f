/* The one Leaflet map set-up every page shares: our own geometries on a canvas, plus tiles
 * only when the deployment configured a tile URL (data-tile-* attributes from the template).
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

  window.ChuangchengMap = { baseMap: baseMap };
})();
