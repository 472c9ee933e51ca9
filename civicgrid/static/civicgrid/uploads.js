/* Files sent as soon as they are chosen (我要上报, 随手拍; cases.pending, issue 14 item 4).
 *
 * The form names its settings with data-upload-config (a json_script block: the upload URL, the
 * hidden field's name, the most files of each kind, the words). Each <input type=file
 * data-upload-kind="photo|video|audio"> sends what is chosen at once, one XMLHttpRequest per file
 * with its upload progress, and empties itself: the form then carries a hidden input per file with
 * the opaque token the server answered, so a validation error draws the page again with every
 * file (the server renders the same list, cases/resident/_uploads.html). A refused file says why
 * in its own row. Sending the form waits for files still going up. Without this script the files
 * go with the form the plain way, and are kept the same way after an error.
 *
 * Text only: names and messages go in as textContent (CivicGrid.element), never as HTML.
 */
(function () {
  "use strict";

  if (typeof XMLHttpRequest === "undefined" || typeof FormData === "undefined") return;
  var text = window.CivicGrid.element;

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  // Every form of the page that takes files (the staff case page has one per action).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-config]"), setUp);

  function setUp(form) {
    var holder = document.getElementById(form.getAttribute("data-upload-config"));
    var list = form.querySelector("[data-upload-list]");
    if (!holder || !list) return;
    var config = JSON.parse(holder.textContent);
    var strings = config.strings || {};
    var busy = 0;
    var submitWhenDone = false;

    function csrfToken() {
      var input = form.querySelector("[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    var warning = text("p", "text-danger small mb-1 mt-1");
    warning.setAttribute("role", "alert");
    warning.setAttribute("data-upload-warning", "");
    warning.hidden = true;
    list.parentNode.insertBefore(warning, list);

    function warn(message) {
      warning.textContent = message || "";
      warning.hidden = !message;
    }

    function held(kind) {
      return list.querySelectorAll('[data-upload-item][data-kind="' + kind + '"]:not([data-state="error"])');
    }

    function changed() {
      form.setAttribute("data-uploads-busy", String(busy));
    }

    function discard(item) {
      var button = item.querySelector("[data-upload-remove]");
      var url = button && button.getAttribute("data-upload-remove");
      if (url) {
        // The file is deleted on the server too; if that fails it simply expires.
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
        }).catch(function () {});
      }
      if (item.xhr) item.xhr.abort();
      item.remove();
    }

    function wireRemove(item) {
      var button = item.querySelector("[data-upload-remove]");
      if (!button) return;
      button.addEventListener("click", function () {
        discard(item);
        warn("");
      });
    }

    function finished() {
      busy -= 1;
      changed();
      if (busy === 0 && submitWhenDone) {
        submitWhenDone = false;
        warn("");
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      }
    }

    function send(file, kind) {
      var item = text("li", "upload-item");
      item.setAttribute("data-upload-item", "");
      item.setAttribute("data-kind", kind);
      item.setAttribute("data-state", "uploading");
      var thumb;
      var localUrl = null;
      if (kind === "photo" && window.URL && URL.createObjectURL) {
        thumb = text("img", "upload-thumb");
        thumb.alt = file.name;
        localUrl = URL.createObjectURL(file);
        thumb.src = localUrl;
      } else {
        thumb = text("span", "upload-kind", strings[kind] || kind);
      }
      var status = text("span", "upload-status small text-secondary", strings.uploading);
      status.setAttribute("data-upload-status", "");
      status.setAttribute("role", "status");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", format(strings.uploading, {}) + " " + file.name);
      var remove = text("button", "btn btn-sm btn-outline-danger upload-remove", strings.remove);
      remove.type = "button";
      remove.setAttribute("data-upload-remove", "");
      remove.setAttribute("aria-label", format(strings.removeNamed, { name: file.name }));
      item.append(thumb, text("span", "upload-name", file.name), status, bar, remove);
      list.appendChild(item);
      wireRemove(item);

      function fail(message) {
        bar.hidden = true;
        status.setAttribute("role", "alert");
        status.textContent = message || strings.failed;
        item.setAttribute("data-state", "error");
      }

      var data = new FormData();
      data.append("file", file, file.name);
      data.append("kind", kind);
      var xhr = new XMLHttpRequest();
      item.xhr = xhr;
      busy += 1;
      changed();
      xhr.open("POST", config.url);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        bar.value = Math.round((event.loaded * 100) / event.total);
        item.setAttribute("data-progress", String(bar.value));
      });
      xhr.addEventListener("load", function () {
        item.xhr = null;
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (error) {
          answer = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.token) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = config.field || "upload";
          hidden.value = answer.token;
          item.appendChild(hidden);
          remove.setAttribute("data-upload-remove", answer.remove || "");
          if (answer.preview && thumb.tagName === "IMG") {
            // The server's copy: turned upright, without EXIF, as it will be filed.
            thumb.src = answer.preview;
            if (localUrl) URL.revokeObjectURL(localUrl);
          }
          bar.value = 100;
          bar.hidden = true;
          status.textContent = strings.uploaded;
          item.setAttribute("data-state", "done");
        } else {
          fail(answer && answer.error);
        }
        finished();
      });
      xhr.addEventListener("error", function () {
        item.xhr = null;
        fail(strings.failed);
        finished();
      });
      xhr.addEventListener("abort", function () {
        item.xhr = null;
        finished();
      });
      xhr.send(data);
    }

    Array.prototype.forEach.call(list.querySelectorAll("[data-upload-item]"), wireRemove);

    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][data-upload-kind]"), function (input) {
      input.addEventListener("change", function () {
        var kind = input.getAttribute("data-upload-kind");
        var files = Array.prototype.slice.call(input.files || []);
        if (!files.length) return;
        var most = (config.max && config.max[kind]) || 1;
        var already = held(kind);
        if (!input.multiple && already.length >= most) {
          // One video, one voice clip: choosing (or recording) again replaces it.
          Array.prototype.forEach.call(already, discard);
          already = [];
        }
        var room = Math.max(most - already.length, 0);
        if (files.length > room) {
          warn(format(strings.tooMany, { label: strings[kind] || kind, n: most }));
          files = files.slice(0, room);
        } else {
          warn("");
        }
        files.forEach(function (file) {
          send(file, kind);
        });
        input.value = ""; // they went up already: the form must not send them a second time
      });
    });

    form.addEventListener("submit", function (event) {
      if (busy > 0) {
        event.preventDefault();
        submitWhenDone = true;
        warn(strings.wait);
      }
    });
    changed();
    form.setAttribute("data-uploads", "ready");
  }
})();
