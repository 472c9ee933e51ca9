/* 摸排填报 offline-tolerant: the form is sent as JSON with its key; when the network is down the
 * answers wait in localStorage and are sent (with the same key, so once) when it comes back.
 * Photo fields need the network (multipart upload through the normal form post). */
(function () {
  "use strict";
  var KEY = "cg-gridwork-forms";
  function queue() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function store(items) { localStorage.setItem(KEY, JSON.stringify(items)); show(); }
  var token = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRFToken": "([^"]+)"/);
  token = token ? token[1] : "";
  function show() {
    var el = document.getElementById("task-queue");
    if (el) el.textContent = queue().length ? String(queue().length) + " ⇡" : "";
  }
  function send(item) {
    return fetch(item.url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify({ answers: item.answers, key: item.key }) });
  }
  var busy = false;
  function flush() {
    if (busy) return;
    var items = queue();
    if (!items.length || !navigator.onLine) return;
    busy = true;
    send(items[0]).then(function (r) {
      busy = false;
      if (r.status >= 500) return;
      store(queue().filter(function (i) { return i.key !== items[0].key; }));
      flush();
    }).catch(function () { busy = false; });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  show(); flush();

  var form = document.getElementById("target-form");
  if (!form) return;
  var keyInput = form.querySelector("[data-fresh-key]");
  if (!keyInput.value) keyInput.value = "t" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  var status = document.getElementById("target-status");
  form.addEventListener("submit", function (event) {
    var hasPhoto = Array.prototype.some.call(form.querySelectorAll("[data-photo]"), function (i) { return i.files && i.files.length; });
    if (hasPhoto) {
      if (!navigator.onLine) { event.preventDefault(); status.textContent = form.getAttribute("data-photo-offline"); }
      return; // multipart post with the photo
    }
    event.preventDefault();
    var answers = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && /^f\d+$/.test(el.name) && el.type !== "file") answers[el.name] = el.value;
    });
    var item = { url: form.getAttribute("data-json-url"), answers: answers, key: keyInput.value };
    if (!navigator.onLine) {
      store(queue().concat([item]));
      status.textContent = form.getAttribute("data-offline");
      form.setAttribute("data-queued", "true");
      return;
    }
    send(item).then(function (r) { return r.json().then(function (d) { return [r, d]; }); }).then(function (pair) {
      if (pair[1].ok) window.location.assign(form.getAttribute("data-back"));
      else status.textContent = pair[1].error;
    }).catch(function () {
      store(queue().concat([item]));
      status.textContent = form.getAttribute("data-offline");
      form.setAttribute("data-queued", "true");
    });
  });
})();
