/* Live character counters for the fields that carry data-maxlength.
 *
 * The limit itself is checked on the server and reported next to the field; this only tells
 * the writer, as they type, how much room is left. Without JavaScript the fields work as
 * plain fields. The texts come translated from the script tag's data attributes
 * ({n} is replaced by the number). The visible count changes with every key; screen readers
 * hear it through a polite live region only once typing pauses, and near or over the limit.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !document.querySelectorAll) { return; }
  var texts = {
    left: script.getAttribute("data-left") || "{n}",
    over: script.getAttribute("data-over") || "-{n}"
  };
  var PAUSE_MS = 1200;

  function say(template, n) {
    return template.replace("{n}", String(n));
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!(limit > 0) || !field.id) { return; }
    var shown = document.createElement("p");
    shown.className = "counter hint";
    shown.id = field.id + "-compteur";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", spoken);
    var timer = null;

    function message() {
      var left = limit - field.value.length;
      return left < 0 ? say(texts.over, -left) : say(texts.left, left);
    }
    function update() {
      var left = limit - field.value.length;
      shown.textContent = message();
      shown.classList.toggle("counter-over", left < 0);
      window.clearTimeout(timer);
      // Speak only when it matters: within the last tenth of the room, or beyond it.
      if (left <= Math.max(10, Math.floor(limit / 10))) {
        timer = window.setTimeout(function () { spoken.textContent = message(); }, PAUSE_MS);
      }
    }
    field.addEventListener("input", update);
    update();
  }

  var fields = document.querySelectorAll("[data-maxlength]");
  for (var i = 0; i < fields.length; i += 1) { attach(fields[i]); }
}());
