/* Starts Redoc on the API reference page from its json_script configuration (no inline script). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("redoc-config").textContent);
  window.Redoc.init(config.specUrl, config.settings, document.getElementById("redoc-container"));
})();
