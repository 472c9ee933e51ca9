/* Forms sent from the phone: a fresh idempotency key per form (a resent form files once), and the
 * phone's position for a finding. */
(function () {
  "use strict";
  document.querySelectorAll("[data-fresh-key]").forEach(function (input) {
    if (!input.value) input.value = "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  });
  var lat = document.getElementById("finding-lat"), lng = document.getElementById("finding-lng");
  if (lat && lng && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
    }, function () {}, { enableHighAccuracy: true, timeout: 10000 });
  }
})();
