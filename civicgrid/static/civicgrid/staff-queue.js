/* Dispatcher queue keyboard: j/k move, Enter opens, x ticks, a/d/s/v/c open the case with that
   action's form, / focuses the keyword filter. Rows are re-read after every htmx swap. */
(function () {
  "use strict";
  var SHORTCUTS = { a: "accept", d: "dispatch", s: "sign", v: "verify_pass", c: "close" };
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-case-row]"));
  }
  function select(index) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    list[current].scrollIntoView({ block: "nearest" });
  }
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var list = rows();
    var row = list[current];
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && row) { window.location.assign(row.getAttribute("data-url")); event.preventDefault(); }
    else if (event.key === "x" && row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    } else if (event.key === "/") {
      var q = document.getElementById("id_q");
      if (q) { q.focus(); event.preventDefault(); }
    } else if (SHORTCUTS[event.key] && row) {
      window.location.assign(row.getAttribute("data-url") + "?do=" + SHORTCUTS[event.key] + "#actions");
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "queue-body") {
      current = -1;
      var link = document.getElementById("export-link");
      if (link) link.href = link.href.split("?")[0] + window.location.search;
    }
  });
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var link = document.getElementById("export-link");
    if (link) link.href = link.href.split("?")[0] + window.location.search;
  });
})();
