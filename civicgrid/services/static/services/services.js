/* 便民服务: filters that submit on change, and the map of shops near home (Leaflet, text only:
 * a marker's title and the list beside it, never an HTML popup or tooltip). Configuration comes from
 * a <script type="application/json"> block (Django's json_script), never from inline script. */
(function () {
  "use strict";

  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });

  var container = document.querySelector("[data-nearby-map]");
  if (!container || typeof L === "undefined") return;
  var source = document.getElementById(container.getAttribute("data-nearby-map"));
  var config = source ? JSON.parse(source.textContent) : null;
  if (!config || !config.home) return;

  var map = L.map(container, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
    map.attributionControl.setPrefix(false);
  }
  L.control.scale({ imperial: false }).addTo(map);
  var home = L.latLng(config.home[0], config.home[1]);
  map.setView(home, 15); // a view first: the circle's bounds need the map's projection
  var circle = L.circle(home, { radius: config.within, color: "#0d4ea6", weight: 1.5, fillOpacity: 0.05, interactive: false }).addTo(map);
  L.marker(home, { title: (config.strings && config.strings.home) || "", keyboard: false }).addTo(map);
  var items = document.querySelectorAll("[data-shop]");
  (config.shops || []).forEach(function (shop, index) {
    var marker = L.circleMarker([shop[0], shop[1]], { radius: 7, color: "#b35c00", weight: 2, fillColor: "#ff9f1a", fillOpacity: 0.9 });
    marker.addTo(map);
    // The shop's name as the SVG element's title (text), for pointer users and assistive tools.
    var path = marker.getElement && marker.getElement();
    if (path) {
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = shop[2];
      path.appendChild(title);
    }
    marker.on("click", function () {
      items.forEach(function (item) { item.classList.remove("is-highlighted"); });
      var item = items[index];
      if (item) {
        item.classList.add("is-highlighted");
        item.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    });
  });
  map.fitBounds(circle.getBounds(), { padding: [8, 8] });
  container.setAttribute("data-state", "ready");
  container.setAttribute("data-markers", String((config.shops || []).length));
})();
