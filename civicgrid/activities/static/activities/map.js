/* The activity's place on a map (Leaflet): a pin to look at, or — on the organiser's form
 * (config.editable) — a pin to set by clicking or dragging, which fills the hidden id_lat / id_lng
 * fields. Settings come from a json_script block named by data-config; no tiles unless an intranet
 * tile server is configured. Text goes in as text (the marker's title attribute), never as HTML.
 * The element carries data-state="ready" once drawn. */
(function () {
  "use strict";
  var box = document.getElementById("activity-map");
  if (!box || !window.L) return;
  var config = JSON.parse(document.getElementById(box.getAttribute("data-config")).textContent);
  var status = document.getElementById("activity-map-status");
  var strings = config.strings || {};
  var map = L.map(box, { attributionControl: Boolean(config.tileUrl), scrollWheelZoom: false });
  if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
  else box.classList.add("region-map-plain");
  var outline = null;
  if (config.outline && config.outline.coordinates) {
    outline = L.geoJSON(config.outline, { interactive: false, style: { color: "#0b3a80", weight: 2, dashArray: "6 4", fillOpacity: 0.04 } }).addTo(map);
  }
  var marker = null;
  var lat = document.getElementById("id_lat");
  var lng = document.getElementById("id_lng");

  function say(text) {
    if (status) status.textContent = text || "";
  }

  function place(latlng) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: Boolean(config.editable), title: config.title || "", keyboard: true }).addTo(map);
      marker.on("dragend", function () {
        store(marker.getLatLng());
      });
    } else {
      marker.setLatLng(latlng);
    }
  }

  function store(latlng) {
    if (!lat || !lng) return;
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    box.setAttribute("data-pinned", "true");
    say(strings.pinned);
  }

  var start = null;
  if (config.editable && lat && lng && lat.value && lng.value) start = [parseFloat(lat.value), parseFloat(lng.value)];
  else if (config.pin) start = config.pin;
  if (start) {
    place(start);
    map.setView(start, 16);
  } else if (outline) {
    map.fitBounds(outline.getBounds(), { padding: [12, 12] });
  } else if (config.center) {
    map.setView(config.center, 15);
  } else {
    map.setView([34.75, 113.65], 12);
  }
  if (config.editable) {
    say(start ? strings.pinned : strings.hint);
    map.on("click", function (event) {
      place(event.latlng);
      store(event.latlng);
    });
  }
  box.setAttribute("data-state", "ready");
})();
