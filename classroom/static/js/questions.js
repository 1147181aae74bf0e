// Small enhancements of the question types. Every question works without this
// script: the native selects, checkboxes and textareas are what the form posts.
(function () {
  "use strict";
  if (!document.querySelector || !window.Event) { return; }

  // order: "Move up" / "Move down" buttons. They only change the position
  // selects, so the answer posted (and autosaved) is the same as by hand.
  function orderItems(list) {
    return Array.prototype.slice.call(list.querySelectorAll(".order-item"));
  }

  function itemText(item) {
    var text = item.querySelector(".order-text");
    return text ? text.textContent.trim() : "";
  }

  // The order the selects describe when each position is used once; else the
  // order on screen.
  function currentOrder(list) {
    var items = orderItems(list);
    var seen = {};
    var complete = items.every(function (item) {
      var value = item.querySelector("select").value;
      if (!value || seen[value]) { return false; }
      seen[value] = true;
      return true;
    });
    if (!complete) { return items; }
    return items.slice().sort(function (a, b) {
      return Number(a.querySelector("select").value) - Number(b.querySelector("select").value);
    });
  }

  function announce(list, text) {
    var region = document.getElementById("order-announce-" + list.getAttribute("data-order"));
    if (!region) { return; }
    region.textContent = "";
    // A fresh text node, so the same message twice is read twice.
    setTimeout(function () { region.textContent = text; }, 50);
  }

  function move(list, item, step, button) {
    var order = currentOrder(list);
    var from = order.indexOf(item);
    var to = from + step;
    if (to < 0 || to >= order.length) {
      announce(list, "“" + itemText(item) + "” is already " + (step < 0 ? "first." : "last."));
      return;
    }
    order.splice(from, 1);
    order.splice(to, 0, item);
    order.forEach(function (each, index) {
      each.querySelector("select").value = String(index + 1);
      each.querySelector("select").removeAttribute("aria-invalid");
      each.classList.remove("moved");
      list.appendChild(each);
    });
    item.classList.add("moved");
    button.focus();
    announce(list, "“" + itemText(item) + "” moved to position " + (to + 1) + " of " +
             order.length + ".");
    // Let the autosave (quiz.js) and anything else know the answer changed.
    item.querySelector("select").dispatchEvent(new Event("change", {bubbles: true}));
  }

  function moveButton(label, text, handler) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button subtle";
    button.appendChild(document.createTextNode(label));
    // The name says which item moves; it starts with the visible words.
    button.setAttribute("aria-label", label + ": " + text);
    button.addEventListener("click", handler);
    return button;
  }

  document.querySelectorAll("ul.order-items[data-order]").forEach(function (list) {
    orderItems(list).forEach(function (item) {
      var text = itemText(item);
      var moves = document.createElement("div");
      moves.className = "order-moves";
      var up = moveButton("Move up", text, function () { move(list, item, -1, up); });
      var down = moveButton("Move down", text, function () { move(list, item, 1, down); });
      moves.appendChild(up);
      moves.appendChild(down);
      item.appendChild(moves);
    });
    var how = document.getElementById("how-" + list.getAttribute("data-order"));
    if (how) {
      how.appendChild(document.createTextNode(" Or use Move up and Move down."));
    }
  });

  // evidence: mark picked sentences for browsers without CSS :has().
  function markSentence(input) {
    var label = input.closest(".evidence-sentence");
    if (label) { label.classList.toggle("is-picked", input.checked); }
  }
  document.querySelectorAll(".evidence-sentence input[type=checkbox]").forEach(function (input) {
    markSentence(input);
    input.addEventListener("change", function () { markSentence(input); });
  });

  // text: how many characters are left, in the hint under the box.
  document.querySelectorAll("textarea.text-answer-input").forEach(function (box) {
    var hint = document.getElementById(box.id + "-limit");
    if (!hint) { return; }
    var limit = Number(hint.getAttribute("data-limit"));
    function update() {
      var left = limit - box.value.length;
      hint.textContent = left + " of " + limit + " characters left.";
    }
    update();
    box.addEventListener("input", update);
  });
})();
