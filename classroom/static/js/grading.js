// Keyboard shortcuts in the grading queue: 2, 1 or 0 picks a rubric level.
(function () {
  "use strict";
  var form = document.getElementById("grade-form");
  if (!form) { return; }
  // The keys work only with this script: the page says so only when it runs.
  var keys = document.getElementById("level-keys");
  if (keys) { keys.hidden = false; }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.tagName === "TEXTAREA" || target.tagName === "INPUT" && target.type === "text") { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var radio = document.getElementById("level-" + event.key);
    if (radio) {
      radio.checked = true;
      radio.focus();
      event.preventDefault();
    }
  });
})();
