/* 重点部位: the grid's boundary and its key places (circles of their check-in radius) on the map;
 * a click on the map fills the new place's latitude and longitude and shows where it will be.
 * Labels only through CivicGrid.textTooltip. */
(function () {
  "use strict";
  var box = document.getElementById("places-map");
  if (!box || !window.L) return;
  var config = JSON.parse(document.getElementById(box.getAttribute("data-config")).textContent);
  var lat = document.getElementById("place-lat");
  var lng = document.getElementById("place-lng");
  var radius = document.getElementById("place-radius");
  var map = L.map(box, { attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
  else box.classList.add("region-map-plain");
  var bounds = L.latLngBounds([]);
  var grid = config.boundary
    ? L.geoJSON(config.boundary, { style: { color: "#0b3a80", weight: 2, fillOpacity: 0.05 } })
    : null;
  if (grid) bounds.extend(grid.getBounds());
  config.places.forEach(function (p) { bounds.extend([p.lat, p.lng]); });
  // A view first: circles are drawn in the map's projection, which needs one.
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
  else map.setView([34.75, 113.65], 14);
  if (grid) grid.addTo(map);
  config.places.forEach(function (p) {
    var circle = L.circle([p.lat, p.lng], {
      radius: p.radius,
      color: p.active ? "#2b8a3e" : "#868e96",
      fillOpacity: 0.2,
      dashArray: p.active ? null : "4 4",
    }).addTo(map);
    window.CivicGrid.textTooltip(circle, p.name);
  });

  var chosen = null;
  function show(latlng) {
    var r = Number(radius && radius.value) || 60;
    if (chosen) map.removeLayer(chosen);
    chosen = L.circle(latlng, { radius: r, color: "#f08c00", fillOpacity: 0.25 }).addTo(map);
    box.setAttribute("data-chosen", latlng.lat.toFixed(6) + "," + latlng.lng.toFixed(6));
  }
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    show(event.latlng);
  });
  [lat, lng, radius].forEach(function (input) {
    if (!input) return;
    input.addEventListener("change", function () {
      var a = Number(lat.value), b = Number(lng.value);
      if (lat.value && lng.value && isFinite(a) && isFinite(b)) show(L.latLng(a, b));
    });
  });
  if (lat.value && lng.value && isFinite(Number(lat.value)) && isFinite(Number(lng.value))) {
    show(L.latLng(Number(lat.value), Number(lng.value)));
  }
  box.setAttribute("data-state", "ready");
})();
