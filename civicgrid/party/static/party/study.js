/* Study pages (学习教育), members' side.
 *
 * Lesson page: when the video or audio plays to its end the form's hidden "ended" field says so, and
 * after the lesson's minutes the hint goes; the server decides whether the lesson counts as studied.
 * Quiz paper: a countdown to the server's deadline (data-deadline, ISO 8601) written with textContent;
 * at zero the paper is handed in. The server is the authority on time: a late paper gets no score.
 */
(function () {
  "use strict";

  var player = document.getElementById("lesson-player");
  var ended = document.getElementById("media-ended");
  if (player && ended) {
    player.addEventListener("ended", function () {
      ended.value = "1";
      var hint = document.getElementById("complete-hint");
      if (hint) hint.textContent = "";
    });
  }

  var box = document.getElementById("countdown-box");
  var out = document.getElementById("countdown");
  var form = document.getElementById("attempt-form");
  if (!box || !out || !form) return;
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  if (isNaN(deadline)) return;
  var sent = false;
  form.addEventListener("submit", function () {
    sent = true;
  });

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    out.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    if (left === 0) {
      window.clearInterval(timer);
      if (!sent) {
        sent = true;
        out.textContent = box.getAttribute("data-expired") || "00:00";
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    }
  }

  var timer = window.setInterval(tick, 1000);
  tick();
})();
