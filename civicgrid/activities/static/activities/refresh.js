/* Renew a page holding an expiring code: reload it (by GET) every data-seconds, unless the person is
 * typing in a field of it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var seconds = parseInt(script && script.getAttribute("data-seconds"), 10);
  if (!seconds || seconds < 10) return;
  window.setInterval(function () {
    var active = document.activeElement;
    var typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA") && active.value;
    if (!typing) window.location.replace(window.location.pathname);
  }, seconds * 1000);
})();
