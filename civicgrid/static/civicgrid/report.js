/* Resident report (我要上报) and grid worker quick report (随手拍) pages.
 *
 * Configuration comes from a json_script block named by the form's data-report-form /
 * data-quick-form attribute: the community outline, the map centre, the (intranet) tile server if
 * any, and translated strings. No tiles are loaded unless the installation configured them: the
 * map draws our own layers instead (people:map_layers): the grids with their names and the
 * buildings with theirs, so that a tap lands where it is meant to. When the pin is placed, the page
 * says which grid and community the point falls in (point in polygon on the loaded grids).
 * Photos, video and voice go up as soon as they are chosen or recorded (uploads.js).
 * After set-up the map element carries data-state="ready", and data-layers="ready" once the layers
 * are drawn (for the browser tests).
 */
(function () {
  "use strict";

  function readJSON(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function say(text) {
    var status = document.getElementById("location-status");
    if (status && text) status.textContent = text;
  }

  function setPoint(form, lat, lon) {
    form.querySelector("[name=lat]").value = lat.toFixed(6);
    form.querySelector("[name=lon]").value = lon.toFixed(6);
  }

  function locate(onSuccess, onFailure) {
    if (!navigator.geolocation) {
      onFailure();
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        onSuccess(position.coords.latitude, position.coords.longitude);
      },
      onFailure,
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  }

  // Our own layers (grids and buildings with their names) are drawn by maps.js (CivicGridMapLayers).
  var layers = window.CivicGridMapLayers || {};
  var gridAt = layers.gridAt, drawLayers = layers.draw, loadLayers = layers.load;

  function reportMap(form, config) {
    var element = document.getElementById("report-map");
    if (!element || typeof L === "undefined") return;
    var strings = config.strings || {};
    var map = L.map(element, { zoomControl: true, attributionControl: Boolean(config.tileUrl) });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var marker = null;
    var grids = null; // the loaded grid features, once the layers are in
    var area = document.getElementById("location-area");
    function sayArea(lat, lon) {
      if (!area || !grids) return;
      var grid = gridAt(grids, lon, lat);
      area.textContent = grid
        ? format(strings.inArea, { grid: grid.properties.name, community: grid.properties.community })
        : strings.outside || "";
      area.classList.toggle("text-warning-emphasis", !grid);
      area.setAttribute("data-grid", grid ? grid.properties.code : "");
    }
    function pin(lat, lon, message) {
      var point = L.latLng(lat, lon);
      if (marker) {
        marker.setLatLng(point);
      } else {
        marker = L.marker(point, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () {
          var moved = marker.getLatLng();
          setPoint(form, moved.lat, moved.lng);
          say(strings.pinned);
          sayArea(moved.lat, moved.lng);
        });
      }
      setPoint(form, lat, lon);
      element.setAttribute("data-pinned", "true");
      say(message);
      sayArea(lat, lon);
    }
    var outline = null;
    if (config.outline) {
      outline = L.geoJSON(config.outline, {
        interactive: false,
        style: { color: "#0d4ea6", weight: 2, dashArray: "6 4", fillOpacity: 0.05 },
      }).addTo(map);
    }
    if (outline && outline.getBounds().isValid()) {
      map.fitBounds(outline.getBounds(), { padding: [12, 12] });
    } else if (config.center) {
      map.setView(config.center, 16);
    } else {
      map.setView([34.75, 113.62], 12);
    }
    var lat = parseFloat(form.querySelector("[name=lat]").value);
    var lon = parseFloat(form.querySelector("[name=lon]").value);
    if (!isNaN(lat) && !isNaN(lon)) pin(lat, lon, strings.pinned);
    map.on("click", function (event) {
      pin(event.latlng.lat, event.latlng.lng, strings.pinned);
    });
    var button = form.querySelector("[data-locate]");
    if (button) {
      button.addEventListener("click", function () {
        say(strings.locating);
        locate(
          function (la, lo) {
            pin(la, lo, strings.located);
            map.setView([la, lo], Math.max(map.getZoom(), 17));
          },
          function () {
            say(strings.noGps);
          }
        );
      });
    }
    if (config.layersUrl) {
      loadLayers(config.layersUrl).then(
        function (data) {
          grids = drawLayers(map, element, data);
          if (marker) {
            var at = marker.getLatLng();
            sayArea(at.lat, at.lng);
          }
        },
        function () {
          element.setAttribute("data-layers", "error"); // the outline still shows the community
        }
      );
    }
    element.setAttribute("data-state", "ready");
  }

  function recorder(form, strings) {
    var button = form.querySelector("[data-record]");
    var input = form.querySelector("input[name=audio]");
    if (!button || !input) return;
    if (!window.MediaRecorder || !navigator.mediaDevices || typeof DataTransfer === "undefined") {
      button.hidden = true;
      input.classList.remove("visually-hidden");
      input.classList.add("form-control");
      return;
    }
    var status = form.querySelector("[data-record-status]");
    var preview = form.querySelector("[data-record-preview]");
    var active = null;
    button.addEventListener("click", function () {
      if (active) {
        active.stop();
        return;
      }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(
        function (stream) {
          var chunks = [];
          var started = Date.now();
          active = new MediaRecorder(stream);
          active.addEventListener("dataavailable", function (event) {
            if (event.data && event.data.size) chunks.push(event.data);
          });
          active.addEventListener("stop", function () {
            stream.getTracks().forEach(function (track) {
              track.stop();
            });
            var type = active.mimeType || "audio/webm";
            var extension = type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm";
            var blob = new Blob(chunks, { type: type });
            var transfer = new DataTransfer();
            transfer.items.add(new File([blob], "voice." + extension, { type: type }));
            input.files = transfer.files;
            // uploads.js sends the clip at once, like a chosen file.
            input.dispatchEvent(new Event("change", { bubbles: true }));
            preview.src = URL.createObjectURL(blob);
            preview.hidden = false;
            status.textContent = format(strings.recorded, { seconds: Math.round((Date.now() - started) / 1000) });
            button.setAttribute("aria-pressed", "false");
            active = null;
          });
          active.start();
          button.setAttribute("aria-pressed", "true");
          status.textContent = strings.recording;
        },
        function () {
          status.textContent = strings.noMic;
        }
      );
    });
  }

  var reportForm = document.querySelector("[data-report-form]");
  if (reportForm) {
    var config = readJSON(reportForm.getAttribute("data-report-form")) || {};
    reportMap(reportForm, config);
    recorder(reportForm, config.strings || {});
  }

  var quickForm = document.querySelector("[data-quick-form]");
  if (quickForm) {
    var quick = readJSON(quickForm.getAttribute("data-quick-form")) || {};
    var strings = quick.strings || {};
    locate(
      function (lat, lon) {
        setPoint(quickForm, lat, lon);
        say(strings.located);
      },
      function () {
        say(strings.noGpsGrid);
      }
    );
  }
})();
