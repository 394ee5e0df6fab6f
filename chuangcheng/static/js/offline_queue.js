/* Submissions that wait for the network (core/offline.py explains the whole).
 *
 * A street page includes core/_offline_status.html and this file. It registers the service
 * worker, keeps submissions in IndexedDB ("outbox": url, form fields, photo blobs, headers,
 * the idempotency key made at the first attempt) and sends them, oldest first, when the
 * connection returns (the "online" event, every 30 s, at each page load). A submission is
 * removed only once the server has answered it; the key makes a repeated send harmless.
 *
 * Forms marked data-offline-form (the cases' report form) are queued here when the phone is
 * offline; the inspection form (inspections_field.js) always goes through ChuangchengOffline.submit.
 * Every visible word comes from data-* attributes of the status partial; text is set with
 * textContent only.
 */
(function () {
  "use strict";

  var DB_NAME = "chuangcheng-offline";
  var STORE = "outbox";
  var MAX_EDGE = 1600;
  var JPEG_QUALITY = 0.8;
  var RETRY_MS = 30000;
  var SEND_TIMEOUT_MS = 60000;  // a weak signal: give up on this attempt, the submission stays queued

  var statusEl = document.querySelector("[data-offline-status]");
  var user = statusEl ? statusEl.dataset.user || "" : "";
  var loginUrl = statusEl ? statusEl.dataset.loginUrl || "/accounts/login/" : "/accounts/login/";
  var lastKey = "chuangcheng-offline-last-sent:" + user;
  var flushing = null;
  var listeners = [];

  /* ---- IndexedDB ---- */

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () {
          open.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }

  function run(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function entries() {
    return run("readonly", function (store) { return store.getAll(); }).then(function (all) {
      // Only this person's: another person's submissions must never be sent with this session.
      return (all || []).filter(function (e) { return e.user === user; });
    });
  }
  function save(entry) { return run("readwrite", function (store) { return store.put(entry); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }

  /* ---- keys, cookies, photos ---- */

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* A photo as a JPEG whose long side is at most 1600 px: a 12 MP photo is never sent whole. */
  function downscale(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_EDGE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (blob) resolve(blob); else reject(new Error("encode"));
        }, "image/jpeg", JPEG_QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  /* ---- sending ---- */

  function errorsOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var items = doc.querySelectorAll(".errorlist li, .form-errors li");
    return Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).filter(Boolean).join("；");
  }

  /* One attempt. Resolves {ok, data|url} when the server took it, {retry: true} when it should be
   * tried again later (no network, server trouble, logged out), {message} when it was refused. */
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (f) { body.append(f[0], f[1]); });
    entry.files.forEach(function (f) { body.append(f[0], f[1], f[2]); });
    var token = csrfToken();
    if (entry.expect === "page") body.set("csrfmiddlewaretoken", token);
    var headers = { "X-CSRFToken": token };
    Object.keys(entry.headers || {}).forEach(function (k) { headers[k] = entry.headers[k]; });
    var needLogin = statusEl ? statusEl.dataset.needLogin : "";
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, SEND_TIMEOUT_MS) : null;
    var options = { method: "POST", body: body, headers: headers, credentials: "same-origin" };
    if (abort) options.signal = abort.signal;
    return fetch(entry.url, options).then(
      function (response) {
        if (response.status >= 500 || response.status === 429) return { retry: true };
        if (entry.expect === "json") {
          if (response.status === 401) return { retry: true, message: needLogin };
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (response.ok) return { ok: true, data: data };
            return { message: data.detail || String(response.status) };
          });
        }
        if (response.redirected && response.url.indexOf(loginUrl) >= 0) return { retry: true, message: needLogin };
        if (response.ok && response.redirected) return { ok: true, url: response.url };
        return response.text().then(function (html) { return { message: errorsOf(html) || String(response.status) }; });
      },
      function () { return { retry: true, offline: true }; }
    ).then(function (result) { if (timer) clearTimeout(timer); return result; });
  }

  function markSent() {
    try { localStorage.setItem(lastKey, new Date().toISOString()); } catch (e) { /* private mode */ }
  }

  function settle(entry, result) {
    if (result.ok) {
      markSent();
      return remove(entry.id).then(function () { listeners.forEach(function (fn) { fn(entry, result); }); return result; });
    }
    if (result.retry) {
      entry.error = result.message || "";
      return save(entry).then(function () { return result; });
    }
    entry.state = "failed";
    entry.error = result.message || "";
    return save(entry).then(function () { return result; });
  }

  function flush() {
    if (flushing) return flushing;
    flushing = entries().then(function (all) {
      var waiting = all.filter(function (e) { return e.state !== "failed"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (stop) {
          if (stop) return true;
          return send(entry).then(function (result) {
            return settle(entry, result).then(function () { return Boolean(result.retry); });
          });
        });
      }, Promise.resolve(false));
    }).catch(function () { /* IndexedDB unavailable: nothing kept, nothing to send */ }).then(function () {
      flushing = null;
      return render();
    });
    return flushing;
  }

  /* Keep a submission and try to send it at once. Resolves the attempt's result; a refusal
   * ({message}) is not kept, so that the person can correct the form and send it again. */
  function submit(entry) {
    entry.user = user;
    entry.created = new Date().toISOString();
    entry.state = "waiting";
    entry.fields = entry.fields || [];
    entry.files = entry.files || [];
    return save(entry).then(function (id) {
      entry.id = id;
      return (flushing || Promise.resolve()).then(function () { return send(entry); });
    }).then(function (result) {
      if (!result.ok && !result.retry) {
        return remove(entry.id).then(function () { return result; });
      }
      return settle(entry, result);
    }).then(function (result) { render(); return result; });
  }

  /* ---- the status line ---- */

  function render() {
    if (!statusEl) return Promise.resolve();
    var net = statusEl.querySelector("[data-offline-net]");
    if (net) {
      net.textContent = navigator.onLine ? statusEl.dataset.online : statusEl.dataset.offline;
      net.dataset.state = navigator.onLine ? "online" : "offline";
    }
    var last = statusEl.querySelector("[data-offline-last]");
    var when = null;
    try { when = localStorage.getItem(lastKey); } catch (e) { when = null; }
    if (last) {
      last.textContent = when ? new Date(when).toLocaleString("zh-CN", { hour12: false }) : statusEl.dataset.never;
      if (when) last.setAttribute("datetime", when);
    }
    return entries().then(function (all) {
      var waiting = all.filter(function (e) { return e.state !== "failed"; });
      var failed = all.filter(function (e) { return e.state === "failed"; });
      var count = statusEl.querySelector("[data-offline-count]");
      if (count) count.textContent = String(waiting.length);
      statusEl.dataset.waiting = String(waiting.length);
      renderFailed(failed);
    }).catch(function () {});
  }

  function renderFailed(failed) {
    var list = statusEl.querySelector("[data-offline-failed]");
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    list.hidden = failed.length === 0;
    failed.forEach(function (entry) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      text.textContent = (entry.label || "") + "：" + (entry.error || "");
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "linklike";
      drop.textContent = statusEl.dataset.discard;
      drop.addEventListener("click", function () { remove(entry.id).then(render); });
      li.appendChild(text);
      li.appendChild(drop);
      list.appendChild(li);
    });
  }

  /* ---- forms queued when offline (the cases' report form) ---- */

  function entryFromForm(form) {
    var data = new FormData(form);
    var fields = [], photos = [];
    data.forEach(function (value, name) {
      if (value instanceof File) {
        if (value.size) photos.push([name, value]);
      } else if (name !== "csrfmiddlewaretoken") {
        fields.push([name, value]);
      }
    });
    return Promise.all(photos.map(function (p) {
      return downscale(p[1]).then(function (blob) { return [p[0], blob, "photo.jpg"]; }, function () {
        return [p[0], p[1], p[1].name];  // not decodable here (e.g. HEIC): the server checks it
      });
    })).then(function (files) {
      return {
        url: form.action || window.location.href,
        expect: "page",
        label: form.dataset.offlineLabel || document.title,
        fields: fields,
        files: files,
        headers: {}
      };
    });
  }

  function queueForm(form, event) {
    if (navigator.onLine) return;  // online: the form is sent as usual
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!form.checkValidity()) { form.reportValidity(); return; }
    var button = form.querySelector("[type=submit]");
    var label = button ? button.textContent : "";
    entryFromForm(form).then(submit).then(function () {
      var notice = form.querySelector("[data-offline-notice]");
      if (notice) { notice.textContent = form.dataset.offlineQueued || ""; notice.hidden = false; }
      form.reset();
      var key = form.querySelector("input[name=idempotency_key]");
      if (key) key.value = newKey();  // the next report is a new one
      if (button) { button.disabled = false; button.textContent = label; }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-form]"), function (form) {
    // Capture phase: before the page's own submit handlers (which disable the button).
    form.addEventListener("submit", function (event) { queueForm(form, event); }, true);
  });

  /* ---- start ---- */

  if ("serviceWorker" in navigator && statusEl && statusEl.dataset.swUrl) {
    navigator.serviceWorker.register(statusEl.dataset.swUrl, { scope: "/" }).catch(function () {});
  }

  /* Keep these pages for offline use now (e.g. the checklists of today's places). */
  function keep(urls) {
    if (!window.caches || !urls.length) return Promise.resolve();
    return caches.keys().then(function (names) {
      var name = names.filter(function (n) { return n.indexOf("chuangcheng-pages-") === 0; })[0] || "chuangcheng-pages-1";
      return caches.open(name);
    }).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected && response.headers.get("X-Offline-Page")) return cache.put(url, response);
        }).catch(function () {});
      }));
    });
  }

  window.addEventListener("online", function () { render(); flush(); });
  window.addEventListener("offline", function () { render(); });
  setInterval(function () { if (navigator.onLine) flush(); }, RETRY_MS);
  render();
  if (navigator.onLine) flush();

  window.ChuangchengOffline = {
    submit: submit,
    flush: flush,
    keep: keep,
    downscale: downscale,
    newKey: newKey,
    onSent: function (fn) { listeners.push(fn); },
    render: render
  };
})();
