/* Staff case page: plug-ins' hints beside an action form (civicgrid/cases/case_hints.py). Each
   placeholder names a URL answering JSON {"reason": "...", "level": "...", "department_id": n};
   the reason is shown as text, and "采用" fills the form's handling level and department. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-hint-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var text = box.querySelector("[data-hint-text]");
    fetch(box.getAttribute("data-hint-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (hint) {
        text.textContent = hint.reason || "";
        box.setAttribute("data-state", "ready");
        var form = document.querySelector("#" + box.getAttribute("data-hint-form") + " form");
        if (!form || !hint.level) return;
        var level = form.querySelector("[name=level]");
        if (!level) return;
        var apply = document.createElement("button");
        apply.type = "button";
        apply.className = "btn btn-sm btn-link p-0 ms-1 align-baseline";
        apply.textContent = box.getAttribute("data-apply-label") || "采用";
        apply.setAttribute("data-hint-apply", "");
        apply.addEventListener("click", function () {
          level.value = hint.level;
          level.dispatchEvent(new Event("change", { bubbles: true }));
          var department = form.querySelector("[name=department]");
          if (department && hint.department_id) {
            department.value = String(hint.department_id);
            department.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
        box.appendChild(apply);
      })
      .catch(function () {
        text.textContent = box.getAttribute("data-error-label") || "";
        box.setAttribute("data-state", "failed");
      });
  });
})();
