/* A patrol's track drawn inside its grid (read-only). */
(function () {
  "use strict";
  var box = document.getElementById("patrol-map");
  if (!box || !window.L) return;
  var config = JSON.parse(document.getElementById(box.getAttribute("data-config")).textContent);
  var map = L.map(box, { attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
  else box.classList.add("region-map-plain");
  var outline = config.outline ? L.geoJSON(config.outline, { interactive: false, style: { color: "#0b3a80", weight: 2, fillOpacity: 0.05 } }) : null;
  var line = L.polyline(config.track || [], { color: "#1971c2", weight: 4 });
  if (outline) map.fitBounds(outline.getBounds(), { padding: [8, 8] });
  else if ((config.track || []).length) map.fitBounds(line.getBounds());
  else map.setView([34.75, 113.65], 14);
  if (outline) outline.addTo(map);
  line.addTo(map);
  (config.places || []).forEach(function (p) {
    window.CivicGrid.textTooltip(L.circle([p.lat, p.lng], { radius: p.radius, color: "#d9480f", weight: 1 }).addTo(map), p.name);
  });
  box.setAttribute("data-state", "ready");
})();
