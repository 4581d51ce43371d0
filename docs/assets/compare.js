/* MM-LLM Atlas: compare two to four models side by side.
 * Data: api/compare/index.json (rows, and each model's name, aliases and shard), then the
 * shards of the chosen models. Every cell is text segments with optional links; all text
 * goes in with textContent, and a link is kept only if it is relative or http(s). */
(function () {
  "use strict";

  var MAX = 4;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function safeHref(href, root) {
    if (!href) return null;
    if (/^https?:\/\//i.test(href)) return href;
    if (/^[a-z0-9][a-z0-9\-\/]*\/?(#[a-z0-9\-]*)?$/i.test(href)) return root + href;
    return null;
  }

  // One normalization for names as people type them: the shared matcher's, where it is loaded.
  function fold(text) {
    var matcher = window.AtlasMatch;
    if (matcher && matcher.squash) return matcher.squash(text);
    return String(text).normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function script(src) {
    return new Promise(function (resolve) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.addEventListener("load", resolve);
      tag.addEventListener("error", resolve);  // without it the picker still matches names exactly
      document.head.appendChild(tag);
    });
  }

  // The shared matcher (typos, re-spaced names) and MiniSearch under it load only on this page.
  function loadMatcher(siteRoot, models) {
    return (window.AtlasMatch ? Promise.resolve() : script(siteRoot + "assets/atlas-match.js")).then(function () {
      return window.MiniSearch ? null : script(siteRoot + "assets/vendor/minisearch-7.2.0.js");
    }).then(function () {
      if (!window.AtlasMatch || !window.MiniSearch) return null;
      return window.AtlasMatch.createMatcher(models.map(function (m) { return { id: m[0], name: m[1], aliases: m[2] }; }));
    });
  }

  function segments(cell, root) {
    var span = el("span");
    (cell || []).forEach(function (part) {
      var href = safeHref(part[1], root);
      if (href) {
        var a = el("a", "", part[0]);
        a.href = href;
        if (/^https?:/.test(href)) a.rel = "nofollow noopener";
        span.appendChild(a);
      } else {
        span.appendChild(document.createTextNode(part[0]));
      }
    });
    return span;
  }

  function text(cell) {
    return (cell || []).map(function (part) { return part[0]; }).join("");
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var siteRoot = root.dataset.root;
    var status = el("p", "atlas-compare__status", "Loading the catalog…");
    status.setAttribute("aria-live", "polite");
    root.appendChild(status);
    fetch(siteRoot + "api/compare/index.json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (index) { build(root, status, index, siteRoot); })
      .catch(function (err) { status.textContent = "Could not load the catalog (" + err.message + ")."; });
  }

  function build(root, status, index, siteRoot) {
    var byId = {}, byName = {};
    index.models.forEach(function (m) {
      byId[m[0]] = m;
      [m[1]].concat(m[2]).concat([m[0]]).forEach(function (label) { byName[fold(label)] = byName[fold(label)] || m[0]; });
    });
    var shards = {};
    var chosen = (new URLSearchParams(window.location.search).get("m") || "").split(",").filter(function (id) { return id in byId; }).slice(0, MAX);
    chosen = chosen.filter(function (id, i) { return chosen.indexOf(id) === i; });
    var unknown = (new URLSearchParams(window.location.search).get("m") || "").split(",").filter(function (id) { return id && !(id in byId); });

    var form = el("form", "atlas-compare__picker");
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Models to compare");
    var label = el("label", "atlas-filter");
    label.appendChild(el("span", "", "Add a model (up to " + MAX + ")"));
    var input = el("input");
    input.type = "search";
    input.name = "add";
    input.setAttribute("list", "atlas-compare-names");
    input.setAttribute("autocomplete", "off");
    input.placeholder = "name or alias, e.g. Qwen2.5-VL";
    label.appendChild(input);
    var list = el("datalist");
    list.id = "atlas-compare-names";
    index.models.slice().sort(function (a, b) { return a[1].localeCompare(b[1]); }).forEach(function (m) {
      var option = document.createElement("option");
      option.value = m[1];
      option.label = m[3];
      list.appendChild(option);
    });
    var add = el("button", "md-button", "Add");
    add.type = "submit";
    var chips = el("ul", "atlas-compare__chips");
    chips.setAttribute("aria-label", "Chosen models");
    var toggle = el("label", "atlas-compare__toggle");
    var hide = el("input");
    hide.type = "checkbox";
    hide.checked = true;
    toggle.appendChild(hide);
    toggle.appendChild(document.createTextNode(" Hide rows where every model is the same"));
    form.appendChild(label);
    form.appendChild(list);
    form.appendChild(add);
    root.insertBefore(form, status);
    root.insertBefore(chips, status);
    root.insertBefore(toggle, status);
    var output = el("div", "atlas-compare__output");
    root.appendChild(output);

    // Loaded when the reader starts to type, not with the page: building its index over every
    // model is the page's longest task (Lighthouse counted it as blocking time on phones).
    var matcher = null, loading = null;
    function ensureMatcher() {
      if (!loading) loading = loadMatcher(siteRoot, index.models).then(function (m) { matcher = m; return m; });
      return loading;
    }
    input.addEventListener("focus", ensureMatcher);
    input.addEventListener("input", ensureMatcher);

    function resolve(typed) {
      var key = fold(typed);
      if (!key) return null;
      if (byName[key]) return byName[key];
      if (matcher) {
        var hits = matcher.search(typed, { limit: 1 });
        if (hits.length) return index.models[hits[0].index][0];
      }
      var starts = index.models.filter(function (m) { return fold(m[1]).indexOf(key) === 0; });
      return starts.length === 1 ? starts[0][0] : null;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = input.value;
      var id = resolve(typed);
      if (!id && !matcher) {  // not matched exactly: ask the matcher, once it has loaded
        ensureMatcher().then(function () { var found = resolve(typed); if (found) choose(found); else missing(typed); });
        return;
      }
      if (!id) { missing(typed); return; }
      choose(id);
    });
    function missing(typed) { status.textContent = "No catalog model is called “" + typed + "”."; }
    function choose(id) {
      if (chosen.indexOf(id) < 0) chosen = chosen.concat([id]).slice(-MAX);
      input.value = "";
      update();
    }
    input.addEventListener("change", function () { if (resolve(input.value)) form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); });
    hide.addEventListener("change", render);

    function load(ids) {
      var wanted = {};
      ids.forEach(function (id) { wanted[byId[id][4]] = true; });
      return Promise.all(Object.keys(wanted).map(function (shard) {
        if (shards[shard]) return shards[shard];
        shards[shard] = fetch(siteRoot + "api/compare/" + shard + ".json").then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        });
        return shards[shard];
      })).then(function (parts) {
        var models = {};
        parts.forEach(function (part) { Object.keys(part).forEach(function (id) { models[id] = part[id]; }); });
        return models;
      });
    }

    function update() {
      var params = new URLSearchParams(window.location.search);
      if (chosen.length) params.set("m", chosen.join(",")); else params.delete("m");
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : ""));
      chips.textContent = "";
      chosen.forEach(function (id) {
        var li = el("li");
        li.appendChild(el("span", "", byId[id][1]));
        var remove = el("button", "atlas-compare__remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", "Remove " + byId[id][1]);
        remove.addEventListener("click", function () { chosen = chosen.filter(function (x) { return x !== id; }); update(); });
        li.appendChild(remove);
        chips.appendChild(li);
      });
      render();
    }

    function suggestionsList() {
      var box = el("div", "atlas-compare__empty");
      box.appendChild(el("p", "", (unknown.length ? "Unknown model id: " + unknown.join(", ") + ". " : "") + "Choose at least two models, or start from one of these:"));
      var ul = el("ul");
      index.suggestions.forEach(function (s) {
        var li = el("li");
        var a = el("a", "", s[0]);
        a.href = "?m=" + s[1].map(encodeURIComponent).join(",");
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      return box;
    }

    function render() {
      output.textContent = "";
      if (chosen.length < 2) {
        status.textContent = chosen.length ? "Add at least one more model." : "";
        output.appendChild(suggestionsList());
        return;
      }
      status.textContent = "Loading…";
      var ids = chosen.slice();
      load(ids).then(function (models) {
        if (ids.join() !== chosen.join()) return;
        output.textContent = "";
        var scroll = el("div", "atlas-compare__scroll");
        scroll.setAttribute("tabindex", "0");
        scroll.setAttribute("role", "region");
        scroll.setAttribute("aria-label", "Comparison table, scrolls sideways on small screens");
        var table = el("table", "atlas-compare__table");
        var head = el("tr");
        head.appendChild(el("th", "", "Field"));
        ids.forEach(function (id) {
          var th = el("th");
          th.setAttribute("scope", "col");
          var a = el("a", "", models[id].name);
          a.href = safeHref(models[id].url, siteRoot);
          th.appendChild(a);
          head.appendChild(th);
        });
        var thead = el("thead");
        thead.appendChild(head);
        table.appendChild(thead);
        var body = el("tbody");
        var shown = 0, same = 0;
        var groups = [];
        index.rows.forEach(function (row) { if (groups.indexOf(row[2]) < 0) groups.push(row[2]); });
        groups.concat(["Results"]).forEach(function (group) {
          var lines = [];
          if (group === "Results") {
            var boards = {};
            ids.forEach(function (id) { Object.keys(models[id].results).forEach(function (key) { boards[key] = (boards[key] || 0) + 1; }); });
            Object.keys(boards).filter(function (key) { return boards[key] >= 2; }).sort().forEach(function (key) {
              var first = models[ids.filter(function (id) { return models[id].results[key]; })[0]].results[key];
              lines.push({ label: first[2], href: first[3], cells: ids.map(function (id) {
                var r = models[id].results[key];
                return r ? [[String(r[0]), null]].concat(r[1] ? [[" (" + r[1] + ")", null]] : []) : null;
              }) });
            });
          } else {
            index.rows.filter(function (row) { return row[2] === group; }).forEach(function (row) {
              lines.push({ label: row[1], cells: ids.map(function (id) { return models[id].cells[row[0]] || null; }) });
            });
          }
          var rowsHtml = [];
          lines.forEach(function (line) {
            var texts = line.cells.map(text);
            if (texts.every(function (t) { return t === ""; })) return;
            var identical = texts.every(function (t) { return t === texts[0]; });
            if (identical) same++;
            if (identical && hide.checked && group !== "Results") return;
            var tr = el("tr", identical ? "" : "atlas-compare__diff");
            var th = el("th");
            th.setAttribute("scope", "row");
            if (line.href) {
              var a = el("a", "", line.label);
              a.href = safeHref(line.href, siteRoot);
              th.appendChild(a);
            } else {
              th.textContent = line.label;
            }
            tr.appendChild(th);
            line.cells.forEach(function (cell) {
              var td = el("td");
              if (cell && cell.length) td.appendChild(segments(cell, siteRoot)); else td.textContent = "–";
              tr.appendChild(td);
            });
            rowsHtml.push(tr);
          });
          if (!rowsHtml.length) return;
          var groupRow = el("tr", "atlas-compare__group");
          var gth = el("th", "", group === "Results" ? "Results on the same benchmark, split and setting" : group);
          gth.setAttribute("scope", "colgroup");
          gth.colSpan = ids.length + 1;
          groupRow.appendChild(gth);
          body.appendChild(groupRow);
          rowsHtml.forEach(function (tr) { body.appendChild(tr); shown++; });
        });
        table.appendChild(body);
        scroll.appendChild(table);
        output.appendChild(scroll);
        status.textContent = "Comparing " + ids.length + " models: " + shown + " rows shown" + (hide.checked ? ", " + same + " identical rows hidden." : ".");
      }).catch(function (err) { status.textContent = "Could not load the models (" + err.message + ")."; });
    }

    if (unknown.length && !chosen.length) status.textContent = "Unknown model id: " + unknown.join(", ") + ".";
    update();
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll(".atlas-compare"), setup); }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
