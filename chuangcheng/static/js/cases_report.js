/* The phone report form: GPS into the hidden lon/lat, a map with a draggable marker to adjust
 * the point, and a search box that filters the category <select>. Plain JS, no CDN.
 * Coordinates come from the browser's geolocation (WGS84); the server is told crs=wgs84.
 * Every visible word comes from data-* attributes in the template, so it is translated there.
 */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) return;
  var lonInput = document.getElementById("id_lon");
  var latInput = document.getElementById("id_lat");
  var statusEl = document.getElementById("location-status");
  var coordsEl = document.getElementById("location-coords");
  var mapEl = document.getElementById("report-map");

  /* ---- location ---- */

  var map = null, marker = null;

  function say(key) {
    if (statusEl && statusEl.dataset[key]) statusEl.textContent = statusEl.dataset[key];
    if (statusEl) statusEl.dataset.state = key;
  }

  function setPoint(lat, lon, why) {
    latInput.value = lat.toFixed(7);
    lonInput.value = lon.toFixed(7);
    if (coordsEl) coordsEl.textContent = lon.toFixed(6) + ", " + lat.toFixed(6);
    if (map) {
      var ll = L.latLng(lat, lon);
      if (marker) marker.setLatLng(ll);
      else {
        marker = L.marker(ll, { draggable: true, autoPan: true }).addTo(map);
        marker.on("dragend", function () {
          var p = marker.getLatLng();
          setPoint(p.lat, p.lng, "picked");
        });
      }
      if (why !== "picked") map.setView(ll, Math.max(map.getZoom() || 0, 17));
    }
    say(why);
  }

  function initMap() {
    if (!mapEl || typeof L === "undefined") return;
    map = window.ChuangchengMap.baseMap(mapEl);
    map.setView([Number(mapEl.dataset.centerLat) || 34.8, Number(mapEl.dataset.centerLon) || 114.3], 14);
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, "picked"); });
    if (latInput.value && lonInput.value) setPoint(Number(latInput.value), Number(lonInput.value), "picked");
  }

  function locate() {
    if (!("geolocation" in navigator)) { say("unsupported"); return; }
    say("locating");
    navigator.geolocation.getCurrentPosition(
      function (pos) { setPoint(pos.coords.latitude, pos.coords.longitude, "located"); },
      function () { if (!lonInput.value) say("failed"); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  initMap();
  var locateBtn = document.getElementById("locate-btn");
  if (locateBtn) locateBtn.addEventListener("click", locate);
  // Locate at once unless the form comes back with a point already chosen.
  if (!lonInput.value) locate();

  /* ---- category search ---- */

  var search = document.getElementById("category-search");
  var select = document.getElementById("id_category");
  if (search && select) {
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var firstMatch = null;
      groups.forEach(function (group) {
        var label = (group.label || "").toLowerCase();
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (opt) {
          var text = label + " " + opt.textContent.toLowerCase();
          var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
          opt.hidden = !ok;
          opt.disabled = !ok;
          if (ok) { shown += 1; if (!firstMatch) firstMatch = opt; }
        });
        group.hidden = shown === 0;
      });
      var current = select.options[select.selectedIndex];
      if (words.length && firstMatch && (!current || current.disabled || !current.value)) select.value = firstMatch.value;
      select.dataset.matches = String(select.querySelectorAll("option:not([disabled])").length);
    });
  }

  /* ---- one submission at a time (the idempotency key covers retries anyway) ---- */

  form.addEventListener("submit", function () {
    var button = document.getElementById("report-submit");
    if (!button) return;
    setTimeout(function () {
      button.disabled = true;
      if (button.dataset.busy) button.textContent = button.dataset.busy;
    }, 0);
  });
})();
