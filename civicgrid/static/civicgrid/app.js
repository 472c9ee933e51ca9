/* CivicGrid page behaviour shared by every page (small, framework-free).
 *
 * Output encoding by construction: every script that puts server data into the page builds DOM
 * nodes with CivicGrid.element(tag, className, text) — the text goes in as textContent, never as
 * markup. Map labels go through CivicGrid.textTooltip(layer, text) and CivicGrid.textPopup(layer,
 * spec): they take plain text, build the nodes themselves with textContent and open Leaflet
 * tooltip and popup instances holding those nodes; no script of ours hands Leaflet a string. No
 * script of ours parses a string into markup; ECharts tooltips are drawn on the canvas (renderMode
 * "richText").
 */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Map labels. Leaflet's own binders would take a string as markup, so none is called: the
  // tooltip and popup instances are made here around a node built with textContent, and opened
  // and closed from the layer's events, as Leaflet's binders would. State per layer lives in a
  // WeakMap; a second textTooltip on the same layer replaces the first.
  var overlays = new WeakMap();

  function stateOf(layer) {
    var state = overlays.get(layer);
    if (!state) {
      state = {};
      overlays.set(layer, state);
    }
    return state;
  }

  function anchorOf(layer) {
    if (layer.getCenter) return layer.getCenter();
    if (layer.getLatLng) return layer.getLatLng();
    return layer.getBounds().getCenter();
  }

  function removeTooltip(layer) {
    var state = overlays.get(layer);
    if (!state || !state.tooltip) return layer;
    layer.off(state.tooltipEvents);
    state.tooltip.close();
    state.tooltip = null;
    return layer;
  }

  // A tooltip showing `text` as plain text. Options are Leaflet's tooltip options (permanent,
  // sticky, direction, offset, className).
  function textTooltip(layer, text, options) {
    options = options || {};
    removeTooltip(layer);
    var label = element("span", "", text == null ? "" : text);
    var tooltip = L.tooltip(options, layer).setContent(label);
    function open(event) {
      var map = event && event.target && event.target._map;
      var source = (event && event.propagatedFrom) || layer;
      if (!map) map = source._map;
      if (!map) return;
      var at = options.sticky && event && event.latlng ? event.latlng : anchorOf(source);
      tooltip.setLatLng(at).openOn(map);
    }
    var events;
    if (options.permanent) {
      events = {
        add: function () {
          open();
        },
        remove: function () {
          tooltip.close();
        },
      };
    } else {
      events = {
        mouseover: open,
        click: open,
        mouseout: function () {
          tooltip.close();
        },
        remove: function () {
          tooltip.close();
        },
      };
      if (options.sticky) {
        events.mousemove = function (event) {
          if (event.latlng) tooltip.setLatLng(event.latlng);
        };
      }
    }
    var state = stateOf(layer);
    state.tooltip = tooltip;
    state.tooltipEvents = events;
    layer.on(events);
    if (options.permanent && layer._map) open();
    return layer;
  }

  // The layer's tooltip made by textTooltip, or null.
  function tooltipOf(layer) {
    var state = overlays.get(layer);
    return (state && state.tooltip) || null;
  }

  // A link's target: a local path or an http(s) address; anything else (javascript:, data:…) is dropped.
  function safeHref(href) {
    var value = href == null ? "" : String(href);
    if (value.charAt(0) === "/" && value.charAt(1) !== "/") return value;
    return /^https?:\/\//i.test(value) ? value : "";
  }

  // A popup built here from plain text: spec = {className, title, lines: [text or
  // {text, className}], links: [{text, href, className}], linksClassName}, or a function returning
  // one (called when the popup opens). Every piece goes in as textContent; links keep only local or
  // http(s) targets. It opens on a click on the layer, or through CivicGrid.openPopup(layer).
  function textPopup(layer, spec, options) {
    function build(data) {
      data = data || {};
      var box = element("div", data.className || "");
      if (data.title != null) box.appendChild(element("strong", data.titleClassName || "", data.title));
      (data.lines || []).forEach(function (line) {
        var item = typeof line === "object" && line !== null ? line : { text: line };
        box.appendChild(element("div", item.className || "", item.text));
      });
      if (data.links && data.links.length) {
        var links = element("div", data.linksClassName || "");
        data.links.forEach(function (link) {
          var anchor = element("a", link.className || "", link.text);
          var href = safeHref(link.href);
          if (href) anchor.href = href;
          links.appendChild(anchor);
        });
        box.appendChild(links);
      }
      return box;
    }
    var popup = L.popup(options || {}, layer);
    function open(event) {
      var source = (event && event.propagatedFrom) || layer;
      var map = layer._map || source._map;
      if (!map) return;
      popup.setContent(build(typeof spec === "function" ? spec() : spec));
      popup.setLatLng(event && event.latlng ? event.latlng : anchorOf(source)).openOn(map);
    }
    var state = stateOf(layer);
    if (state.popupEvents) layer.off(state.popupEvents);
    state.openPopup = open;
    state.popupEvents = {
      click: open,
      remove: function () {
        popup.close();
      },
    };
    layer.on(state.popupEvents);
    return layer;
  }

  // Open the popup made by textPopup at the layer's centre.
  function openPopup(layer) {
    var state = overlays.get(layer);
    if (state && state.openPopup) state.openPopup();
    return layer;
  }

  window.CivicGrid = Object.freeze({
    element: element,
    textTooltip: textTooltip,
    tooltipOf: tooltipOf,
    removeTooltip: removeTooltip,
    textPopup: textPopup,
    openPopup: openPopup,
  });

  // Colours chosen in the data (a tag's colour), set through the DOM: the CSP refuses style=""
  // attributes in markup. Only a hex colour is taken: <span data-colour="#1f77b4">.
  var HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
  function applyColours(root) {
    if (!root || !root.querySelectorAll) return;
    var nodes = Array.prototype.slice.call(root.querySelectorAll("[data-colour]"));
    if (root.hasAttribute && root.hasAttribute("data-colour")) nodes.push(root);
    nodes.forEach(function (node) {
      var colour = node.getAttribute("data-colour");
      if (HEX_COLOUR.test(colour)) node.style.backgroundColor = colour;
    });
  }
  applyColours(document);
  document.addEventListener("htmx:load", function (event) {
    applyColours(event.target);
  });

  // Show or hide a password field: <button data-toggle-password="id_password">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-password]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-toggle-password"));
    if (!input) return;
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", show ? "true" : "false");
    input.focus();
  });

  // htmx: when a partial cannot be loaded (network down, session ended, node no longer in scope),
  // say so where the content should have appeared instead of leaving a spinner forever.
  function showLoadError(event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var message = document.createElement("p");
    message.className = "load-error";
    message.setAttribute("role", "alert");
    message.textContent = document.body.getAttribute("data-load-error");
    target.replaceChildren(message);
  }
  document.addEventListener("htmx:responseError", showLoadError);
  document.addEventListener("htmx:sendError", showLoadError);

  // A session that ended while the page was open: htmx follows the redirect to the login page;
  // load that page as a whole rather than inside a fragment.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var loginUrl = document.body.getAttribute("data-login-url");
    if (xhr && xhr.responseURL && loginUrl && new URL(xhr.responseURL).pathname === loginUrl) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
    }
  });
})();
