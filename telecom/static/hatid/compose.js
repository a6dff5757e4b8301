/* The compose and new-campaign pages: the part counter, Hoiio's rate, and
 * which fields show for a text, a template or a binary SMS. The page's form
 * carries its URLs (data-measure-url, data-rate-url); no inline script.
 * For a template the counter shows the text filled for the first number's
 * subscriber, or with the longest plausible values (the server decides). */
(function () {
  "use strict";
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function setUp(form) {
    const measureUrl = form.dataset.measureUrl, rateUrl = form.dataset.rateUrl;
    const field = (name) => form.querySelector("[name=" + name + "]");
    const row = (name) => form.querySelector(".compose-row[data-field=" + name + "]");
    const text = field("text"), template = field("template"), to = field("to"), app = field("app");
    const kinds = form.querySelectorAll("[name=kind]");
    const counters = form.querySelectorAll("[data-counter]"), rate = document.getElementById("rate");
    const shown = document.getElementById("template-text");

    function kind() {
      const checked = form.querySelector("[name=kind]:checked");
      if (checked) return checked.value;
      return template && template.value && !(text && text.value) ? "template" : "text";
    }

    function layout() {
      if (!kinds.length) return;
      const k = kind();
      const visible = { text: k !== "template", template: k === "template",
        user_data_header: k === "binary", data_coding_scheme: k === "binary" };
      Object.keys(visible).forEach((name) => { const r = row(name); if (r) r.hidden = !visible[name]; });
      const label = row("text") && row("text").querySelector("label");
      if (label) label.textContent = k === "binary" ? "Payload:" : "Text:";
    }

    let timer;
    function update() {
      if (!counters.length || !measureUrl) return;
      const q = new URLSearchParams({ text: text ? text.value : "" });
      const useTemplate = template && template.value && kind() === "template";
      if (useTemplate) { q.set("template", template.value); if (to) q.set("to", to.value); }
      fetch(measureUrl + "?" + q).then((r) => r.json()).then((m) => {
        let line = plural(m.characters, "character") + ", " + plural(m.parts, "part") +
          " (" + m.encoding + ", " + m.per_part + " per part)";
        if (m.basis) line += ", filled with " + m.basis;
        // Only the counter of the row shown (the text's or the template's) speaks.
        counters.forEach((counter) => {
          const own = counter.closest(".compose-row");
          counter.textContent = own && own.hidden ? "" : line;
        });
        if (shown) { shown.textContent = useTemplate ? m.text : ""; shown.hidden = !useTemplate; }
      });
    }
    function soon() { clearTimeout(timer); timer = setTimeout(update, 150); }

    let rateTimer;
    function price() {
      if (!rate || !rateUrl || !app) return;
      const q = new URLSearchParams({ app: app.value, to: to ? to.value : "", text: text ? text.value : "" });
      fetch(rateUrl + "?" + q).then((r) => r.json()).then((m) => {
        rate.textContent = m.error ? "Hoiio's rate: " + m.error
          : m.currency ? "Hoiio's rate: " + m.split_count + " part(s) at " + m.rate + " " + m.currency +
            " = " + m.total_cost + " " + m.currency + " per number" : "";
      });
    }
    function priceSoon() { clearTimeout(rateTimer); rateTimer = setTimeout(price, 400); }

    [text, to].forEach((el) => el && el.addEventListener("input", () => { soon(); priceSoon(); }));
    if (template) template.addEventListener("change", () => { if (template.value && kinds.length) {
      const t = form.querySelector("[name=kind][value=template]"); if (t) t.checked = true; }
      layout(); soon(); });
    kinds.forEach((el) => el.addEventListener("change", () => { layout(); soon(); }));
    if (app) app.addEventListener("change", price);
    layout(); update(); price();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-measure-url]").forEach(setUp);
  });
})();
