// Each quiz on the assignments page saves on its own. A form with changes says so, and
// leaving the page (by another quiz's Save, say) with changes unsaved asks first.
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.assignment-form"));
  var changed = [];
  var sending = null;
  forms.forEach(function (form) {
    function mark() {
      if (changed.indexOf(form) === -1) { changed.push(form); }
      form.querySelector(".unsaved").hidden = false;
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { sending = form; });
  });
  window.addEventListener("beforeunload", function (event) {
    var unsaved = changed.filter(function (form) { return form !== sending; });
    if (unsaved.length) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when this is set
    }
  });
})();
