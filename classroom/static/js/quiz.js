// Save each answer as it is chosen. The page works without this script:
// the "Save answers" button posts the whole form.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var url = form.getAttribute("data-autosave");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var progress = document.getElementById("progress");
  var total = form.querySelectorAll("fieldset.question").length;
  var asked = form.querySelector(".confirm-submit");  // after a submit with blanks

  function answered(fieldset) {
    // A checked answer shows its feedback in place of its inputs.
    if (fieldset.hasAttribute("data-checked")) { return true; }
    // An order is an answer once every item has its own position, as the server counts it.
    var positions = fieldset.querySelectorAll("select.order-select");
    if (positions.length) {
      var seen = {};
      return Array.prototype.every.call(positions, function (select) {
        if (!select.value || seen[select.value]) { return false; }
        seen[select.value] = true;
        return true;
      });
    }
    var inputs = fieldset.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.name && el.name.indexOf("c-") === 0) { continue; }
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : (el.value && el.value.trim())) {
        return true;
      }
    }
    return false;
  }

  function updateProgress() {
    if (!progress) { return; }
    var done = 0;
    form.querySelectorAll("fieldset.question").forEach(function (f) { if (answered(f)) { done++; } });
    progress.textContent = done + " of " + total + " questions answered.";
  }

  // URL-encoded rather than multipart: the smaller body is quicker for the server to read.
  function payload(fieldset) {
    var data = new URLSearchParams();
    data.append("csrf_token", tokenInput.value);
    data.append("question", fieldset.getAttribute("data-question"));
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data.append(el.name, el.value);
    });
    return data;
  }

  // What a question saved as "not answered" says: a partial order and a confidence
  // are stored only with a whole answer, so they must not be called saved.
  function notYet(fieldset) {
    var positions = fieldset.querySelectorAll("select.order-select");
    if (Array.prototype.some.call(positions, function (select) { return select.value; })) {
      return "Not saved yet: give every item its own position, and the order is saved.";
    }
    if (fieldset.querySelector("input[name^='c-']:checked")) {
      return "Not saved yet: choose an answer too, and how sure you are is saved with it.";
    }
    return "Saved: not answered yet";
  }

  function show(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  // One save per question at a time: a slow, older save must never land after a
  // newer one and overwrite it. A change made meanwhile is sent when it returns.
  var busy = {}, again = {};

  function save(fieldset, retried) {
    var id = fieldset.getAttribute("data-question");
    var status = fieldset.querySelector(".save-status");
    delete waiting[id];
    if (busy[id] && !retried) { again[id] = true; return; }
    busy[id] = true;
    show(status, "Saving…");
    function resend() {
      busy[id] = false;
      if (!again[id]) { return false; }
      again[id] = false;
      save(fieldset, false);
      return true;
    }
    fetch(url, {method: "POST", body: payload(fieldset), credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (result) {
        if (!result.ok && result.body.csrf_token && !retried) {
          tokenInput.value = result.body.csrf_token;
          save(fieldset, true);
          return;
        }
        if (resend()) { return; }
        if (result.ok) {
          show(status, result.body.answered === false ? notYet(fieldset) : "Saved");
          return;
        }
        show(status, "Not saved: " + (result.body.error || "try “Save answers”."), true);
      })
      .catch(function () {
        if (resend()) { return; }
        show(status, "Not saved: no connection. Your choice is kept on this page; press “Save answers” when you are back online.", true);
      });
  }

  // The questions whose latest answer is not yet sent (waiting for their timer, or
  // for an earlier save of the same question to come back).
  var timers = {}, waiting = {};
  function changed(event, delay) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) { return; }
    updateProgress();
    // The questions it named as blank may have answers now: "Submit answers" asks
    // again, with the count as it is.
    if (asked) { asked.hidden = true; }
    // A form without an autosave address is saved by its buttons alone.
    if (!url) { return; }
    var id = fieldset.getAttribute("data-question");
    // At once, not when the save goes out: "Saved" must never describe an older answer.
    show(fieldset.querySelector(".save-status"), "Saving…");
    clearTimeout(timers[id]);
    waiting[id] = fieldset;
    timers[id] = setTimeout(function () { save(fieldset, false); }, delay);
  }

  // Leaving the page (a link, a reload, a closed tab) before an answer's timer runs
  // must not lose it: send it now, in a request that outlives the page.
  window.addEventListener("pagehide", function () {
    Object.keys(timers).forEach(function (id) { clearTimeout(timers[id]); });
    Object.keys(again).forEach(function (id) {
      if (again[id]) { waiting[id] = document.getElementById("question-" + id); }
    });
    Object.keys(waiting).forEach(function (id) {
      fetch(url, {method: "POST", body: payload(waiting[id]), credentials: "same-origin",
                  keepalive: true, headers: {"Accept": "application/json"}});
    });
    waiting = {};
  });

  // Choices are saved at once; text when the box is left, and a moment after
  // typing stops (a textarea's "change" only fires when it loses focus).
  form.addEventListener("change", function (event) {
    changed(event, event.target.tagName === "TEXTAREA" ? 400 : 0);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { changed(event, 1000); }
  });

  // Enter on a choice would post the whole form and reload the page at its end: the
  // answer saves itself, so the student stays where they are.
  form.addEventListener("keydown", function (event) {
    if (url && event.key === "Enter" && event.target.tagName === "INPUT") {
      event.preventDefault();
    }
  });

  var submitted = false;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && (button.value === "submit" || button.value === "submit-unanswered")) {
      if (submitted) { event.preventDefault(); return; }
      submitted = true;
      // Disable after the browser has read the button's value into the request.
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
