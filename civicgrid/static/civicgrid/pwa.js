/* The resident's installable web app: registers the service worker (/sw.js, the site's root scope)
   and, where the browser offers it, lets the "我的" page's button install the app.
   Loaded on residents' pages only (resident/_tabbar.html). */
(function () {
  "use strict";
  var script = document.currentScript;
  var workerUrl = script && script.dataset.serviceWorker;
  var status = document.documentElement;

  if (workerUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      status.dataset.serviceWorker = "ready";
    }).catch(function () {
      status.dataset.serviceWorker = "failed"; // the site works without it, only not offline
    });
  } else {
    status.dataset.serviceWorker = "unsupported";
  }

  var offer = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    document.querySelectorAll("[data-install-app]").forEach(function (button) {
      button.hidden = false;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-install-app]");
    if (!button || !offer) {
      return;
    }
    offer.prompt();
    offer.userChoice.finally(function () {
      offer = null;
      button.hidden = true;
    });
  });
})();
