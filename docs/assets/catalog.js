/* MM-LLM Atlas: sort and filter the catalog table, keeping the state in the URL,
 * and open timelines at their most recent end.
 * The table is complete without this script; it only brings its controls to life.
 * Runs once per page view, from Material's document$ where it exists. */
(function () {
  "use strict";

  var FILTERS = ["q", "kind", "modality", "weights", "org", "from", "to"];

  function text(el) { return (el.textContent || "").trim(); }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var table = root.querySelector("table");
    var tbody = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.map.call(tbody.rows, function (tr, index) {
      var d = tr.dataset;
      return {
        el: tr, index: index, search: d.search, kind: [d.kind],
        modality: d.modalities.split(" "), weights: [d.weights], org: d.orgs.split(" "),
        year: parseInt(d.year, 10), released: d.released, name: d.name,
        parameters: d.parameters === "" ? null : Number(d.parameters),
        cells: null  // the cells' text, read on the first sort by a text column
      };
    });
    // The form and the status line come with the page (hidden where scripts do not run).
    var form = root.querySelector("form.atlas-filters");
    var status = root.querySelector(".atlas-filters__status");
    var reset = form.querySelector(".atlas-filters__reset");

    var state = { sort: "", dir: "" }, sorted = false;

    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "atlas-sort";
      button.textContent = text(th);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.dataset.column;
        state.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
        state.sort = key;
        apply(true);
      });
    });

    function value(row, key, column) {
      if (key === "parameters") return row.parameters;
      if (key === "released") return row.released;
      if (key === "name") return row.name.toLowerCase();
      if (!row.cells) row.cells = Array.prototype.map.call(row.el.cells, function (td) { return text(td).toLowerCase(); });
      return row.cells[column];
    }

    function sortRows() {
      var order = rows.slice();
      if (state.sort) {
        var column = headers.findIndex(function (th) { return th.dataset.column === state.sort; });
        var sign = state.dir === "desc" ? -1 : 1;
        order.sort(function (a, b) {
          var x = value(a, state.sort, column), y = value(b, state.sort, column);
          if (x === y) return a.index - b.index;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * sign;
        });
      }
      if (state.sort || sorted) {
        var fragment = document.createDocumentFragment();
        order.forEach(function (r) { fragment.appendChild(r.el); });
        tbody.appendChild(fragment);
        sorted = Boolean(state.sort);
      }
      headers.forEach(function (th) {
        th.setAttribute("aria-sort", th.dataset.column === state.sort ? (state.dir === "desc" ? "descending" : "ascending") : "none");
      });
    }

    function read() {
      var f = {};
      FILTERS.forEach(function (name) { f[name] = (form.elements[name].value || "").trim(); });
      return f;
    }

    function filterRows(f) {
      var words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
      var from = f.from ? parseInt(f.from, 10) : -Infinity, to = f.to ? parseInt(f.to, 10) : Infinity;
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!f.kind || r.kind[0] === f.kind) && (!f.weights || r.weights[0] === f.weights) &&
          (!f.modality || r.modality.indexOf(f.modality) >= 0) && (!f.org || r.org.indexOf(f.org) >= 0) &&
          r.year >= from && r.year <= to &&
          words.every(function (w) { return r.search.indexOf(w) >= 0; });
        r.el.hidden = !ok;
        if (ok) shown++;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " models.";
      return shown;
    }

    function writeUrl(f) {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) { if (f[name]) params.set(name, f[name]); else params.delete(name); });
      if (state.sort) { params.set("sort", state.sort); params.set("dir", state.dir); } else { params.delete("sort"); params.delete("dir"); }
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function apply(resort) {
      var started = performance.now();
      var f = read();
      if (resort) sortRows();
      var shown = filterRows(f);
      var elapsed = performance.now() - started;
      window.atlasCatalog = { lastUpdateMs: elapsed, shown: shown, total: rows.length };
      writeUrl(f);
    }

    var params = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) { if (params.get(name)) form.elements[name].value = params.get(name); });
    if (params.get("sort")) {
      state.sort = params.get("sort");
      state.dir = params.get("dir") === "desc" ? "desc" : "asc";
    }
    form.addEventListener("input", function () { apply(false); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    reset.addEventListener("click", function () {
      form.reset();
      state.sort = ""; state.dir = "";
      apply(true);
    });
    apply(true);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-catalog"), setup);
    // Timelines open on the most recent years; the reader scrolls back in time.
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-scroll--timeline"), function (box) {
      box.scrollLeft = box.scrollWidth;
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
