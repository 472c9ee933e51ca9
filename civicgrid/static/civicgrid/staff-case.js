/* Case page: a small offline map (marker and the grid's boundary, no tiles), and a poll of the
   case's version that shows "case changed, reload" when someone else acted meanwhile. */
(function () {
  "use strict";
  var mapBox = document.getElementById("case-map");
  if (mapBox && window.L) {
    var lat = parseFloat(mapBox.getAttribute("data-lat"));
    var lon = parseFloat(mapBox.getAttribute("data-lon"));
    var map = L.map(mapBox, { attributionControl: false, zoomAnimation: false, fadeAnimation: false, renderer: L.svg({ padding: 0.3 }) }).setView([lat, lon], 16);
    var boundaryNode = document.getElementById("grid-boundary");
    var boundary = boundaryNode ? JSON.parse(boundaryNode.textContent) : null;
    var layer = null;
    if (boundary) {
      layer = L.geoJSON(boundary, { style: { color: "#0b3a80", weight: 2, fillOpacity: 0.08 } }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    }
    L.circleMarker([lat, lon], { radius: 8, color: "#dc3545", fillOpacity: 0.9 }).addTo(map);
    // The card may still be laying out when the script runs: measure again, then fit.
    window.requestAnimationFrame(function () {
      map.invalidateSize();
      if (layer) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      mapBox.setAttribute("data-state", "ready");
    });
  }

  var header = document.getElementById("case-header");
  var banner = document.getElementById("changed-banner");
  if (!header || !banner) return;
  var url = header.getAttribute("data-version-url");
  var seen = header.getAttribute("data-version");
  function check() {
    if (document.hidden) return;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.version) !== String(seen)) {
          banner.classList.remove("d-none");
          document.querySelectorAll("#actions button[type=submit]").forEach(function (b) { b.disabled = true; });
        }
      })
      .catch(function () {});
  }
  var interval = parseInt(document.body.getAttribute("data-case-poll") || "15000", 10);
  window.setInterval(check, interval);
  document.addEventListener("visibilitychange", check);
  window.civicgridCheckCase = check;

  // The phone's action bar: open the chosen action's form where it stands and put the cursor in it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-open-action]");
    if (!link) return;
    var name = link.getAttribute("data-open-action");
    var target = document.getElementById(name ? "action-" + name : "actions");
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "DETAILS") target.open = true;
    target.scrollIntoView({ block: "start" });
    var field = target.querySelector("textarea, select, input:not([type=hidden]), button[type=submit]");
    if (field) field.focus({ preventScroll: true });
  });
})();
