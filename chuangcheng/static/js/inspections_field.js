/* The phone pages of inspections: today's list sorted by distance, nearby places, the checklist form.
 *
 * The form is sent through the offline queue (offline_queue.js) to the API: photos downscaled
 * here (long side ≤ 1600 px, JPEG 0.8) with the GPS position and time recorded when taken, the
 * idempotency key made at the first submit. Without a signal it waits on the phone and is sent
 * when the connection returns. Every visible word comes from data-* attributes of the template;
 * text is set with textContent only.
 */
(function () {
  "use strict";

  var Offline = window.ChuangchengOffline;
  var position = null;  // {lon, lat} of the phone, WGS84

  function locate(onDone) {
    if (!("geolocation" in navigator)) { onDone(null); return; }
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        position = { lon: pos.coords.longitude, lat: pos.coords.latitude };
        onDone(position);
      },
      function () { onDone(null); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function metres(lon1, lat1, lon2, lat2) {
    var r = 6371008.8, rad = Math.PI / 180;
    var dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
    var a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * r * Math.asin(Math.sqrt(a));
  }

  /* ---- today's list ---- */

  function todayList() {
    var list = document.querySelector("[data-field-list]");
    if (!list) return;
    var status = document.getElementById("sort-status");
    var units = document.getElementById("distance-units");
    var say = function (key) { if (status && status.dataset[key]) status.textContent = status.dataset[key]; };
    // Keep today's checklists (and the report form) on the phone while there is a signal.
    if (Offline && navigator.onLine) {
      var urls = Array.prototype.map.call(list.querySelectorAll("a[data-keep]"), function (a) { return a.href; });
      if (list.dataset.keepUrl) urls.push(list.dataset.keepUrl);
      Offline.keep(urls);
    }
    say("locating");
    locate(function (here) {
      if (!here) { say("failed"); return; }
      var rows = Array.prototype.slice.call(list.querySelectorAll("li[data-lon]"));
      rows.forEach(function (li) {
        var d = metres(here.lon, here.lat, Number(li.dataset.lon), Number(li.dataset.lat));
        li.dataset.distance = String(d);
        var label = li.querySelector("[data-distance]");
        if (label && units) {
          label.textContent = d < 1000 ? Math.round(d) + " " + units.dataset.m : (d / 1000).toFixed(1) + " " + units.dataset.km;
        }
      });
      rows.sort(function (a, b) {
        var pa = a.dataset.pending === "1" ? 0 : 1, pb = b.dataset.pending === "1" ? 0 : 1;
        return pa - pb || Number(a.dataset.distance) - Number(b.dataset.distance);
      });
      rows.forEach(function (li) { list.appendChild(li); });
      say("sorted");
    });
  }

  /* ---- nearby ---- */

  function nearbyPage() {
    var status = document.querySelector("[data-nearby]");
    if (!status) return;
    var go = function () {
      if (!navigator.onLine) { status.textContent = status.dataset.offline; return; }
      status.textContent = status.dataset.locating;
      locate(function (here) {
        if (!here) { status.textContent = status.dataset.failed; return; }
        var url = new URL(window.location.href);
        url.searchParams.set("lon", here.lon.toFixed(6));
        url.searchParams.set("lat", here.lat.toFixed(6));
        window.location.replace(url.toString());
      });
    };
    var again = document.getElementById("relocate");
    if (again) again.addEventListener("click", go);
    if (!new URL(window.location.href).searchParams.get("lon")) go();
  }

  /* ---- the checklist form ---- */

  function inspectForm() {
    var form = document.getElementById("inspect-form");
    if (!form || !Offline) return;
    var photos = {};  // item id → [{blob, url, taken_at, lon, lat}]
    var errorBox = document.getElementById("form-error");
    var notice = document.getElementById("queued-notice");
    var button = document.getElementById("inspect-submit");
    var gps = document.getElementById("gps-status");
    var buttonText = button ? button.textContent : "";
    var key = null;  // made at the first submit, kept for every retry of this inspection

    function showError(text) {
      errorBox.textContent = text;
      errorBox.hidden = !text;
      if (text) errorBox.scrollIntoView({ block: "center" });
    }

    if (gps) {
      locate(function (here) {
        gps.textContent = here ? form.dataset.msgLocated : form.dataset.msgUnlocated;
        if (here) {
          document.getElementById("id_lon").value = here.lon.toFixed(7);
          document.getElementById("id_lat").value = here.lat.toFixed(7);
        }
      });
    }

    var items = Array.prototype.slice.call(form.querySelectorAll(".check-item"));
    items.forEach(function (fieldset) {
      var id = fieldset.dataset.item;
      var failure = fieldset.querySelector("[data-failure]");
      var input = fieldset.querySelector("[data-photo-input]");
      var thumbs = fieldset.querySelector("[data-thumbs]");
      photos[id] = [];
      function sync() {
        var chosen = fieldset.querySelector("input[type=radio]:checked");
        var failed = Boolean(chosen && chosen.value === "fail");
        failure.hidden = !failed;
        fieldset.dataset.outcome = chosen ? chosen.value : "";
      }
      Array.prototype.forEach.call(fieldset.querySelectorAll("input[type=radio]"), function (radio) {
        radio.addEventListener("change", sync);
      });
      sync();
      input.addEventListener("change", function () {
        var files = Array.prototype.slice.call(input.files || []);
        var here = position;
        Promise.all(files.map(function (file) {
          return Offline.downscale(file).then(function (blob) {
            return {
              blob: blob,
              taken_at: new Date(file.lastModified || Date.now()).toISOString(),
              lon: here ? here.lon : null,
              lat: here ? here.lat : null
            };
          });
        })).then(function (done) {
          done.forEach(function (p) {
            photos[id].push(p);
            var li = document.createElement("li");
            var img = document.createElement("img");
            img.src = URL.createObjectURL(p.blob);
            img.alt = "";
            li.appendChild(img);
            thumbs.appendChild(li);
          });
          fieldset.dataset.photos = String(photos[id].length);
          input.value = "";  // the original (maybe 12 MP) is never sent
        }, function () { showError(form.dataset.msgPhotoFailed); });
      });
    });

    function collect() {
      var answers = [], files = [], missing = 0;
      for (var i = 0; i < items.length; i++) {
        var fieldset = items[i];
        var id = fieldset.dataset.item;
        var chosen = fieldset.querySelector("input[type=radio]:checked");
        if (!chosen) { missing += 1; continue; }
        var answer = { item_id: Number(id), outcome: chosen.value, note: "", photos: [] };
        if (chosen.value === "fail") {
          answer.note = fieldset.querySelector("input[name^=note_]").value;
          if (fieldset.dataset.photoRequired === "1" && !photos[id].length) {
            return { error: form.dataset.msgPhoto.replace("{item}", fieldset.dataset.text) };
          }
          photos[id].forEach(function (p) {
            answer.photos.push({ index: files.length, taken_at: p.taken_at, lon: p.lon, lat: p.lat });
            files.push(["photos", p.blob, "photo-" + files.length + ".jpg"]);
          });
        }
        answers.push(answer);
      }
      if (missing) return { error: form.dataset.msgMissing.replace("{n}", String(missing)) };
      var payload = {
        answers: answers,
        note: document.getElementById("id_note").value,
        lon: position ? position.lon : null,
        lat: position ? position.lat : null
      };
      if (form.dataset.site) payload.site_id = Number(form.dataset.site);
      if (form.dataset.segment) payload.segment_id = Number(form.dataset.segment);
      if (form.dataset.visit) payload.visit_id = Number(form.dataset.visit);
      return { payload: payload, files: files };
    }

    function reset() {
      form.reset();
      key = null;
      items.forEach(function (fieldset) {
        photos[fieldset.dataset.item] = [];
        var thumbs = fieldset.querySelector("[data-thumbs]");
        while (thumbs.firstChild) thumbs.removeChild(thumbs.firstChild);
        fieldset.querySelector("[data-failure]").hidden = true;
        fieldset.dataset.photos = "0";
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      showError("");
      var built = collect();
      if (built.error) { showError(built.error); return; }
      key = key || Offline.newKey();
      button.disabled = true;
      button.textContent = form.dataset.msgSending;
      Offline.submit({
        url: form.dataset.apiUrl,
        expect: "json",
        label: form.dataset.label,
        key: key,
        headers: { "Idempotency-Key": key },
        fields: [["payload", JSON.stringify(built.payload)]],
        files: built.files
      }).then(function (result) {
        button.disabled = false;
        button.textContent = buttonText;
        if (result.ok) {
          window.location.assign(result.data.done_url || form.dataset.doneUrl + "?key=" + encodeURIComponent(key));
        } else if (result.retry) {
          reset();
          notice.textContent = form.dataset.msgQueued;
          notice.hidden = false;
          notice.scrollIntoView({ block: "center" });
        } else {
          showError(result.message);
        }
      });
    });
  }

  todayList();
  nearbyPage();
  inspectForm();
})();
