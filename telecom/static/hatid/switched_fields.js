/* Fields shown only for some values of another field (telecom/steps/forms.py,
   SwitchedFields): a step's action shows its own fields (an SMS its text, a
   charge its amount and description...), a voice step's verb its options.

   The switch is marked data-switch="<name>"; each field it governs
   data-switched-by="<name>" and data-shown-for="<value> <value>". Within the
   switch's own inline row (or its form, on a page of its own), a field shows
   when the switch's value is one of its values. Without this script every
   field shows, and the server keeps only the chosen value's. */
(function () {
  "use strict";
  const OFF = "hatid-switched-off";

  function scopeOf(element) {
    return element.closest(".inline-related") || element.closest("form") || document;
  }

  // What to hide for one field: its column in a row of several, else its row.
  function boxOf(field) {
    const column = field.closest(".fieldBox");
    return column ? column.parentElement : field.closest(".form-row");
  }

  function apply(switcher) {
    const scope = scopeOf(switcher);
    const selector = '[data-switched-by="' + switcher.dataset.switch + '"]';
    const rows = new Set();
    for (const field of scope.querySelectorAll(selector)) {
      if (scopeOf(field) !== scope) continue; // a field of an inline row inside this form
      const box = boxOf(field);
      if (!box) continue;
      box.classList.toggle(OFF, !field.dataset.shownFor.split(" ").includes(switcher.value));
      const row = field.closest(".form-row");
      if (row && row !== box) rows.add(row);
    }
    // A row of several fields goes when none of its columns is left.
    for (const row of rows) {
      const columns = row.querySelectorAll(".form-multiline > div");
      row.classList.toggle(OFF, Array.from(columns).every((c) => c.classList.contains(OFF)));
    }
  }

  function applyWithin(root) {
    for (const switcher of root.querySelectorAll("[data-switch]")) apply(switcher);
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-switch]")) apply(event.target);
  });
  // A row the admin adds ("Add another ...") starts with its own switch's fields.
  document.addEventListener("formset:added", (event) => applyWithin(event.target));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => applyWithin(document));
  } else {
    applyWithin(document);
  }
})();
