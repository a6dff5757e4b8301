// The USSD menu page's screen cards (templates/admin/telecom/ussdmenu/):
// adds screens and options from the page's <template>s, shows the fields of
// the kind chosen, keeps every "next screen" select listing the cards (a new
// card is "new-<n>" until saved) and counts what the handset will show
// against the USSD limit (the editor's data-limit).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    var editor = document.querySelector(".ussd-editor[data-prefix]");
    if (!editor || !editor.querySelector("[data-cards]")) { return; }
    var prefix = editor.dataset.prefix;
    var limit = parseInt(editor.dataset.limit, 10) || 182;
    var cardsBox = editor.querySelector("[data-cards]");

    function cards() { return Array.prototype.slice.call(cardsBox.querySelectorAll("[data-card]")); }
    function field(card, suffix) { return card.querySelector("[name$='-" + suffix + "']"); }
    function removed(el) {
      var box = el.querySelector(":scope > .ussd-card-head [name$='-DELETE'], :scope > .ussd-remove [name$='-DELETE']");
      return Boolean(box && box.checked);
    }

    function refs() {
      return cards().filter(function (card) { return !removed(card); }).map(function (card) {
        var key = card.querySelector("[data-key]").value.trim();
        return [card.dataset.ref, key || "(new screen)"];
      });
    }

    function refreshTargets() {
      var list = refs();
      cardsBox.querySelectorAll("select[data-screen-ref]").forEach(function (select) {
        var value = select.value;
        var blank = select.options[0];
        select.textContent = "";
        select.appendChild(blank);
        list.forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1];
          select.appendChild(option);
        });
        select.value = value;
        if (select.value !== value) { select.value = ""; }
      });
    }

    function count(card) {
      var note = card.querySelector("[data-count]");
      var text = card.querySelector("[data-text]").value.trim();
      var n = text.length;
      if (card.dataset.kind === "menu") {
        card.querySelectorAll("[data-option]").forEach(function (row) {
          if (removed(row)) { return; }
          var position = field(row, "position").value;
          var label = field(row, "label").value;
          if (position || label) { n += 1 + (position + ". " + label).length; }
        });
      }
      note.textContent = n + " / " + limit;
      note.title = "What the handset shows (text and options), out of " + limit + " characters";
      note.classList.toggle("over", n > limit);
    }

    function addOption(card) {
      var list = card.querySelector("[data-options]");
      var total = card.querySelector("[name='" + list.dataset.prefix + "-TOTAL_FORMS']");
      var index = parseInt(total.value, 10);
      var html = card.querySelector("template[data-option-template]").innerHTML;
      list.insertAdjacentHTML("beforeend", html.replace(/__option__/g, String(index)));
      total.value = String(index + 1);
      var numbers = Array.prototype.map.call(list.querySelectorAll("[name$='-position']"), function (input) {
        return parseInt(input.value, 10) || 0;
      });
      var row = list.lastElementChild;
      field(row, "position").value = String(Math.max.apply(null, numbers.concat([0])) + 1);
      refreshTargets();
      count(card);
      return row;
    }

    function addScreen() {
      var total = editor.querySelector("[name='" + prefix + "-TOTAL_FORMS']");
      var index = parseInt(total.value, 10);
      var html = document.getElementById("ussd-screen-template").innerHTML;
      cardsBox.insertAdjacentHTML("beforeend", html.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      var card = cardsBox.lastElementChild;
      card.dataset.kind = field(card, "kind").value;
      addOption(card);
      refreshTargets();
      count(card);
      card.querySelector("[data-key]").focus();
    }

    editor.addEventListener("click", function (event) {
      if (event.target.closest("[data-add-screen]")) {
        event.preventDefault();
        addScreen();
      } else if (event.target.closest("[data-add-option]")) {
        event.preventDefault();
        addOption(event.target.closest("[data-card]")).querySelector("[name$='-label']").focus();
      }
    });
    editor.addEventListener("input", function (event) {
      var card = event.target.closest("[data-card]");
      if (!card) { return; }
      if (event.target.matches("[data-key]")) { refreshTargets(); }
      count(card);
    });
    editor.addEventListener("change", function (event) {
      var card = event.target.closest("[data-card]");
      if (!card) { return; }
      if (event.target.matches("[data-kind]")) { card.dataset.kind = event.target.value; }
      if (event.target.matches("[name$='-DELETE']")) {
        var row = event.target.closest("[data-option]") || card;
        row.classList.toggle("removing", event.target.checked);
        if (row === card) { refreshTargets(); }
      }
      count(card);
    });

    cards().forEach(count);
  });
})();
