/* Leaflet's default marker images, by the URLs the server gave them (includes/leaflet_js.html).
 *
 * Left alone, Leaflet guesses the images' folder from leaflet.css (a url() ending in
 * "marker-icon.png", or a <link> ending in "leaflet.css"). With hashed static names (whitenoise's
 * manifest storage in production) neither ends so, the guess is "" and the pin asks for
 * marker-icon-2x.png next to the page: a 404 and a broken image. So we name each image.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || typeof L === "undefined") return;
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: script.getAttribute("data-icon"),
    iconRetinaUrl: script.getAttribute("data-icon-2x"),
    shadowUrl: script.getAttribute("data-shadow"),
  });
})();
