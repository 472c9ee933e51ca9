/* Smart intake on the report forms (我要上报, 随手拍, staff intake, 12345 hotline).
 *
 * As the description (with the title and address, where the form has them) is typed, the text is
 * sent — debounced — to POST /api/v1/categories/suggest/ (the signed-in user's session). The three
 * most likely minor categories are shown with their confidence as buttons above the picker; the
 * first opens its major in the picker (category-picker.js), and is picked for the user when the
 * model is sure (score ≥ PRESELECT, the server's SUGGEST_PRESELECT_SCORE default) — until the user
 * chooses a category themselves. While this script runs, the picker's own keyword rule stays quiet.
 *
 * Server text goes in as textContent only (CivicGrid.element).
 */
(function () {
  "use strict";

  var el = window.CivicGrid.element;
  var ENDPOINT = "/api/v1/categories/suggest/";
  var DELAY = 350;
  var SHOWN = 3;
  var PRESELECT = 0.5;
  var MAX_TEXT = 5000;

  function readJSON(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function setUp(field) {
    var data = readJSON(field.getAttribute("data-category-picker"));
    var select = field.querySelector("select");
    var form = select && select.form;
    var description = form && form.querySelector("[name=description]");
    if (!data || !description || !window.fetch) return;
    var strings = data.strings || {};
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var others = ["title", "address"].map(function (name) {
      return form.querySelector("[name=" + name + "]");
    });
    var idByCode = {};
    data.majors.forEach(function (major) {
      major.minors.forEach(function (minor) {
        idByCode[minor.code] = minor.id;
      });
    });

    var box = el("div", "category-suggestions mb-2");
    box.setAttribute("data-suggestions", "");
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    field.insertBefore(box, field.firstChild);
    field.setAttribute("data-smart-suggest", "");

    function send(detail) {
      field.dispatchEvent(new CustomEvent("civicgrid:category-suggest", { detail: detail }));
    }

    function show(answer) {
      var usable = (answer.suggestions || []).filter(function (s) {
        return idByCode[s.code] !== undefined;
      });
      box.replaceChildren();
      if (!usable.length) {
        box.hidden = true;
        return;
      }
      box.appendChild(el("span", "category-suggestions-label small text-body-secondary me-1", strings.suggestions || ""));
      usable.slice(0, SHOWN).forEach(function (s) {
        var button = el("button", "btn btn-outline-primary btn-sm me-1 mb-1 category-suggestion");
        button.type = "button";
        button.setAttribute("data-code", s.code);
        button.appendChild(el("span", "", s.name));
        button.appendChild(el("span", "ms-1 small opacity-75", Math.round(s.score * 100) + "%"));
        button.addEventListener("click", function () {
          send({ minor: idByCode[s.code], chosen: true });
        });
        box.appendChild(button);
      });
      box.hidden = false;
      var first = usable[0];
      send({ minor: idByCode[first.code], preselect: first.score >= PRESELECT });
    }

    var timer = null;
    var asked = 0;
    function ask() {
      var text = [description]
        .concat(others)
        .map(function (input) {
          return input ? input.value : "";
        })
        .join(" ")
        .trim()
        .slice(0, MAX_TEXT);
      if (!text) {
        box.hidden = true;
        return;
      }
      var mine = ++asked;
      window
        .fetch(ENDPOINT, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": token ? token.value : "",
          },
          body: JSON.stringify({ text: text }),
        })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer && mine === asked) show(answer);
        })
        .catch(function () {
          /* offline or refused: the list stays as it is */
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    }
    [description].concat(others).forEach(function (input) {
      if (input) input.addEventListener("input", later);
    });
    if (description.value.trim() && !select.value) ask();
  }

  document.querySelectorAll("[data-category-picker]").forEach(setUp);
})();
