/* The voice step editor, on a flow's page and a step's own page: as the
   operator types, the step's fields go to the flow's preview URL
   (data-preview-url on this script's tag; none on a flow not saved yet), which checks them with the step's
   form and answers with the Tropo JSON the step would answer a call with, or
   each field's problem; those are shown beside their fields. A step row the
   admin adds opens its form at once. */
(function () {
  "use strict";
  const url = document.currentScript.dataset.previewUrl;
  const timers = new WeakMap();

  function token() {
    return document.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  // A step's box: its inline row, or the form on the step's own page.
  function boxOf(element) {
    const box = element.closest(".inline-related") || element.closest("form");
    return box && box.querySelector("[data-step-preview]") ? box : null;
  }

  // "steps-0-" in an inline row; nothing on the step's own page.
  function prefixOf(box) {
    return box.classList.contains("inline-related") ? box.id + "-" : "";
  }

  function fields(box) {
    const prefix = prefixOf(box);
    const body = new URLSearchParams();
    for (const element of box.querySelectorAll("input[name], select[name], textarea[name]")) {
      const name = element.name;
      if (name.startsWith("initial-")) continue; // the admin's copy of the saved value
      let short = name;
      if (prefix) {
        if (!name.startsWith(prefix)) continue;
        short = name.slice(prefix.length);
      } else if (name.includes("-")) {
        continue; // a field of an inline row (the step page's routes)
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
      body.append(short, element.value);
    }
    return body;
  }

  function showErrors(box, errors) {
    for (const old of box.querySelectorAll(".hatid-live-error")) old.remove();
    const prefix = prefixOf(box);
    for (const [name, messages] of Object.entries(errors)) {
      const field = box.querySelector('[name="' + prefix + name + '"]');
      if (!field) continue;
      const list = document.createElement("ul");
      list.className = "errorlist hatid-live-error";
      for (const message of messages) {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
      }
      const column = field.closest(".fieldBox") || field;
      column.parentElement.insertBefore(list, column);
    }
  }

  async function refresh(box) {
    const out = box.querySelector("[data-step-preview] pre");
    if (!out || !url) return;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {"X-CSRFToken": token()},
        body: fields(box),
        credentials: "same-origin",
      });
      const data = await response.json();
      out.textContent = data.error ? "Not valid yet: " + data.error : data.document;
      out.dataset.state = data.error ? "error" : "ok";
      showErrors(box, data.errors || {});
    } catch (error) {
      out.textContent = "Preview unavailable: " + error.message;
    }
  }

  function schedule(event) {
    const box = boxOf(event.target);
    if (!box) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => refresh(box), 250));
  }

  document.addEventListener("input", schedule);
  document.addEventListener("change", schedule);
  document.addEventListener("formset:added", (event) => {
    for (const details of event.target.querySelectorAll("details")) {
      if (!details.querySelector("[data-step-options]")) details.open = true;
    }
  });
})();
