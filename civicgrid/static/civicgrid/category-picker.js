/* The category picker of the report forms (我要上报, 随手拍).
 *
 * The form carries a plain <select name="category"> with one <optgroup> per major class, the most
 * used first; it works without this script and stays on the page as the full list. This script adds
 * above it: a search box (filters minors by name, keywords and description), the major classes as
 * buttons with a short description, and the chosen major's minors. Picking a minor sets the select,
 * and choosing in the select opens its major here.
 *
 * As the description is typed, the same rule as cases.picker.suggest (the summed length of the
 * terms found in the text; a minor is picked only when it alone scores best) opens the likely major
 * and, when sure, picks the minor — until the user chooses a category themselves.
 *
 * Data: json_script named by data-category-picker (cases.picker.table plus strings). Server text
 * goes in as textContent only (CivicGrid.element).
 */
(function () {
  "use strict";

  var el = window.CivicGrid.element;
  var FIRST_MAJORS = 8; // the most used majors shown at once; the rest behind "more"

  function readJSON(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function score(text, terms) {
    var total = 0;
    terms.forEach(function (term) {
      if (term && text.indexOf(term) !== -1) total += term.length;
    });
    return total;
  }

  // The rule of cases.picker.suggest, on the same data.
  function suggest(text, majors) {
    text = (text || "").trim();
    if (!text) return null;
    var bestMajor = null;
    var bestScore = 0;
    var ranked = [];
    majors.forEach(function (major) {
      var top = 0;
      major.minors.forEach(function (minor) {
        var s = score(text, minor.terms);
        if (s > top) top = s;
        if (s > 0) ranked.push({ score: s, minor: minor, major: major });
      });
      var majorScore = top + score(text, major.terms);
      if (majorScore > bestScore) {
        bestMajor = major;
        bestScore = majorScore;
      }
    });
    if (!bestMajor) return null;
    ranked.sort(function (a, b) {
      return b.score - a.score; // stable: the most used first on a tie
    });
    var minor = null;
    if (ranked.length && ranked[0].major === bestMajor && (ranked.length === 1 || ranked[0].score > ranked[1].score)) {
      minor = ranked[0].minor;
    }
    return { major: bestMajor, minor: minor };
  }

  function setUp(field) {
    var data = readJSON(field.getAttribute("data-category-picker"));
    var root = field.querySelector("[data-picker-root]");
    var select = field.querySelector("select");
    if (!data || !root || !select) return;
    var majors = data.majors;
    var strings = data.strings || {};
    var form = select.form;
    var description = form && form.querySelector("[name=description]");
    var chosenByUser = false;
    var openMajor = null;
    var byMinor = {};
    majors.forEach(function (major) {
      major.minors.forEach(function (minor) {
        byMinor[String(minor.id)] = { major: major, minor: minor };
      });
    });

    var search = el("input", "form-control category-search");
    search.type = "search";
    search.id = select.id + "-search";
    search.setAttribute("placeholder", strings.searchPlaceholder || "");
    search.setAttribute("aria-label", strings.search || "");
    search.setAttribute("autocomplete", "off");
    var hint = el("p", "category-hint small mb-2");
    hint.setAttribute("role", "status");
    hint.setAttribute("aria-live", "polite");
    var majorList = el("div", "category-majors");
    majorList.setAttribute("role", "group");
    majorList.setAttribute("aria-label", strings.majors || "");
    var minorList = el("div", "category-minors");
    minorList.setAttribute("role", "group");
    minorList.setAttribute("aria-label", strings.minors || "");
    var back = el("button", "btn btn-link btn-sm category-back px-0", strings.allMajors || "");
    back.type = "button";
    back.hidden = true;
    root.replaceChildren(search, hint, back, majorList, minorList);

    var majorButtons = majors.map(function (major, index) {
      var button = el("button", "category-major" + (index >= FIRST_MAJORS ? " category-extra" : ""));
      button.type = "button";
      button.setAttribute("data-major", String(major.id));
      button.setAttribute("aria-pressed", "false");
      button.appendChild(el("span", "category-badge category-badge-" + major.kind, major.badge)).setAttribute("aria-hidden", "true");
      var text = el("span", "category-major-text");
      text.appendChild(el("span", "category-major-name", major.name));
      text.appendChild(el("span", "category-major-summary", major.summary));
      button.appendChild(text);
      button.addEventListener("click", function () {
        showMajor(major);
      });
      majorList.appendChild(button);
      return button;
    });

    var more = null;
    if (majors.length > FIRST_MAJORS) {
      more = el("button", "btn btn-outline-secondary btn-sm w-100 category-more", format(strings.more, { n: majors.length - FIRST_MAJORS }));
      more.type = "button";
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", function () {
        majorList.classList.add("category-all");
        more.hidden = true;
        more.setAttribute("aria-expanded", "true");
      });
      root.insertBefore(more, minorList);
    }

    function minorButton(entry, withMajor) {
      var button = el("button", "category-minor");
      button.type = "button";
      button.setAttribute("data-minor", String(entry.minor.id));
      button.setAttribute("aria-pressed", String(select.value === String(entry.minor.id)));
      button.appendChild(el("span", "category-minor-name", entry.minor.name));
      var note = withMajor ? entry.major.name : entry.minor.description;
      if (note) button.appendChild(el("span", "category-minor-note", note));
      button.addEventListener("click", function () {
        chosenByUser = true;
        choose(entry.minor.id, strings.chosen);
      });
      return button;
    }

    function showMinors(entries, withMajor) {
      minorList.replaceChildren();
      entries.forEach(function (entry) {
        minorList.appendChild(minorButton(entry, withMajor));
      });
    }

    function showMajor(major) {
      openMajor = major;
      majorButtons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-major") === String(major.id)));
      });
      field.classList.add("category-open");
      back.hidden = false;
      search.value = "";
      showMinors(
        major.minors.map(function (minor) {
          return { major: major, minor: minor };
        }),
        false
      );
    }

    function showAll() {
      openMajor = null;
      field.classList.remove("category-open");
      back.hidden = true;
      majorButtons.forEach(function (button) {
        button.setAttribute("aria-pressed", "false");
      });
      minorList.replaceChildren();
    }

    function choose(id, message) {
      var entry = byMinor[String(id)];
      if (!entry) return;
      select.value = String(id);
      if (openMajor !== entry.major) showMajor(entry.major);
      minorList.querySelectorAll("[data-minor]").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-minor") === String(id)));
      });
      hint.textContent = format(message, { name: entry.major.name + " · " + entry.minor.name });
    }

    back.addEventListener("click", function () {
      showAll();
      hint.textContent = "";
    });

    select.addEventListener("change", function () {
      chosenByUser = true;
      if (select.value) choose(select.value, strings.chosen);
    });

    search.addEventListener("input", function () {
      var query = search.value.trim();
      if (!query) {
        if (openMajor) showMajor(openMajor);
        else showAll();
        hint.textContent = "";
        return;
      }
      field.classList.add("category-open");
      back.hidden = false;
      var found = [];
      majors.forEach(function (major) {
        major.minors.forEach(function (minor) {
          var hay = minor.terms.concat([major.name, minor.description || ""]);
          var hit = hay.some(function (term) {
            return term && (term.indexOf(query) !== -1 || query.indexOf(term) !== -1);
          });
          if (hit) found.push({ major: major, minor: minor });
        });
      });
      showMinors(found, true);
      hint.textContent = found.length ? format(strings.found, { n: found.length }) : strings.none || "";
    });

    function applySuggestion(result) {
      if (chosenByUser || !result) return;
      if (result.minor) {
        choose(result.minor.id, strings.suggested);
      } else {
        if (openMajor !== result.major) showMajor(result.major);
        hint.textContent = format(strings.suggestedMajor, { name: result.major.name });
      }
    }

    // The smart-intake script (category-suggest.js) sends its suggestions here, by minor id:
    // {minor, preselect} opens (and, when sure, picks) it unless the user chose; {minor, chosen}
    // is the user picking one of the suggestions shown.
    field.addEventListener("civicgrid:category-suggest", function (event) {
      var detail = event.detail || {};
      var entry = byMinor[String(detail.minor)];
      if (!entry) return;
      if (detail.chosen) {
        chosenByUser = true;
        choose(entry.minor.id, strings.chosen);
      } else {
        applySuggestion(detail.preselect ? entry : { major: entry.major, minor: null });
      }
    });

    var timer = null;
    if (description) {
      description.addEventListener("input", function () {
        if (field.hasAttribute("data-smart-suggest")) return; // the model answers instead
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          applySuggestion(suggest(description.value, majors));
        }, 250);
      });
    }

    root.hidden = false;
    field.setAttribute("data-picker", "ready");
    if (select.value) {
      choose(select.value, strings.chosen);
    } else if (data.suggested) {
      var entry = byMinor[String(data.suggested.minor)];
      var major = majors.filter(function (m) {
        return m.id === data.suggested.major;
      })[0];
      applySuggestion(entry ? entry : major ? { major: major, minor: null } : null);
    }
  }

  document.querySelectorAll("[data-category-picker]").forEach(setUp);
})();
