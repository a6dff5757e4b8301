// The campaign page's progress: polls the progress URL named by the module's
// data-progress until the campaign is over (no inline script: CSP).
(function () {
  "use strict";
  const box = document.getElementById("campaign-progress");
  if (!box) return;
  const bar = document.getElementById("bar");
  const counts = document.getElementById("counts");
  const waiting = document.getElementById("waiting");
  const status = document.getElementById("campaign-status");
  async function poll() {
    const p = await (await fetch(box.dataset.progress)).json();
    bar.value = p.percent;
    counts.textContent = `${p.percent}% · queued ${p.queued} · sent ${p.sent} · failed ${p.failed} · cancelled ${p.cancelled} · ${p.per_second}/s`;
    waiting.textContent = p.waiting;
    waiting.hidden = !p.waiting;
    status.textContent = p.status_label;
    status.dataset.status = p.status;
    const later = p.status === "scheduled";
    document.getElementById("campaign-later").hidden = !later;
    document.getElementById("campaign-figures").hidden = later || p.status === "cancelled" && !p.recipients;
    if (!["completed", "cancelled"].includes(p.status)) setTimeout(poll, 2000);
    else document.getElementById("campaign-controls")?.remove();  // nothing left to control
  }
  setTimeout(poll, 2000);
})();
