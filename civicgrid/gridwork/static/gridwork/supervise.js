/* The supervisor's live map: today's patrols of the subtree, each track inside its grid, refreshed
 * every config.every ms. Labels only through CivicGrid.textTooltip. */
(function () {
  "use strict";
  var box = document.getElementById("supervise-map");
  if (!box || !window.L) return;
  var config = JSON.parse(document.getElementById(box.getAttribute("data-config")).textContent);
  var S = config.strings || {};
  var status = document.getElementById("supervise-status");
  var map = L.map(box, { attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
  else box.classList.add("region-map-plain");
  map.setView([34.75, 113.65], 13);
  var layer = L.layerGroup().addTo(map);
  var fitted = false;
  function draw(data) {
    layer.clearLayers();
    var bounds = L.latLngBounds([]);
    Object.keys(data.grids).forEach(function (code) {
      var grid = data.grids[code];
      if (!grid.boundary) return;
      var g = L.geoJSON(grid.boundary, { style: { color: "#0b3a80", weight: 1, fillOpacity: 0.04 } }).addTo(layer);
      window.CivicGrid.textTooltip(g, grid.name);
      bounds.extend(g.getBounds());
    });
    data.patrols.forEach(function (p) {
      if (!p.track.length) return;
      var colour = p.live ? "#2b8a3e" : (p.active ? "#f08c00" : "#868e96");
      var line = L.polyline(p.track, { color: colour, weight: 4 }).addTo(layer);
      var label = p.worker + " · " + p.grid + " · " + (p.active ? S.live : S.ended) +
        (p.minutes !== null ? " · " + p.minutes + S.minutes : "") + " · " + S.coverage + Math.round(p.coverage * 100) + "%";
      window.CivicGrid.textTooltip(line, label);
      var end = p.track[p.track.length - 1];
      var dot = L.circleMarker(end, { radius: 7, color: colour, fillOpacity: 0.9 }).addTo(layer);
      dot.getElement && dot.getElement() && dot.getElement().setAttribute("data-patrol", String(p.id));
      window.CivicGrid.textTooltip(dot, p.worker);
      bounds.extend(line.getBounds());
    });
    if (!fitted && bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); fitted = true; }
    box.setAttribute("data-patrols", String(data.patrols.length));
    box.setAttribute("data-points", String(data.patrols.reduce(function (n, p) { return n + p.track.length; }, 0)));
    if (status) status.textContent = new Date().toLocaleTimeString();
  }
  function refresh() {
    fetch(config.data, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); }).then(draw).catch(function () {});
  }
  refresh();
  setInterval(refresh, config.every || 15000);
  box.setAttribute("data-state", "ready");
})();
