/* Buildings on the map inside their grids (Leaflet). No tiles unless an intranet tile server is
 * configured. The element gets data-state="ready" and data-buildings="<count>" when drawn. */
(function () {
  "use strict";
  var element = document.getElementById("people-map");
  if (!element || !window.L) return;
  var config = JSON.parse(document.getElementById(element.dataset.config).textContent);
  var status = document.getElementById("people-map-status");
  var map = L.map(element, { zoomControl: true, attributionControl: !!config.tileUrl });
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
        if (grid.boundary) L.geoJSON(grid.boundary, { style: { color: "#198754", weight: 1, fillOpacity: 0.05 } }).bindTooltip(grid.name).addTo(map);
      });
      var points = [];
      data.buildings.forEach(function (b) {
        var marker = L.circleMarker([b.lat, b.lon], { radius: 6, color: "#0b3a80", fillColor: "#3d7be0", fillOpacity: 0.85, weight: 1 });
        var popup = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = b.name;
        popup.appendChild(title);
        popup.appendChild(document.createElement("br"));
        popup.appendChild(document.createTextNode(config.strings.houses + " " + b.houses + " · " + config.strings.persons + " " + b.persons));
        popup.appendChild(document.createElement("br"));
        var link = document.createElement("a");
        link.href = b.url;
        link.textContent = config.strings.open;
        popup.appendChild(link);
        marker.bindPopup(popup).addTo(map);
        points.push([b.lat, b.lon]);
      });
      if (!bounds && points.length) map.fitBounds(points, { padding: [16, 16] });
      status.textContent = data.buildings.length ? data.buildings.length + " · " + config.strings.houses : config.strings.none;
      element.dataset.buildings = String(data.buildings.length);
      element.dataset.state = "ready";
    })
    .catch(function () {
      status.textContent = document.body.dataset.loadError || "error";
      element.dataset.state = "error";
    });
})();
