/* MM-LLM Atlas: the catalog table's controls and its chart.
 * The table is complete without this script; it brings the filters, sorting, extra columns,
 * downloads and the chart to life, and keeps all of that in the URL so a view can be shared.
 * Every text goes in with textContent; extra columns come from api/columns/<key>.json.
 * Runs once per page view, from Material's document$ where it exists. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var GROUPS = ["kind", "modality", "weights", "org"];  // checkbox groups, comma lists in the URL
  var SINGLE = ["q", "pmin", "pmax", "from", "to"];
  var BASE_GRID = "minmax(0, 1.8fr) minmax(0, 2.6fr) minmax(0, 0.9fr) minmax(0, 1.3fr) minmax(0, 1.6fr) minmax(0, 1fr) minmax(0, 1fr)";
  var LABELS = { kind: "Kind", modality: "Modalities", weights: "Weights", org: "Organization", q: "Search", size: "Parameters", year: "Released" };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function text(el) { return (el.textContent || "").trim(); }

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // The shared matcher's normalizer (assets/atlas-match.js), where it is loaded.
  function fold(value) {
    var matcher = window.AtlasMatch;
    if (matcher && matcher.squash) return matcher.squash(value);
    return String(value).normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function humanCount(n) {
    var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < units.length; i++) if (n >= units[i][0]) return +(n / units[i][0]).toPrecision(3) + units[i][1];
    return String(n);
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var siteRoot = root.dataset.root || "";
    // The shared normalizer loads only where a table uses it; until it arrives, fold() above stands in.
    if (!window.AtlasMatch) {
      var matcher = document.createElement("script");
      matcher.src = siteRoot + "assets/atlas-match.js";
      matcher.addEventListener("load", function () { rows.forEach(function (r) { r.folded = null; }); apply(false); });
      document.head.appendChild(matcher);
    }
    var table = root.querySelector("table");
    var tbody = table.tBodies[0];
    var headRow = table.tHead.rows[0];
    var form = root.querySelector("form.atlas-filters");
    var status = root.querySelector(".atlas-filters__status");
    var chartBox = root.querySelector(".atlas-catalog__chart");
    var chartToggle = root.querySelector(".atlas-catalog__chart-toggle");
    var rows = Array.prototype.map.call(tbody.rows, function (tr, index) {
      var d = tr.dataset;
      return {
        // Until api/columns/terms.json arrives, a row answers to its name, organizations and id.
        el: tr, index: index, id: d.id, search: (d.name + " " + text(tr.cells[1]) + " " + d.id).toLowerCase(), folded: null, kind: d.kind,
        modality: d.modalities.split(" "), weights: d.weights, org: d.orgs.split(" "),
        year: parseInt(d.year, 10), released: d.released, name: d.name,
        parameters: d.parameters === "" ? null : Number(d.parameters),
        extra: {}, cells: null, mask: 0
      };
    });
    var state = { sort: "", dir: "", cols: [], score: "", chart: false, color: "kind" };
    var extras = {};  // column key -> {label, values} once loaded
    var sorted = false;

    // Sort buttons in the header, for the seven columns the page brings and any added later.
    function sortButton(th) {
      var button = el("button", "atlas-sort", text(th));
      button.type = "button";
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.dataset.column;
        state.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
        state.sort = key;
        apply(true);
      });
    }
    Array.prototype.forEach.call(headRow.cells, sortButton);

    function value(row, key) {
      if (key === "parameters") return row.parameters;
      if (key === "released") return row.released;
      if (key === "name") return row.name.toLowerCase();
      if (key in row.extra) return row.extra[key];
      if (key in extras) return null;
      var column = Array.prototype.findIndex.call(headRow.cells, function (th) { return th.dataset.column === key; });
      if (!row.cells) row.cells = Array.prototype.map.call(row.el.cells, function (td) { return text(td).toLowerCase(); });
      return row.cells[column];
    }

    function sortRows() {
      var order = rows.slice();
      if (state.sort) {
        var sign = state.dir === "desc" ? -1 : 1;
        order.sort(function (a, b) {
          var x = value(a, state.sort), y = value(b, state.sort);
          if (x === y) return a.index - b.index;
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (x < y ? -1 : 1) * sign;
        });
      }
      if (state.sort || sorted) {
        var fragment = document.createDocumentFragment();
        order.forEach(function (r) { fragment.appendChild(r.el); });
        tbody.appendChild(fragment);
        sorted = Boolean(state.sort);
      }
      Array.prototype.forEach.call(headRow.cells, function (th) {
        th.setAttribute("aria-sort", th.dataset.column === state.sort ? (state.dir === "desc" ? "descending" : "ascending") : "none");
      });
    }

    // ---- filters -------------------------------------------------------------------
    function checked(name) {
      return Array.prototype.filter.call(form.querySelectorAll("input[name='" + name + "']"), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
    }

    function read() {
      var f = {};
      GROUPS.forEach(function (name) { f[name] = checked(name); });
      SINGLE.forEach(function (name) { f[name] = (form.elements[name].value || "").trim(); });
      return f;
    }

    // Each filter is one bit; a row is shown when no bit is set. Keeping the bits lets the
    // counts say what each choice would give, and the empty state say which filter emptied it.
    var BITS = { q: 1, kind: 2, modality: 4, weights: 8, org: 16, size: 32, year: 64 };

    function failures(r, f, test) {
      var mask = 0;
      if (test.words.length && !test.words.every(function (w) { return r.search.indexOf(w) >= 0; })) {
        if (r.folded === null) r.folded = fold(r.search);
        if (!test.squashed || r.folded.indexOf(test.squashed) < 0) mask |= BITS.q;
      }
      if (f.kind.length && f.kind.indexOf(r.kind) < 0) mask |= BITS.kind;
      if (f.modality.length && !f.modality.every(function (m) { return r.modality.indexOf(m) >= 0; })) mask |= BITS.modality;
      if (f.weights.length && f.weights.indexOf(r.weights) < 0) mask |= BITS.weights;
      if (f.org.length && !f.org.some(function (o) { return r.org.indexOf(o) >= 0; })) mask |= BITS.org;
      if (test.pmin !== null || test.pmax !== null) {
        if (r.parameters === null || (test.pmin !== null && r.parameters < test.pmin) || (test.pmax !== null && r.parameters > test.pmax)) mask |= BITS.size;
      }
      if (r.year < test.from || r.year > test.to) mask |= BITS.year;
      return mask;
    }

    function billions(value) {
      if (value === "") return null;
      var n = Number(value);
      return isFinite(n) ? n * 1e9 : null;
    }

    function filterRows(f) {
      var test = {
        words: f.q.toLowerCase().split(/\s+/).filter(Boolean), squashed: fold(f.q),
        pmin: billions(f.pmin), pmax: billions(f.pmax),
        from: f.from ? parseInt(f.from, 10) : -Infinity, to: f.to ? parseInt(f.to, 10) : Infinity
      };
      var shown = 0, unsized = 0, without = {};
      var counts = {};
      GROUPS.forEach(function (g) { counts[g] = {}; });
      rows.forEach(function (r) {
        var mask = failures(r, f, test);
        r.mask = mask;
        r.el.hidden = mask !== 0;
        if (!mask) shown++;
        if (mask === BITS.size && r.parameters === null) unsized++;
        Object.keys(BITS).forEach(function (name) { if (mask === BITS[name]) without[name] = (without[name] || 0) + 1; });
        // A choice's count: the rows it would show with the other filters as they are.
        GROUPS.forEach(function (g) {
          if (mask & ~BITS[g]) return;
          var values = g === "kind" ? [r.kind] : g === "weights" ? [r.weights] : r[g];
          for (var i = 0; i < values.length; i++) counts[g][values[i]] = (counts[g][values[i]] || 0) + 1;
        });
      });
      GROUPS.forEach(function (g) {
        Array.prototype.forEach.call(form.querySelectorAll("details[data-name='" + g + "'] .atlas-choice__count"), function (span) {
          var n = counts[g][span.dataset.value] || 0;
          span.textContent = n;
          span.parentNode.classList.toggle("atlas-choice__option--none", n === 0);
        });
        var picked = form.querySelector("details[data-name='" + g + "'] .atlas-choice__picked");
        picked.textContent = f[g].length ? " (" + f[g].length + ")" : "";
      });
      var active = activeFilters(f).filter(function (n) { return n !== "q"; }).length + wantedColumns().length;
      form.querySelector(".atlas-filters__more > summary .atlas-choice__picked").textContent = active ? " (" + active + ")" : "";
      describe(f, shown, unsized, without);
      return shown;
    }

    function activeFilters(f) {
      var active = [];
      if (f.q) active.push("q");
      GROUPS.forEach(function (g) { if (f[g].length) active.push(g); });
      if (f.pmin || f.pmax) active.push("size");
      if (f.from || f.to) active.push("year");
      return active;
    }

    function clearFilter(name) {
      if (name === "size") { form.elements.pmin.value = ""; form.elements.pmax.value = ""; }
      else if (name === "year") { form.elements.from.value = ""; form.elements.to.value = ""; }
      else if (name === "q") form.elements.q.value = "";
      else form.querySelectorAll("input[name='" + name + "']").forEach(function (box) { box.checked = false; });
      apply(false);
      form.elements.q.focus();
    }

    function describe(f, shown, unsized, without) {
      status.textContent = "";
      if (shown) {
        status.appendChild(document.createTextNode("Showing " + shown + " of " + rows.length + " models."));
        if (unsized) status.appendChild(document.createTextNode(" " + unsized + " without a published parameter count are left out by the size filter."));
        return;
      }
      // Nothing left: name the filters that emptied the table, and what clearing each would bring back.
      var active = activeFilters(f);
      status.appendChild(document.createTextNode("No model matches all of these filters. "));
      var helpful = active.filter(function (name) { return without[name]; });
      if (!helpful.length) status.appendChild(document.createTextNode("No single filter is to blame; clear several, or "));
      helpful.forEach(function (name) {
        var button = el("button", "atlas-filters__clear", "Clear " + LABELS[name] + " (" + without[name] + " model" + (without[name] === 1 ? "" : "s") + ")");
        button.type = "button";
        button.addEventListener("click", function () { clearFilter(name); });
        status.appendChild(button);
        status.appendChild(document.createTextNode(" "));
      });
      var all = el("button", "atlas-filters__clear", "clear all filters");
      all.type = "button";
      all.addEventListener("click", function () { ["q"].concat(GROUPS, ["size", "year"]).forEach(clearFilter); });
      status.appendChild(all);
    }

    // ---- extra columns ---------------------------------------------------------------
    function columnLabel(key) {
      if (key.indexOf("score-") === 0) {
        var option = form.elements.score.querySelector("option[value='" + key.slice(6) + "']");
        return option ? option.textContent.replace(/, \d+ models$/, "") : key;
      }
      var box = form.querySelector("input[name='col'][value='" + key + "']");
      return box ? text(box.parentNode) : key;
    }

    function wantedColumns() {
      return state.cols.concat(state.score ? ["score-" + state.score] : []);
    }

    function loadColumn(key) {
      if (extras[key]) return extras[key].ready;
      var entry = { label: columnLabel(key), values: null };
      entry.ready = fetch(siteRoot + "api/columns/" + key + ".json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (values) { entry.values = values; });
      extras[key] = entry;
      return entry.ready;
    }

    function syncColumns() {
      var wanted = wantedColumns();
      return Promise.all(wanted.map(loadColumn)).then(function () {
        // Remove columns no longer wanted, then add the missing ones in order.
        Array.prototype.slice.call(headRow.cells, 7).forEach(function (th) {
          if (wanted.indexOf(th.dataset.column) >= 0) return;
          var at = th.cellIndex;
          rows.forEach(function (r) { r.el.deleteCell(at); delete r.extra[th.dataset.column]; });
          headRow.removeChild(th);
        });
        wanted.forEach(function (key) {
          if (headRow.querySelector("th[data-column='" + key + "']")) return;
          var th = el("th", "", extras[key].label);
          th.scope = "col";
          th.dataset.column = key;
          th.dataset.type = "extra";
          headRow.appendChild(th);
          sortButton(th);
          var values = extras[key].values;
          rows.forEach(function (r) {
            var cell = values[r.id];
            var td = r.el.insertCell(-1);
            td.dataset.label = extras[key].label;
            td.textContent = cell ? cell[0] : "–";
            if (cell && cell[2]) td.title = cell[2];
            r.extra[key] = cell ? cell[1] : null;
          });
        });
        var extraCount = headRow.cells.length - 7;
        table.style.setProperty("--atlas-columns", BASE_GRID + " minmax(0, 1fr)".repeat(extraCount));
        table.style.setProperty("--atlas-min-width", (40 + 7 * extraCount) + "rem");
        var boxes = form.querySelector("details[data-name='col'] .atlas-choice__picked");
        boxes.textContent = extraCount ? " (" + extraCount + ")" : "";
      });
    }

    // ---- URL ------------------------------------------------------------------------------
    function writeUrl(f) {
      var params = new URLSearchParams(window.location.search);
      GROUPS.forEach(function (name) { if (f[name].length) params.set(name, f[name].join(",")); else params.delete(name); });
      SINGLE.forEach(function (name) { if (f[name]) params.set(name, f[name]); else params.delete(name); });
      if (state.sort) { params.set("sort", state.sort); params.set("dir", state.dir); } else { params.delete("sort"); params.delete("dir"); }
      if (state.cols.length) params.set("cols", state.cols.join(",")); else params.delete("cols");
      if (state.score) params.set("score", state.score); else params.delete("score");
      if (state.chart) { params.set("chart", "1"); params.set("color", state.color); } else { params.delete("chart"); params.delete("color"); }
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      GROUPS.forEach(function (name) {
        var values = (params.get(name) || "").split(",").filter(Boolean);
        form.querySelectorAll("input[name='" + name + "']").forEach(function (box) { box.checked = values.indexOf(box.value) >= 0; });
      });
      SINGLE.forEach(function (name) { if (params.get(name)) form.elements[name].value = params.get(name); });
      var known = Array.prototype.map.call(form.querySelectorAll("input[name='col']"), function (box) { return box.value; });
      state.cols = (params.get("cols") || "").split(",").filter(function (key) { return known.indexOf(key) >= 0; });
      form.querySelectorAll("input[name='col']").forEach(function (box) { box.checked = state.cols.indexOf(box.value) >= 0; });
      var score = params.get("score") || "";
      state.score = form.elements.score.querySelector("option[value='" + score.replace(/[^a-z0-9\-]/g, "") + "']") ? score : "";
      form.elements.score.value = state.score;
      if (params.get("sort")) {
        state.sort = params.get("sort");
        state.dir = params.get("dir") === "desc" ? "desc" : "asc";
      }
      state.chart = params.get("chart") === "1";
      state.color = params.get("color") === "weights" ? "weights" : "kind";
    }

    // ---- the chart -----------------------------------------------------------------------
    var chart = { selected: null, points: [] };

    function monthIndex(released) {
      var parts = released.split("-");
      return parseInt(parts[0], 10) * 12 + (parts.length > 1 ? parseInt(parts[1], 10) - 1 : 5.5);
    }

    function drawChart() {
      chartBox.hidden = !state.chart;
      chartToggle.setAttribute("aria-pressed", state.chart ? "true" : "false");
      if (!state.chart) return;
      chartBox.textContent = "";
      var shown = rows.filter(function (r) { return !r.mask; });
      var plotted = shown.filter(function (r) { return r.parameters; });
      var controls = el("div", "atlas-chart__controls");
      var label = el("label", "atlas-filter");
      label.appendChild(el("span", "", "Colour by"));
      var select = el("select");
      select.name = "color";
      [["kind", "kind"], ["weights", "weights access"]].forEach(function (o) {
        var option = el("option", "", o[1]);
        option.value = o[0];
        select.appendChild(option);
      });
      select.value = state.color;
      select.addEventListener("change", function () { state.color = select.value; apply(false); });
      label.appendChild(select);
      controls.appendChild(label);
      chartBox.appendChild(controls);
      var caption = el("p", "atlas-chart__caption", plotted.length + " of the " + shown.length + " models shown are plotted: release date against parameters (log scale)" +
        (shown.length > plotted.length ? "; " + (shown.length - plotted.length) + " have no published parameter count." : ".") +
        " Tap or click a point for its details; with the chart focused, the arrow keys step through the models by date.");
      chartBox.appendChild(caption);
      if (!plotted.length) return;
      // Drawn at the box's own width, so its 12 px labels stay 12 px on a phone.
      drawnWidth = chartBox.clientWidth;
      var W = Math.max(300, Math.round(chartBox.clientWidth || 900)), H = W < 600 ? 300 : 420, L = 44, R = 10, T = 12, B = 30;
      var months = plotted.map(function (r) { return monthIndex(r.released); });
      var lo = Math.min.apply(null, months) - 3, hi = Math.max.apply(null, months) + 3;
      var logs = plotted.map(function (r) { return Math.log10(r.parameters); });
      var ylo = Math.floor(Math.min.apply(null, logs)), yhi = Math.ceil(Math.max.apply(null, logs));
      if (yhi === ylo) yhi += 1;
      var x = function (m) { return L + (m - lo) / (hi - lo) * (W - L - R); };
      var y = function (v) { return T + (yhi - v) / (yhi - ylo) * (H - T - B); };
      var plot = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "atlas-chart atlas-chart--explorer", role: "img", tabindex: "0",
        "aria-label": "Release date against parameter count for " + plotted.length + " models; the table below holds the same data." });
      for (var v = ylo; v <= yhi; v++) {
        plot.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "atlas-chart__grid" }));
        var t = svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "atlas-chart__label" });
        t.textContent = humanCount(Math.pow(10, v));
        plot.appendChild(t);
      }
      var firstYear = Math.ceil(lo / 12), lastYear = Math.floor(hi / 12);
      var step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / Math.max(3, Math.floor(W / 70))));
      for (var year = firstYear; year <= lastYear; year += step) {
        plot.appendChild(svg("line", { x1: x(year * 12), x2: x(year * 12), y1: T, y2: H - B, class: "atlas-chart__grid" }));
        var yt = svg("text", { x: x(year * 12), y: H - B + 18, "text-anchor": "middle", class: "atlas-chart__label" });
        yt.textContent = String(year);
        plot.appendChild(yt);
      }
      var ordered = plotted.slice().sort(function (a, b) { return a.released < b.released ? -1 : a.released > b.released ? 1 : a.index - b.index; });
      chart.points = ordered.map(function (r) {
        var cx = x(monthIndex(r.released)), cy = y(Math.log10(r.parameters));
        var dot = svg("circle", { cx: cx.toFixed(1), cy: cy.toFixed(1), r: 4.5, class: "atlas-chart__dot atlas-swatch--" + (state.color === "kind" ? r.kind : r.weights), "data-id": r.id });
        var title = svg("title");
        title.textContent = r.name + " (" + r.released + ", " + humanCount(r.parameters) + ")";
        dot.appendChild(title);
        plot.appendChild(dot);
        return { row: r, x: cx, y: cy, dot: dot };
      });
      var ring = svg("circle", { r: 9, class: "atlas-chart__ring", visibility: "hidden" });
      plot.appendChild(ring);
      chart.ring = ring;
      chartBox.appendChild(plot);
      chartBox.appendChild(legend(ordered));
      var detail = el("p", "atlas-chart__detail");
      detail.setAttribute("aria-live", "polite");
      chartBox.appendChild(detail);
      chart.detail = detail;
      // The nearest point within reach of a tap or click, in screen pixels, so small dots are easy to hit.
      plot.addEventListener("click", function (event) {
        var box = plot.getBoundingClientRect(), scale = box.width / W;
        var px = (event.clientX - box.left) / scale, py = (event.clientY - box.top) / scale;
        var best = null, bestDistance = 24 / scale;
        chart.points.forEach(function (p, i) {
          var d = Math.sqrt((p.x - px) * (p.x - px) + (p.y - py) * (p.y - py));
          if (d < bestDistance) { best = i; bestDistance = d; }
        });
        if (best !== null) select_(best);
      });
      plot.addEventListener("keydown", function (event) {
        var i = chart.selected === null ? -1 : chart.selected;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") i = Math.min(chart.points.length - 1, i + 1);
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") i = Math.max(0, i - 1);
        else if (event.key === "Home") i = 0;
        else if (event.key === "End") i = chart.points.length - 1;
        else if (event.key === "Enter" && chart.selected !== null) { window.location.href = chart.link.href; return; }
        else return;
        event.preventDefault();
        select_(i);
      });
      var keep = chart.points.findIndex(function (p) { return p.row.id === chart.selectedId; });
      if (keep >= 0) select_(keep);
    }

    function select_(i) {
      var p = chart.points[i];
      chart.selected = i;
      chart.selectedId = p.row.id;
      chart.ring.setAttribute("cx", p.x.toFixed(1));
      chart.ring.setAttribute("cy", p.y.toFixed(1));
      chart.ring.setAttribute("visibility", "visible");
      var r = p.row, parts = r.released.split("-");
      chart.detail.textContent = "";
      var link = el("a", "", r.name);
      link.href = r.el.cells[0].querySelector("a").href;
      chart.link = link;
      chart.detail.appendChild(link);
      var when = (parts[1] ? MONTHS[parseInt(parts[1], 10) - 1] + " " : "") + parts[0];
      chart.detail.appendChild(document.createTextNode(": " + text(r.el.cells[1]) + ", " + when + ", " + humanCount(r.parameters) + " parameters, " +
        text(r.el.cells[3]) + ", " + r.weights + " weights."));
    }

    function legend(plotted) {
      var counts = {};
      plotted.forEach(function (r) { var k = state.color === "kind" ? r.kind : r.weights; counts[k] = (counts[k] || 0) + 1; });
      var list = el("ul", "atlas-chart__key");
      list.setAttribute("aria-label", "Colours");
      var labels = {};
      if (state.color === "kind") {
        plotted.forEach(function (r) { labels[r.kind] = text(r.el.cells[3]); });
      }
      Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).forEach(function (k) {
        var li = el("li");
        var swatch = svg("svg", { width: 12, height: 12, "aria-hidden": "true" });
        swatch.appendChild(svg("circle", { cx: 6, cy: 6, r: 5, class: "atlas-swatch--" + k }));
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(" " + (labels[k] || k) + " (" + counts[k] + ")"));
        list.appendChild(li);
      });
      return list;
    }

    // ---- downloads -----------------------------------------------------------------------
    function visibleIds() {
      var ids = [];
      Array.prototype.forEach.call(tbody.rows, function (tr) { if (!tr.hidden) ids.push(tr.dataset.id); });
      return ids;
    }

    function save(name, type, content) {
      var url = URL.createObjectURL(new Blob([content], { type: type }));
      var a = el("a");
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }

    // The records of models.csv, as [start, end) offsets into its text, so kept rows are copied byte for byte.
    function csvRecords(source) {
      var out = [], start = 0, quoted = false;
      for (var i = 0; i < source.length; i++) {
        var c = source[i];
        if (c === '"') quoted = !quoted;
        else if (c === "\n" && !quoted) { out.push([start, i + 1]); start = i + 1; }
      }
      if (start < source.length) out.push([start, source.length]);
      return out;
    }

    function download(format) {
      var ids = visibleIds(), wanted = {};
      ids.forEach(function (id, i) { wanted[id] = i; });
      var file = siteRoot + "api/models." + format;
      return fetch(file).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return format === "json" ? r.json() : r.text();
      }).then(function (data) {
        if (format === "json") {
          var models = data.models.filter(function (m) { return m.id in wanted; }).sort(function (a, b) { return wanted[a.id] - wanted[b.id]; });
          save("atlas-models.json", "application/json", JSON.stringify({ schema: data.schema, count: models.length, query: window.location.search, models: models }, null, 2) + "\n");
        } else {
          var records = csvRecords(data);
          var kept = records.slice(1).map(function (span) { return data.slice(span[0], span[1]); })
            .filter(function (line) { return line.split(",", 1)[0] in wanted; })
            .sort(function (a, b) { return wanted[a.split(",", 1)[0]] - wanted[b.split(",", 1)[0]]; });
          // fetch() drops the byte-order mark while decoding; put it back so spreadsheets read UTF-8.
          var header = data.slice(records[0][0], records[0][1]).replace(/^\uFEFF?/, "\uFEFF");
          save("atlas-models.csv", "text/csv;charset=utf-8", header + kept.join(""));
        }
        window.atlasCatalog.downloaded = { format: format, rows: ids.length };
      }).catch(function (err) { status.textContent = "Could not download the rows (" + err.message + ")."; });
    }

    // The words each row answers to (aliases, parent organizations, techniques), fetched once the table shows.
    function loadTerms() {
      fetch(siteRoot + "api/columns/terms.json").then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (terms) {
        rows.forEach(function (r) { if (terms[r.id]) { r.search = terms[r.id]; r.folded = null; } });
        if (read().q) apply(false);
      }).catch(function () { /* names, organizations and ids still match */ });
    }

    // ---- wiring --------------------------------------------------------------------------
    function apply(resort) {
      var started = performance.now();
      var f = read();
      if (resort) sortRows();
      var shown = filterRows(f);
      var elapsed = performance.now() - started;
      window.atlasCatalog = { lastUpdateMs: elapsed, shown: shown, total: rows.length };
      writeUrl(f);
      drawChart();
    }

    readUrl();
    loadTerms();
    // Phones start with the filters folded away, unless the address already sets some.
    var more = form.querySelector(".atlas-filters__more");
    if (window.matchMedia && window.matchMedia("(max-width: 44.9375em)").matches && !activeFilters(read()).filter(function (n) { return n !== "q"; }).length && !wantedColumns().length) more.open = false;
    more.setAttribute("data-ready", "");  // atlas.css keeps the fold's contents hidden on phones until now, so closing it moves nothing
    form.addEventListener("input", function (event) {
      var name = event.target.name;
      if (name === "orgq") {
        var wanted = fold(event.target.value);
        form.querySelectorAll("details[data-name='org'] .atlas-choice__option").forEach(function (label) {
          label.hidden = Boolean(wanted) && fold(text(label)).indexOf(wanted) < 0;
        });
        return;
      }
      if (name === "col" || name === "score") {
        state.cols = checked("col");
        state.score = form.elements.score.value;
        syncColumns().then(function () { if (state.sort.indexOf("score-") === 0 || wantedColumns().indexOf(state.sort) >= 0) apply(true); else apply(false); })
          .catch(function (err) { status.textContent = "Could not load the column (" + err.message + ")."; });
        return;
      }
      apply(false);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    // One disclosure open at a time, closed by Escape or a click elsewhere.
    var choices = Array.prototype.slice.call(form.querySelectorAll("details.atlas-choice"));
    choices.forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) choices.forEach(function (o) { if (o !== d) o.open = false; }); });
      d.addEventListener("keydown", function (event) { if (event.key === "Escape" && d.open) { d.open = false; d.querySelector("summary").focus(); } });
    });
    document.addEventListener("click", function (event) { choices.forEach(function (d) { if (d.open && !d.contains(event.target)) d.open = false; }); });
    form.querySelector(".atlas-filters__reset").addEventListener("click", function () {
      form.reset();
      state.sort = ""; state.dir = ""; state.cols = []; state.score = "";
      syncColumns().then(function () { apply(true); });
    });
    chartToggle.addEventListener("click", function () { state.chart = !state.chart; apply(false); });
    var resizing = null, drawnWidth = 0;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(function () { if (state.chart && chartBox.clientWidth !== drawnWidth) drawChart(); }, 150);
    });
    root.querySelectorAll(".atlas-catalog__download button").forEach(function (button) {
      button.addEventListener("click", function () { download(button.dataset.format); });
    });
    var ready = wantedColumns().length ? syncColumns() : Promise.resolve();
    apply(true);
    ready.then(function () { if (wantedColumns().length) apply(true); })
      .catch(function (err) { status.textContent = "Could not load the column (" + err.message + ")."; });
  }

  // The 404 page: offer the last part of the wrong address as the query ("/models/llava-2/"
  // becomes "llava 2"), which the catalog then matches as names are typed.
  function notFound(form) {
    var input = form.querySelector("input[name=q]");
    var parts = window.location.pathname.split("/").filter(Boolean);
    var last = parts.length ? parts[parts.length - 1].replace(/\.html?$/, "") : "";
    try { last = decodeURIComponent(last); } catch (err) { return; }
    if (input && !input.value && last && last !== "404") input.value = last.replace(/[-_]+/g, " ").trim().slice(0, 80);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-catalog"), setup);
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-404__search"), notFound);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
