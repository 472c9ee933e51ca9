/* CivicGrid page behaviour shared by every page (small, framework-free). */
(function () {
  "use strict";

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
