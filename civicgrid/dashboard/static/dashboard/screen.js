/* 指挥大屏: fetches the JSON endpoints of /dashboard/api/ for the chosen region and period, draws
 * the charts (ECharts) and the map (Leaflet, region polygons and case markers; no tiles unless the
 * installation configured an intranet tile server), and refreshes every `refresh` ms without
 * reloading the page. Drilling down (a map area, a ranked region, a breadcrumb) changes ?region=
 * with history.replaceState and reloads the data only.
 *
 * For tests and assistive tooling: #dash-map carries data-state="ready" and data-region=<code>
 * once drawn; every drillable element has data-drill=<code>.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("dash-config").textContent);
  var text = config.text;
  var state = { region: config.region, from: "", to: "" };
  var charts = {};
  var map = null;
  var layers = null;
  var timer = null;
  var palette = ["#5ee1ff", "#7cffb2", "#ffc857", "#ff8a80", "#b39ddb", "#4fc3f7", "#f06292", "#aed581", "#ffb74d", "#90a4ae"];

  var params = new URLSearchParams(window.location.search);
  if (params.get("region")) state.region = params.get("region");
  state.from = params.get("from") || "";
  state.to = params.get("to") || "";

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  function query() {
    var q = new URLSearchParams({ region: state.region });
    if (state.from) q.set("from", state.from);
    if (state.to) q.set("to", state.to);
    return q.toString();
  }

  function get(name) {
    return fetch(config.endpoints[name] + "?" + query(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || text.loadError);
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(2) + "%";
  }

  var el = window.CivicGrid.element; // text only, never HTML (app.js)

  function chart(id) {
    if (!charts[id]) {
      var node = document.getElementById(id);
      if (!node) return null;
      charts[id] = echarts.init(node, "dark", { renderer: "canvas" });
    }
    return charts[id];
  }

  var base = {
    backgroundColor: "transparent",
    textStyle: { fontFamily: "inherit" },
    color: palette,
    grid: { left: 40, right: 16, top: 28, bottom: 28, containLabel: true },
    // Drawn on the canvas, not as HTML: names (categories, regions, departments, people) stay text.
    tooltip: { trigger: "axis", renderMode: "richText" },
  };

  function option(extra) {
    return Object.assign({}, base, extra);
  }

  // --- Panels ---------------------------------------------------------------------------------

  function drawSummary(data) {
    Object.keys(data.counters).forEach(function (key) {
      var node = document.querySelector('[data-counter="' + key + '"]');
      if (node) node.textContent = data.counters[key].toLocaleString();
    });
    document.querySelectorAll("[data-rate]").forEach(function (node) {
      node.textContent = percent(data.period[node.getAttribute("data-rate")]);
    });
    document.querySelectorAll("[data-figure]").forEach(function (node) {
      node.textContent = (data.period[node.getAttribute("data-figure")] || 0).toLocaleString();
    });
    var crumbs = document.getElementById("dash-crumbs");
    crumbs.replaceChildren.apply(
      crumbs,
      data.breadcrumbs.map(function (crumb) {
        var button = el("button", "dash-crumb", crumb.name);
        button.type = "button";
        button.setAttribute("data-drill", crumb.code);
        return button;
      })
    );
    document.title = data.node.name + " · " + document.title.split(" · ").slice(-1)[0];
    document.getElementById("dash-from").value = data.from;
    document.getElementById("dash-to").value = data.to;
    document.getElementById("dash-updated").textContent = text.updated + " " + data.generated_at;
  }

  function drawTrend(data) {
    var c = chart("chart-trend");
    c.setOption(
      option({
        legend: { top: 0, textStyle: { color: "#9fb3d6" } },
        xAxis: { type: "category", data: data.labels.map(function (d) { return d.slice(5); }) },
        yAxis: [{ type: "value" }, { type: "value", max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } }],
        series: [
          { name: text.received, type: "bar", data: data.received },
          { name: text.closedOnDay, type: "line", data: data.closed_on_day, smooth: true },
          { name: text.closureRate, type: "line", yAxisIndex: 1, data: data.closure_rate, smooth: true },
        ],
      }),
      true
    );
  }

  function drawCategories(data) {
    chart("chart-categories").setOption(
      option({
        tooltip: { trigger: "item", renderMode: "richText" },
        series: [
          {
            type: "pie",
            radius: ["35%", "70%"],
            label: { color: "#dbe7ff" },
            data: data.rows.map(function (r) { return { name: r.name, value: r.received }; }),
          },
        ],
      }),
      true
    );
  }

  // A ranking as a list: rank, the whole name, the rate (and a bar behind it, sized through the
  // CSSOM: the CSP refuses style="" in markup, not a style set by our script).
  function ranking(id, rows, valueKey, formatter) {
    var list = document.getElementById(id);
    var top = rows.slice(0, 10);
    list.replaceChildren.apply(
      list,
      top.map(function (r, i) {
        var li = el("li");
        li.appendChild(el("span", "num", String(i + 1)));
        var name = el("span", "name", r.name);
        name.title = r.name;
        li.appendChild(name);
        li.appendChild(el("span", "rate", formatter(r[valueKey])));
        var value = Math.max(0, Math.min(1, Number(r[valueKey]) || 0));
        li.style.setProperty("--dash-rate", String(value * 100) + "%");
        return li;
      })
    );
    if (!top.length) list.appendChild(el("li", "dash-none", text.noData));
  }

  function drawRankings(data) {
    var list = document.getElementById("rank-regions");
    list.replaceChildren.apply(
      list,
      data.regions.map(function (r, i) {
        var li = el("li");
        li.appendChild(el("span", "num", String(i + 1)));
        var button = el("button", "", r.name);
        button.type = "button";
        button.title = text.drill;
        button.setAttribute("data-drill", r.code);
        li.appendChild(button);
        li.appendChild(el("span", "num", r.received.toLocaleString()));
        li.appendChild(el("span", "rate", percent(r.closure_rate)));
        return li;
      })
    );
    if (!data.regions.length) list.appendChild(el("li", "dash-none", text.noData));
    document.getElementById("rank-departments-count").textContent = "(" + data.department_count + ")";
    document.getElementById("rank-workers-count").textContent = "(" + data.worker_count + ")";
    ranking("rank-departments", data.departments, "closure_rate", percent);
    ranking("rank-workers", data.workers, "closure_rate", percent);
  }

  function drawPopulation(data) {
    var stateNode = document.getElementById("population-state");
    var figures = document.getElementById("population-figures");
    stateNode.textContent = data.persons ? "" : text.noData;
    figures.replaceChildren.apply(
      figures,
      [["persons", text.persons], ["households", text.households], ["houses", text.houses]].map(function (pair) {
        var div = el("div");
        div.appendChild(el("strong", "", (data[pair[0]] || 0).toLocaleString()));
        div.appendChild(el("span", "dash-label", pair[1]));
        return div;
      })
    );
    chart("chart-groups").setOption(
      option({
        tooltip: { trigger: "item", renderMode: "richText" },
        series: [
          {
            type: "pie",
            radius: "65%",
            label: { color: "#dbe7ff" },
            data: (data.special_groups || []).map(function (g) { return { name: g.name, value: g.count }; }),
          },
        ],
      }),
      true
    );
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body || {}).toString(),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || text.loadError);
        return data;
      });
    });
  }

  function drawWarnings(data) {
    document.getElementById("warning-counts").textContent =
      data.counts.open + " / " + (data.counts.open + data.counts.acknowledged);
    var list = document.getElementById("warning-list");
    list.replaceChildren.apply(
      list,
      data.rows.map(function (w) {
        var li = el("li", w.status);
        li.setAttribute("data-warning", w.id);
        var title = w.case_url ? el("a", "", w.message) : el("span", "", w.message);
        if (w.case_url) title.href = w.case_url;
        li.appendChild(title);
        if (w.status === "open") {
          var ack = el("button", "dash-ack", text.acknowledge);
          ack.type = "button";
          ack.addEventListener("click", function () {
            ack.disabled = true;
            post(config.acknowledgeUrl.replace("/0/", "/" + w.id + "/")).then(refresh, function (error) {
              ack.disabled = false;
              ack.title = error.message;
            });
          });
          li.appendChild(ack);
        }
        var meta = w.kind + " · " + w.fired_at + " · " + w.status_label;
        if (w.acknowledged_by) meta += "（" + w.acknowledged_by + "）";
        if (w.action_result) meta += " · " + w.action_result;
        li.appendChild(el("div", "meta", meta));
        return li;
      })
    );
    if (!data.rows.length) list.appendChild(el("li", "dash-none", text.noData));
    var tasks = document.getElementById("task-list");
    tasks.replaceChildren.apply(
      tasks,
      data.tasks.map(function (t) {
        var li = el("li", "", t.title);
        var done = el("button", "dash-task-done", text.done);
        done.type = "button";
        done.addEventListener("click", function () {
          done.disabled = true;
          post(config.taskDoneUrl.replace("/0/", "/" + t.id + "/")).then(refresh, function () {
            done.disabled = false;
          });
        });
        li.appendChild(done);
        return li;
      })
    );
    if (!data.tasks.length) tasks.appendChild(el("li", "dash-none", text.noData));
  }

  function drawNeeds(data) {
    if (data.pending) {
      // Being computed on the worker (a node nobody asked for before): shown at the next refresh.
      document.getElementById("needs-computed").textContent = text.computing;
      return;
    }
    document.getElementById("needs-computed").textContent = text.updated + " " + data.computed_at;
    var terms = document.getElementById("needs-terms");
    var items = data.topics.top.slice(0, 20).map(function (t) {
      var li = el("li", t.change > 0 ? "up" : t.change < 0 ? "down" : "", t.term + " " + t.count);
      li.title = (t.change > 0 ? text.rising : text.falling) + " " + t.change;
      return li;
    });
    terms.replaceChildren.apply(terms, items);
    if (!items.length) terms.appendChild(el("li", "dash-none", text.noData));
    var stacked = function (categories, series) {
      return option({
        legend: { show: false },
        grid: { left: 8, right: 8, top: 8, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: categories },
        yAxis: { type: "value" },
        series: series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; }),
      });
    };
    chart("chart-seasons").setOption(stacked(data.seasons.seasons, data.seasons.series), true);
    chart("chart-areas").setOption(stacked(data.areas.areas, data.areas.series), true);
    var profile = data.profile.slice(0, 8).reverse();
    chart("chart-profile").setOption(
      option({
        legend: { top: 0, textStyle: { color: "#9fb3d6" } },
        grid: { left: 8, right: 8, top: 24, bottom: 4, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: profile.map(function (r) { return r.name; }) },
        series: [
          { name: text.posts, type: "bar", stack: "p", data: profile.map(function (r) { return r.posts; }) },
          { name: text.meToo, type: "bar", stack: "p", data: profile.map(function (r) { return r.me_too; }) },
          { name: text.comments, type: "bar", stack: "p", data: profile.map(function (r) { return r.comments; }) },
        ],
      }),
      true
    );
  }

  // --- Map --------------------------------------------------------------------------------------

  function shade(open, max) {
    var share = max ? open / max : 0;
    var stops = ["#123a6b", "#1d5fa8", "#e0a31f", "#e2582c", "#c81e1e"];
    return stops[Math.min(stops.length - 1, Math.floor(share * (stops.length - 1) + (open ? 0.5 : 0)))];
  }

  var lightColours = { red: "#ff3b3b", yellow: "#ffc857", green: "#3ddc84", blue: "#4fc3f7" };

  var areaLayers = {};
  var areasRegion = null;
  var areasPromise = null;
  var markerLayer = null;

  function ensureMap() {
    if (!map) {
      map = L.map(document.getElementById("dash-map"), { zoomControl: true, attributionControl: Boolean(config.tileUrl) });
      if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  // The shapes are static: fetched once per region shown, not at every refresh.
  function loadAreas() {
    if (areasRegion === state.region && areasPromise) return areasPromise;
    areasRegion = state.region;
    areasPromise = get("areas").then(function (data) {
      ensureMap();
      if (layers) layers.remove();
      layers = L.featureGroup().addTo(map);
      areaLayers = {};
      data.areas.forEach(function (area) {
        if (!area.boundary) return;
        var layer = L.geoJSON(area.boundary, { style: { color: "#5ee1ff", weight: 1, fillColor: "#123a6b", fillOpacity: 0.55 } });
        if (area.drill) {
          layer.on("click", function () { drill(area.code); });
        }
        layers.addLayer(layer);
        layer.eachLayer(function (path) {
          if (path.getElement && path.getElement()) path.getElement().setAttribute("data-area", area.code);
        });
        areaLayers[area.code] = { layer: layer, area: area };
      });
      var bounds = layers.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
      var container = document.getElementById("dash-map");
      container.setAttribute("data-areas", data.areas.map(function (a) { return a.code; }).join(" "));
      return data;
    });
    areasPromise.catch(function () { areasPromise = null; });
    return areasPromise;
  }

  function drawMap(data) {
    var max = Math.max.apply(null, data.areas.map(function (a) { return a.open; }).concat([1]));
    data.areas.forEach(function (live) {
      var entry = areaLayers[live.code];
      if (!entry) return;
      entry.layer.setStyle({
        color: live.warnings ? "#ff3b3b" : "#5ee1ff",
        weight: live.warnings ? 3 : 1,
        fillColor: shade(live.open, max),
        fillOpacity: 0.55,
      });
      window.CivicGrid.textTooltip(
        entry.layer,
        live.name + " · " + text.open + " " + live.open + (live.warnings ? " · " + text.warnings + " " + live.warnings : ""),
        { sticky: true }
      );
    });
  }

  function drawMarkers(data) {
    if (markerLayer) markerLayer.remove();
    markerLayer = L.featureGroup().addTo(ensureMap());
    data.markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lon], {
        radius: 5,
        color: "#fff",
        weight: 1,
        fillColor: lightColours[m.light] || "#4fc3f7",
        fillOpacity: 0.95,
      });
      window.CivicGrid.textTooltip(marker, m.number + " " + m.title + " · " + m.status);
      marker.on("click", function () {
        window.location.href = config.caseUrl.replace("/0/", "/" + m.id + "/");
      });
      markerLayer.addLayer(marker);
      if (marker.getElement()) marker.getElement().setAttribute("data-case", m.id);
    });
    document.getElementById("dash-map").setAttribute("data-markers", String(data.markers.length));
  }

  // --- Loading ----------------------------------------------------------------------------------

  var panels = [
    ["summary", drawSummary],
    ["trend", drawTrend],
    ["categories", drawCategories],
    ["rankings", drawRankings],
    ["map", drawMap],
    ["markers", drawMarkers],
    ["population", drawPopulation],
    ["warnings", drawWarnings],
    ["needs", drawNeeds],
  ];

  function refresh() {
    var errorNode = document.getElementById("dash-period-error");
    var region = state.region;
    return loadAreas()
      .then(function () {
        return Promise.all(
          panels.map(function (panel) {
            return get(panel[0]).then(panel[1], function (error) {
              if (error.data && error.data.errors) {
                errorNode.textContent = Object.values(error.data.errors).join(" ");
              } else {
                document.getElementById("dash-updated").textContent = text.loadError;
              }
            });
          })
        );
      })
      .then(function () {
        if (region !== state.region) return;
        var container = document.getElementById("dash-map");
        container.setAttribute("data-region", region);
        container.setAttribute("data-state", "ready");
      })
      .catch(function () {
        document.getElementById("dash-updated").textContent = text.loadError;
      });
  }

  function schedule() {
    if (timer) clearInterval(timer);
    timer = setInterval(refresh, config.refresh);
  }

  function drill(code) {
    state.region = code;
    var url = new URL(window.location.href);
    url.searchParams.set("region", code);
    window.history.replaceState(null, "", url.toString());
    document.getElementById("dash-map").setAttribute("data-state", "loading");
    refresh();
    schedule();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-drill]");
    if (target) {
      event.preventDefault();
      drill(target.getAttribute("data-drill"));
    }
  });

  document.getElementById("dash-period").addEventListener("submit", function (event) {
    event.preventDefault();
    document.getElementById("dash-period-error").textContent = "";
    state.from = document.getElementById("dash-from").value;
    state.to = document.getElementById("dash-to").value;
    refresh();
  });

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    if (map) map.invalidateSize();
  });

  refresh();
  schedule();
})();
