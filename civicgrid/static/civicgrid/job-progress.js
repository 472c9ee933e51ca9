// A long job's page (core/job.html): poll its status and show the counters, as text only.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  var delay = 700;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value === null || value === undefined ? "" : String(value);
  }

  function show(state) {
    text("job-status", state.status_label);
    text("job-stage", state.stage);
    ["total", "read", "checked", "written", "errors"].forEach(function (name) {
      text("job-" + name, state[name]);
    });
    var bar = document.getElementById("job-progress");
    if (bar) {
      bar.value = state.percent || 0;
      bar.textContent = (state.percent || 0) + "%";
    }
    text("job-message", state.message);
    text("job-error", state.error);
    if (state.result_url) {
      var link = document.getElementById("job-result");
      link.setAttribute("href", state.result_url);
      link.classList.remove("d-none");
    }
    var links = document.getElementById("job-links");
    if (links && !links.childElementCount && state.links) {
      state.links.forEach(function (item) {
        if (typeof item.url !== "string" || item.url.charAt(0) !== "/" || item.url.charAt(1) === "/") return;
        var a = document.createElement("a");
        a.className = "btn btn-outline-secondary ms-2 job-link";
        a.setAttribute("href", item.url);
        a.textContent = item.label;
        links.appendChild(a);
      });
    }
    if (state.finished) box.dataset.finished = "1";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, delay * 3);
      });
  }
  window.setTimeout(poll, delay);
})();
