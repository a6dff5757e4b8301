// Live rows: a list of work in progress (messages sending, campaigns, calls,
// queries) asks /admin/live/<app>/<model>/ for its rows' cells every few
// seconds and puts the new ones in place, without a reload. The page says
// where to ask in this script's data-live attribute (telecom/admin_site.py).
// A single object's page takes part with an element data-live-id="<pk>" holding
// .field-<name> cells; a cell marked data-live-reload reloads the page when it
// changes (the page's layout depends on it: an import's status).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.live;
  if (!url) { return; }
  var started = Date.now();
  var MAX_MS = 30 * 60 * 1000;

  function rowsById() {
    var found = {};
    document.querySelectorAll("#result_list tbody tr").forEach(function (tr) {
      var box = tr.querySelector("input.action-select");
      var id = box ? box.value : null;
      if (!id) {
        var link = tr.querySelector("th a[href], td a[href]");
        var match = link && link.getAttribute("href").match(/\/(\d+)\/change\/$/);
        id = match ? match[1] : null;
      }
      if (id) { found[id] = tr; }
    });
    document.querySelectorAll("[data-live-id]").forEach(function (block) {
      found[block.dataset.liveId] = block;
    });
    return found;
  }

  function refresh() {
    if (Date.now() - started > MAX_MS) { return; }
    if (document.hidden) { return schedule(5); }
    var rows = rowsById();
    var ids = Object.keys(rows);
    if (!ids.length) { return; }
    fetch(url + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var reload = false;
        Object.keys(data.rows).forEach(function (id) {
          var tr = rows[id];
          var cells = data.rows[id];
          Object.keys(cells).forEach(function (name) {
            var td = tr && tr.querySelector(".field-" + name);
            if (td && td.innerHTML !== cells[name]) {
              if (td.hasAttribute("data-live-reload")) { reload = true; }
              td.innerHTML = cells[name];
              td.classList.add("hatid-live-changed");
            }
          });
        });
        if (reload) { window.location.reload(); return; }
        document.body.dataset.liveRefreshed = String(Date.now());
        schedule(data.poll_seconds || 5);
      })
      .catch(function () { schedule(15); });
  }

  function schedule(seconds) { window.setTimeout(refresh, seconds * 1000); }

  schedule(5);
})();
