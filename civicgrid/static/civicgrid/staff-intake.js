/* Intake form map (hotline, entry for a resident): click to place the point (fills the hidden
   lon/lat); community boundaries from the server for orientation, and the same grid and building
   layers with their names as the resident's report form (maps.js, CivicGridMapLayers), so the pin
   says which grid and community it falls in. No tiles, nothing from outside the intranet. */
(function () {
  "use strict";
  var box = document.getElementById("intake-map");
  if (!box || !window.L) return;
  var lonInput = document.getElementById("id_lon");
  var latInput = document.getElementById("id_lat");
  var area = document.getElementById("intake-area");
  var layers = window.CivicGridMapLayers;
  var map = L.map(box, { attributionControl: false, zoomAnimation: false, fadeAnimation: false, renderer: L.svg({ padding: 0.3 }) }).setView([34.73, 113.64], 13);
  var marker = null;
  var grids = null; // the loaded grid features, once the layers are in
  function sayArea() {
    if (!area || !grids || !marker) return;
    var at = marker.getLatLng();
    var grid = layers.gridAt(grids, at.lng, at.lat);
    area.textContent = grid
      ? String(box.getAttribute("data-in-area"))
          .replace("%(grid)s", grid.properties.name || "")
          .replace("%(community)s", grid.properties.community || "")
      : box.getAttribute("data-outside");
  }
  function place(lat, lon) {
    if (marker) marker.setLatLng([lat, lon]);
    else marker = L.marker([lat, lon], { icon: L.divIcon({ className: "intake-pin", iconSize: [20, 20] }) }).addTo(map);
    lonInput.value = lon.toFixed(6);
    latInput.value = lat.toFixed(6);
    sayArea();
  }
  fetch(box.getAttribute("data-geojson"), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.features || !data.features.length) return;
      var layer = L.geoJSON(data, {
        style: { color: "#0b3a80", weight: 1, fillOpacity: 0.05 },
        onEachFeature: function (f, l) { window.CivicGrid.textTooltip(l, f.properties.name || ""); l.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); }); }
      }).addTo(map);
      if (!marker) map.fitBounds(layer.getBounds());
    })
    .catch(function () {});
  var layersUrl = box.getAttribute("data-layers-url");
  if (layers && layersUrl) {
    layers.load(layersUrl).then(
      function (data) { grids = layers.draw(map, box, data); sayArea(); },
      function () { box.setAttribute("data-layers", "error"); }
    );
  }
  map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
  var lat = parseFloat(box.getAttribute("data-lat")), lon = parseFloat(box.getAttribute("data-lon"));
  if (!isNaN(lat) && !isNaN(lon)) { place(lat, lon); map.setView([lat, lon], 15); }
})();
