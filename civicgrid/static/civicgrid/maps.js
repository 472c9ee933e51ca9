/* CivicGrid region maps (Leaflet): the map page and the small map on a region's detail page.
 *
 * Configuration comes from the page, never from inline script: the element
 *   <div data-region-map="CONFIG_ID" data-outline="OUTLINE_ID" data-wheel-zoom="true|false">
 * names two <script type="application/json"> blocks (Django's json_script): the map settings
 * (endpoints, level names, tile server, translated strings) and a GeoJSON geometry drawn as the
 * dashed outline of the area in view.
 *
 * The chosen level is drawn filled, in its level colour; the level above it (when the user's scope
 * has one) is drawn on top as thicker outlines, so that grids are seen grouped by community. Name
 * labels appear where they fit: the chosen level's when zoomed in, the level above's when not.
 *
 * No tiles are loaded unless the installation configured an (intranet) tile server.
 * After each load the element carries data-state="ready" and data-drawn-codes="<codes…>", so the
 * browser tests (and assistive tooling) can tell exactly which regions are drawn.
 */
(function () {
  "use strict";

  var LABEL_LIMIT = 300; // name labels only up to this many polygons
  var CANVAS_FROM = 400; // switch from SVG to canvas rendering from this many polygons
  var PADDING = { padding: [16, 16] };

  function readJSON(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function levelColor(value) {
    var color = getComputedStyle(document.documentElement).getPropertyValue("--cg-level-" + value);
    return (color && color.trim()) || "#0d4ea6";
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  var element = window.CivicGrid.element; // text only, never HTML (app.js)

  function fetchGeoJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } }).then(
      function (response) {
        if (response.redirected) {
          // The session ended: reloading the page leads to the login form.
          window.location.reload();
          return new Promise(function () {});
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }
    );
  }

  function RegionMap(container) {
    this.container = container;
    this.config = readJSON(container.getAttribute("data-region-map")) || {};
    this.strings = this.config.strings || {};
    this.levelKeys = Object.keys(this.config.levels || {});
    this.levelsByValue = {};
    this.levelKeys.forEach(function (key) {
      this.levelsByValue[this.config.levels[key].value] = { key: key, name: this.config.levels[key].name };
    }, this);
    this.status = document.getElementById(container.getAttribute("aria-describedby"));
    this.list = document.querySelector("[data-region-list]");
    this.listDetails = this.list ? this.list.closest("details") : null;
    this.requestId = 0;
    this.layer = null;
    this.contextLayer = null;
    this.features = [];
    this.layersByCode = {};

    this.map = L.map(container, {
      zoomSnap: 0.25,
      minZoom: 3,
      maxZoom: 19,
      attributionControl: Boolean(this.config.tileUrl),
      scrollWheelZoom: container.getAttribute("data-wheel-zoom") !== "false",
    });
    if (this.config.tileUrl) {
      L.tileLayer(this.config.tileUrl, { attribution: this.config.tileAttribution || "", maxZoom: 19 }).addTo(this.map);
      this.map.attributionControl.setPrefix(false);
    } else {
      container.classList.add("region-map-plain");
    }
    L.control.scale({ imperial: false }).addTo(this.map);

    var outline = readJSON(container.getAttribute("data-outline"));
    this.outline = null;
    if (outline && (outline.coordinates || (outline.geometries && outline.geometries.length))) {
      this.outline = L.geoJSON(outline, {
        interactive: false,
        style: { color: "#0b2f6b", weight: 2.5, dashArray: "6 5", fillColor: "#0b2f6b", fillOpacity: 0.04 },
      }).addTo(this.map);
      this.map.fitBounds(this.outline.getBounds(), PADDING);
    } else {
      this.map.setView([34.75, 113.65], 11);
    }

    this.map.on("zoomend", this.updateLabels, this);
    this.bindLevelSwitch();
    this.bindList();
    if (this.config.level) {
      this.load(this.config.level);
    } else {
      this.finish([], "");
    }
  }

  RegionMap.prototype.setStatus = function (text, isError) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.classList.toggle("text-danger", Boolean(isError));
  };

  RegionMap.prototype.url = function (levelKey) {
    var params = new URLSearchParams({ level: levelKey });
    if (this.config.parent) params.set("parent", this.config.parent);
    return this.config.geojsonUrl + "?" + params.toString();
  };

  // The level drawn as outlines above the chosen one, if the user's scope holds more than one of it.
  RegionMap.prototype.contextLevel = function (levelKey) {
    var index = this.levelKeys.indexOf(levelKey);
    if (index < 1) return null;
    var key = this.levelKeys[index - 1];
    return this.config.levels[key].value > this.config.scopeLevel ? key : null;
  };

  RegionMap.prototype.load = function (levelKey) {
    var self = this;
    var requestId = ++this.requestId;
    var contextKey = this.contextLevel(levelKey);
    this.container.setAttribute("data-state", "loading");
    this.container.setAttribute("aria-busy", "true");
    this.setStatus(this.strings.loading);
    var context = contextKey
      ? fetchGeoJSON(this.url(contextKey)).catch(function () {
          return null; // the outlines are a help, not the content: draw without them
        })
      : Promise.resolve(null);
    Promise.all([fetchGeoJSON(this.url(levelKey)), context])
      .then(function (results) {
        if (requestId === self.requestId) self.draw(results[0], levelKey, results[1], contextKey);
      })
      .catch(function () {
        if (requestId !== self.requestId) return;
        self.container.setAttribute("data-state", "error");
        self.container.removeAttribute("aria-busy");
        self.setStatus(self.strings.error, true);
      });
  };

  RegionMap.prototype.draw = function (data, levelKey, contextData, contextKey) {
    var self = this;
    if (this.layer) this.layer.remove();
    if (this.contextLayer) this.contextLayer.remove();
    this.contextLayer = null;
    var features = data.features || [];
    var level = this.config.levels[levelKey] || { name: "", value: 3 };
    var color = levelColor(level.value);
    var labels = features.length <= LABEL_LIMIT;
    var renderer = features.length >= CANVAS_FROM ? L.canvas({ padding: 0.3 }) : L.svg({ padding: 0.3 });

    // Group the polygons by the region above them (a code starts with its parent's code), so that
    // neighbouring groups alternate in shade.
    var contextFeatures = contextData ? contextData.features || [] : [];
    var groupIndex = {};
    var prefixLength = contextFeatures.length ? contextFeatures[0].properties.code.length : 0;
    contextFeatures.forEach(function (feature, index) {
      groupIndex[feature.properties.code] = index;
    });
    function baseStyle(feature) {
      var group = prefixLength ? groupIndex[feature.properties.code.slice(0, prefixLength)] : 0;
      return {
        color: color,
        weight: 1.2,
        opacity: 0.9,
        fillColor: color,
        fillOpacity: group % 2 ? 0.32 : 0.18,
      };
    }

    this.layer = L.geoJSON(data, {
      renderer: renderer,
      style: baseStyle,
      onEachFeature: function (feature, layer) {
        var props = feature.properties;
        window.CivicGrid.textPopup(layer, function () {
          return self.popup(props);
        });
        window.CivicGrid.textTooltip(layer, props.name, {
          permanent: labels,
          direction: "center",
          className: labels ? "region-label" : "region-hover-label",
          sticky: !labels,
        });
        layer.on("mouseover", function () {
          layer.setStyle({ weight: 3, fillOpacity: 0.5 });
        });
        layer.on("mouseout", function () {
          layer.setStyle(baseStyle(feature));
        });
      },
    }).addTo(this.map);

    if (contextFeatures.length) {
      var contextLabels = contextFeatures.length <= LABEL_LIMIT;
      var contextColor = levelColor(this.config.levels[contextKey].value);
      this.contextLayer = L.geoJSON(contextData, {
        renderer: renderer,
        interactive: false,
        style: { color: contextColor, weight: 2.6, opacity: 0.95, fill: false },
        onEachFeature: function (feature, layer) {
          if (!contextLabels) return;
          window.CivicGrid.textTooltip(layer, feature.properties.name, {
            permanent: true,
            direction: "center",
            className: "region-label region-label-context",
          });
        },
      }).addTo(this.map);
    }

    this.features = features;
    this.layersByCode = {};
    this.layer.eachLayer(function (layer) {
      self.layersByCode[layer.feature.properties.code] = layer;
    });
    if (features.length) {
      this.map.fitBounds(this.layer.getBounds(), PADDING);
    } else if (this.outline) {
      this.map.fitBounds(this.outline.getBounds(), PADDING);
    }
    this.updateLabels();
    this.container.setAttribute(
      "data-context-codes",
      contextFeatures
        .map(function (feature) {
          return feature.properties.code;
        })
        .join(" ")
    );
    this.finish(features, levelKey);
    this.setStatus(
      features.length ? format(this.strings.drawn, { count: features.length, level: level.name }) : this.strings.empty
    );
  };

  RegionMap.prototype.finish = function (features, levelKey) {
    this.container.setAttribute(
      "data-drawn-codes",
      features
        .map(function (feature) {
          return feature.properties.code;
        })
        .join(" ")
    );
    this.container.setAttribute("data-drawn-level", levelKey);
    this.container.setAttribute("data-drawn-count", String(features.length));
    this.container.removeAttribute("aria-busy");
    this.container.setAttribute("data-state", "ready");
    this.listRendered = false;
    if (this.listDetails) {
      this.listDetails.hidden = !features.length;
      if (this.listDetails.open) this.renderList();
    }
  };

  RegionMap.prototype.detailUrl = function (code) {
    return this.config.detailUrl.replace("{code}", encodeURIComponent(code));
  };

  RegionMap.prototype.popup = function (props) {
    var levelInfo = this.levelsByValue[props.level];
    var links = [{ text: this.strings.detail, href: this.detailUrl(props.code), className: "btn btn-sm btn-primary" }];
    var childKey = levelInfo && this.config.childLevels ? this.config.childLevels[levelInfo.key] : null;
    if (childKey && this.config.levels[childKey] && this.config.mapUrl) {
      links.push({
        text: this.strings.drilldown,
        href: this.config.mapUrl + "?" + new URLSearchParams({ level: childKey, parent: props.code }).toString(),
        className: "btn btn-sm btn-outline-primary",
      });
    }
    return {
      className: "region-popup",
      title: props.name,
      titleClassName: "region-popup-name",
      lines: [{ text: (levelInfo ? levelInfo.name + " · " : "") + (this.strings.code || "") + " " + props.code, className: "region-popup-meta" }],
      links: links,
      linksClassName: "region-popup-actions",
    };
  };

  // Show a label only where its polygon is large enough on screen to hold it. While most of the
  // chosen level's labels do not fit, the level above's labels stand in for them (and only those,
  // so that the two never overlap); once most fit, the chosen level's take over.
  RegionMap.prototype.updateLabels = function () {
    var map = this.map;
    function labelled(group) {
      var items = [];
      if (!group) return items;
      group.eachLayer(function (layer) {
        var tooltip = window.CivicGrid.tooltipOf(layer);
        var label = tooltip && tooltip.options.permanent ? tooltip.getElement() : null;
        if (!label) return;
        var bounds = layer.getBounds();
        var nw = map.latLngToContainerPoint(bounds.getNorthWest());
        var se = map.latLngToContainerPoint(bounds.getSouthEast());
        items.push({ label: label, fits: se.x - nw.x >= label.offsetWidth + 4 && se.y - nw.y >= 18 });
      });
      return items;
    }
    var own = labelled(this.layer);
    var context = labelled(this.contextLayer);
    var fitting = own.filter(function (item) {
      return item.fits;
    }).length;
    var useContext = context.length > 0 && (own.length === 0 || fitting * 2 < own.length);
    own.forEach(function (item) {
      item.label.classList.toggle("region-label-hidden", useContext || !item.fits);
    });
    context.forEach(function (item) {
      item.label.classList.toggle("region-label-hidden", !useContext || !item.fits);
    });
  };

  RegionMap.prototype.bindLevelSwitch = function () {
    var self = this;
    var links = document.querySelectorAll(".level-switch [data-level]");
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var key = link.getAttribute("data-level");
        links.forEach(function (other) {
          var active = other === link;
          other.classList.toggle("active", active);
          if (active) other.setAttribute("aria-current", "true");
          else other.removeAttribute("aria-current");
        });
        history.replaceState(null, "", link.href);
        self.load(key);
      });
    });
  };

  RegionMap.prototype.bindList = function () {
    var self = this;
    if (!this.listDetails) return;
    this.listDetails.addEventListener("toggle", function () {
      if (self.listDetails.open) self.renderList();
    });
    this.list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-locate]");
      if (!button) return;
      var layer = self.layersByCode[button.getAttribute("data-locate")];
      if (!layer) return;
      self.map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
      window.CivicGrid.openPopup(layer);
      self.container.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  };

  RegionMap.prototype.renderList = function () {
    if (this.listRendered || !this.list) return;
    var self = this;
    var fragment = document.createDocumentFragment();
    this.features.forEach(function (feature) {
      var props = feature.properties;
      var item = element("li", "region-list-item");
      item.setAttribute("data-code", props.code);
      var link = element("a", null, props.name);
      link.href = self.detailUrl(props.code);
      item.appendChild(link);
      item.appendChild(element("code", null, props.code));
      var locate = element("button", "btn btn-sm btn-link", self.strings.locate);
      locate.type = "button";
      locate.setAttribute("data-locate", props.code);
      item.appendChild(locate);
      fragment.appendChild(item);
    });
    this.list.replaceChildren(fragment);
    this.listRendered = true;
  };

  document.querySelectorAll("[data-region-map]").forEach(function (container) {
    container.regionMap = new RegionMap(container);
  });
})();

/* The layers every map to aim at shares (the resident's report form, the staff intake forms): the
 * grids with their names and the buildings with theirs, from our own base data (people:map_layers),
 * as window.CivicGridMapLayers = { load(url), draw(map, container, data) → grid features, gridAt(grids,
 * lon, lat) }. Names are text only (tooltips built with CivicGrid.element, never HTML). draw() sets
 * data-grids, data-buildings and data-layers="ready" on the container. */
(function () {
  "use strict";

  var BUILDING_LABELS_FROM = 17; // zoom level from which building names are shown

  function inRing(point, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(point, rings) {
    if (!rings.length || !inRing(point, rings[0])) return false;
    for (var k = 1; k < rings.length; k++) if (inRing(point, rings[k])) return false; // a hole
    return true;
  }

  // The grid feature (of a loaded FeatureCollection) holding the point [lon, lat], or null.
  function gridAt(grids, lon, lat) {
    var point = [lon, lat];
    for (var i = 0; i < grids.length; i++) {
      var geometry = grids[i].geometry || {};
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
      for (var p = 0; p < polygons.length; p++) if (inPolygon(point, polygons[p])) return grids[i];
    }
    return null;
  }

  function drawLayers(map, container, data) {
    var grids = (data.grids && data.grids.features) || [];
    L.geoJSON(data.grids, {
      interactive: false,
      style: { color: "#1f6f43", weight: 1.2, opacity: 0.9, fillColor: "#2e9c5e", fillOpacity: 0.06 },
      onEachFeature: function (feature, layer) {
        window.CivicGrid.textTooltip(layer, feature.properties.name, {
          permanent: true,
          direction: "center",
          className: "map-label map-label-grid",
        });
      },
    }).addTo(map);
    var buildings = L.layerGroup().addTo(map);
    (data.buildings || []).forEach(function (building) {
      var label = building.compound ? building.compound + " " + building.name : building.name;
      var dot = L.circleMarker([building.lat, building.lon], {
        radius: 4,
        weight: 1,
        color: "#5b4a2e",
        fillColor: "#c9a86a",
        fillOpacity: 0.9,
        interactive: false,
      });
      window.CivicGrid.textTooltip(dot, label, {
        permanent: true,
        direction: "right",
        offset: [5, 0],
        className: "map-label map-label-building",
      });
      dot.addTo(buildings);
    });
    function zoomClass() {
      container.classList.toggle("map-near", map.getZoom() >= BUILDING_LABELS_FROM);
    }
    map.on("zoomend", zoomClass);
    zoomClass();
    container.setAttribute("data-grids", String(grids.length));
    container.setAttribute("data-buildings", String((data.buildings || []).length));
    container.setAttribute("data-layers", "ready");
    return grids;
  }

  function loadLayers(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  window.CivicGridMapLayers = Object.freeze({ load: loadLayers, draw: drawLayers, gridAt: gridAt });
})();
