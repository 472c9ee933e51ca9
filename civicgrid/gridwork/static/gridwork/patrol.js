/* 巡格 on the phone: start/end a patrol, record positions (geolocation), keep them in localStorage
 * while the network is down and upload them in batches of config.batch. Every point carries its
 * sequence number for the patrol, so a batch sent twice or out of order is stored once (server
 * side). Text goes in as text only (CivicGrid.element / textContent). */
(function () {
  "use strict";
  var box = document.getElementById("patrol-map");
  if (!box) return;
  var config = JSON.parse(document.getElementById(box.getAttribute("data-config")).textContent);
  var S = config.strings || {};
  var KEY = "cg-gridwork-patrol";
  var statusEl = document.getElementById("patrol-status");
  var queueEl = document.getElementById("patrol-queue");
  var pointsEl = document.getElementById("patrol-points");
  var startBtn = document.getElementById("patrol-start");
  var endBtn = document.getElementById("patrol-end");
  var findingLink = document.getElementById("finding-link");
  var token = (document.querySelector("body").getAttribute("hx-headers") || "").match(/"X-CSRFToken": "([^"]+)"/);
  token = token ? token[1] : "";

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch (e) { return null; }
  }
  var state = load();
  if (config.patrol && (!state || state.id !== config.patrol)) state = { id: config.patrol, seq: config.lastSeq || 0, queue: [] };
  if (!config.patrol && state && state.id && !state.ending) state = null;
  function save() {
    if (state) localStorage.setItem(KEY, JSON.stringify(state)); else localStorage.removeItem(KEY);
    if (queueEl) queueEl.textContent = String(state ? state.queue.length : 0);
  }
  function say(text) { if (statusEl) statusEl.textContent = text || ""; }
  function url(name, id) { return config.urls[name].replace("/0/", "/" + id + "/"); }
  function post(target, body) {
    return fetch(target, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}) });
  }

  var map = L.map(box, { attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
  else box.classList.add("region-map-plain");
  var outline = config.outline ? L.geoJSON(config.outline, { interactive: false, style: { color: "#0b3a80", weight: 2, fillOpacity: 0.05 } }).addTo(map) : null;
  if (outline) map.fitBounds(outline.getBounds(), { padding: [8, 8] }); else map.setView([34.75, 113.65], 15);
  (config.places || []).forEach(function (p) {
    var c = L.circle([p.lat, p.lng], { radius: p.radius, color: "#d9480f", weight: 1 }).addTo(map);
    window.CivicGrid.textTooltip(c, p.name);
  });
  var line = L.polyline(config.track || [], { color: "#1971c2", weight: 4 }).addTo(map);
  var me = null;
  if (state) state.queue.forEach(function (p) { line.addLatLng([p.lat, p.lng]); });

  var inFlight = false;
  function flush() {
    if (!state || inFlight) return Promise.resolve();
    if (!navigator.onLine) {
      say(S.offline + " · " + S.queued.replace("%(n)s", state.queue.length));
      box.setAttribute("data-synced", "false");
      return Promise.resolve();
    }
    if (!state.queue.length) return state.ending ? finish() : Promise.resolve();
    inFlight = true;
    var batch = state.queue.slice(0, config.batch || 50);
    return post(url("points", state.id), { points: batch }).then(function (r) {
      if (!r.ok && r.status !== 413 && r.status !== 400) throw new Error("http " + r.status);
      return r.json();
    }).then(function (data) {
      var sent = {};
      batch.forEach(function (p) { sent[p.seq] = true; });
      state.queue = state.queue.filter(function (p) { return !sent[p.seq]; });
      if (pointsEl && data.accepted) pointsEl.textContent = String(parseInt(pointsEl.textContent || "0", 10) + data.accepted);
      save();
      say(state.queue.length ? S.queued.replace("%(n)s", state.queue.length) : S.synced);
      box.setAttribute("data-synced", state.queue.length ? "false" : "true");
      inFlight = false;
      return flush();
    }).catch(function () {
      inFlight = false;
      say(S.offline + " · " + S.queued.replace("%(n)s", state.queue.length));
      box.setAttribute("data-synced", "false");
    });
  }

  function finish() {
    return post(url("end", state.id), {}).then(function (r) {
      if (!r.ok) throw new Error("http " + r.status);
      return r.json();
    }).then(function (data) {
      state = null; save(); stopWatch();
      window.location.assign(data.url);
    }).catch(function () { say(S.offline); });
  }

  function record(pos) {
    if (!state || state.ending) return;
    var c = pos.coords, last = state.queue[state.queue.length - 1];
    if (state.lastAt && Date.now() - state.lastAt < 1000 && last && last.lat === c.latitude && last.lng === c.longitude) return;
    state.seq += 1;
    state.lastAt = Date.now();
    var point = { seq: state.seq, at: Date.now(), lat: c.latitude, lng: c.longitude, accuracy: c.accuracy };
    state.queue.push(point);
    state.here = [c.latitude, c.longitude];
    save();
    line.addLatLng([c.latitude, c.longitude]);
    if (!me) me = L.circleMarker(state.here, { radius: 6, color: "#0b7285", fillOpacity: 0.9 }).addTo(map);
    else me.setLatLng(state.here);
    box.setAttribute("data-points", String(state.seq));
    if (state.queue.length >= (config.batch || 50) || !inFlight) flush();
  }

  var watchId = null, poll = null;
  function startWatch() {
    if (!navigator.geolocation) { say(S.noGeo); return; }
    var fail = function () { say(S.noGeo); };
    watchId = navigator.geolocation.watchPosition(record, fail, { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 });
    poll = setInterval(function () { navigator.geolocation.getCurrentPosition(record, fail, { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 }); }, config.every || 10000);
  }
  function stopWatch() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    if (poll) clearInterval(poll);
  }
  function running(id) {
    startBtn.hidden = true; endBtn.hidden = false;
    if (findingLink) { findingLink.hidden = false; findingLink.href = url("finding", id); }
    document.querySelectorAll("[data-checkin]").forEach(function (b) { b.disabled = false; });
  }

  startBtn.addEventListener("click", function () {
    startBtn.disabled = true;
    var key = "start-" + Date.now() + "-" + Math.random().toString(36).slice(2, 10);
    post(config.urls.start, { key: key }).then(function (r) { return r.json(); }).then(function (data) {
      startBtn.disabled = false;
      if (!data.ok) { say(data.error); return; }
      state = { id: data.id, seq: data.points || 0, queue: [] };
      save(); running(data.id); startWatch();
      box.setAttribute("data-patrol", String(data.id));
    }).catch(function () { startBtn.disabled = false; say(S.offline); });
  });
  endBtn.addEventListener("click", function () {
    if (!state) return;
    state.ending = true; save(); endBtn.disabled = true;
    flush();
    // Until the patrol has ended: try every second (a batch in flight or a failed try would
    // otherwise wait for the 4-second tick).
    var ending = setInterval(function () { if (state) flush(); else clearInterval(ending); }, 1000);
  });
  document.querySelectorAll("[data-checkin]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!state || !state.here) return;
      post(url("checkin", state.id), { place: parseInt(button.getAttribute("data-checkin"), 10), lat: state.here[0], lng: state.here[1] })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (data.ok) { button.textContent = S.checkedIn; button.disabled = true; } else say(data.error); })
        .catch(function () { say(S.offline); });
    });
  });
  window.addEventListener("online", flush);
  setInterval(flush, 4000);
  save();
  if (state) { running(state.id); startWatch(); box.setAttribute("data-patrol", String(state.id)); flush(); }
  // The buttons come disabled from the server: a tap before this script listens would be lost.
  startBtn.disabled = false;
  endBtn.disabled = Boolean(state && state.ending);
  box.setAttribute("data-state", "ready");
})();
