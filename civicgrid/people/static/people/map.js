/* Buildings on the map inside their grids (Leaflet). No tiles unless an intranet tile server is
 * configured. The element gets data-state="ready" and data-buildings="<count>" when drawn. */
(function () {
  "use strict";
  var box = document.getElementById("people-map");
  if (!box || !window.L) return;
  var config = JSON.parse(document.getElementById(box.dataset.config).textContent);
  var status = document.getElementById("people-map-status");
  var map = L.map(box, { zoomControl: true, attributionControl: !!config.tileUrl });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "" }).addTo(map);
  var bounds = null;
  if (config.outline) {
    var outline = L.geoJSON(config.outline, { style: { color: "#0b3a80", weight: 2, dashArray: "6 4", fill: false } }).addTo(map);
    bounds = outline.getBounds();
  }
  if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
  else map.setView([34.73, 113.64], 14);
  fetch(config.buildingsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      data.grids.forEach(function (grid) {
        if (grid.boundary) {
          var outline = L.geoJSON(grid.boundary, { style: { color: "#198754", weight: 1, fillOpacity: 0.05 } });
          window.CivicGrid.textTooltip(outline, grid.name);
          outline.addTo(map);
        }
      });
      var points = [];
      data.buildings.forEach(function (b) {
        var marker = L.circleMarker([b.lat, b.lon], { radius: 6, color: "#0b3a80", fillColor: "#3d7be0", fillOpacity: 0.85, weight: 1 });
        window.CivicGrid.textPopup(marker, {
          title: b.name,
          lines: [config.strings.houses + " " + b.houses + " · " + config.strings.persons + " " + b.persons],
          links: [{ text: config.strings.open, href: b.url }],
        });
        marker.addTo(map);
        points.push([b.lat, b.lon]);
      });
      if (!bounds && points.length) map.fitBounds(points, { padding: [16, 16] });
      status.textContent = data.buildings.length ? data.buildings.length + " · " + config.strings.houses : config.strings.none;
      box.dataset.buildings = String(data.buildings.length);
      box.dataset.state = "ready";
    })
    .catch(function () {
      status.textContent = document.body.dataset.loadError || "error";
      box.dataset.state = "error";
    });
})();
