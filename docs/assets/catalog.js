/* MM-LLM Atlas: sort and filter the catalog table, keeping the state in the URL,
 * and open timelines at their most recent end.
 * The table is complete without this script; it only adds controls.
 * Runs on every page view, including Material's instant navigation (document$). */
(function () {
  "use strict";

  var FILTERS = ["q", "kind", "modality", "weights", "org", "from", "to"];

  function text(el) { return (el.textContent || "").trim(); }

  function option(value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }

  function field(label, control) {
    var wrap = document.createElement("label");
    wrap.className = "atlas-filter";
    var span = document.createElement("span");
    span.textContent = label;
    wrap.appendChild(span);
    wrap.appendChild(control);
    return wrap;
  }

  function select(name, label, pairs) {
    var s = document.createElement("select");
    s.name = name;
    s.appendChild(option("", "any"));
    pairs.forEach(function (p) { s.appendChild(option(p[0], p[1])); });
    return field(label, s);
  }

  function input(name, label, type, attrs) {
    var i = document.createElement("input");
    i.type = type;
    i.name = name;
    Object.keys(attrs || {}).forEach(function (k) { i.setAttribute(k, attrs[k]); });
    return field(label, i);
  }

  function uniquePairs(rows, key, labelOf) {
    var seen = {};
    rows.forEach(function (r) {
      r[key].forEach(function (v, i) { if (v && !(v in seen)) seen[v] = labelOf(r, v, i); });
    });
    return Object.keys(seen).sort(function (a, b) { return seen[a].localeCompare(seen[b]); })
      .map(function (v) { return [v, seen[v]]; });
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var table = root.querySelector("table");
    var tbody = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.map.call(tbody.rows, function (tr, index) {
      var d = tr.dataset;
      return {
        el: tr, index: index, search: d.search, kind: [d.kind], kindLabel: text(tr.cells[3]),
        modality: d.modalities.split(" "), weights: [d.weights], org: d.orgs.split(" "),
        orgNames: Array.prototype.map.call(tr.cells[1].querySelectorAll("a"), text),
        year: parseInt(d.year, 10), released: d.released, name: d.name,
        parameters: d.parameters === "" ? null : Number(d.parameters),
        cells: Array.prototype.map.call(tr.cells, text)
      };
    });
    var years = rows.map(function (r) { return r.year; });
    var minYear = Math.min.apply(null, years), maxYear = Math.max.apply(null, years);

    var form = document.createElement("form");
    form.className = "atlas-filters";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the catalog");
    form.appendChild(input("q", "Search", "search", { placeholder: "name, alias, organization, technique" }));
    form.appendChild(select("kind", "Kind", uniquePairs(rows, "kind", function (r) { return r.kindLabel; })));
    form.appendChild(select("modality", "Modality", uniquePairs(rows, "modality", function (r, v) { return v; })));
    form.appendChild(select("weights", "Weights", [["open", "open"], ["restricted", "restricted"], ["closed", "closed"]]));
    form.appendChild(select("org", "Organization", uniquePairs(rows, "org", function (r, v, i) { return r.orgNames[i] || v; })));
    form.appendChild(input("from", "From year", "number", { min: minYear, max: maxYear, placeholder: String(minYear) }));
    form.appendChild(input("to", "To year", "number", { min: minYear, max: maxYear, placeholder: String(maxYear) }));
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button atlas-filters__reset";
    reset.textContent = "Reset";
    form.appendChild(reset);
    var status = document.createElement("p");
    status.className = "atlas-filters__status";
    status.setAttribute("aria-live", "polite");
    root.insertBefore(status, table);
    root.insertBefore(form, status);

    var state = { sort: "", dir: "" };

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
      return row.cells[column].toLowerCase();
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
      var fragment = document.createDocumentFragment();
      order.forEach(function (r) { fragment.appendChild(r.el); });
      tbody.appendChild(fragment);
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
