/* MM-LLM Atlas: compare two to four models side by side from api/models.json.
 * All catalog text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var MAX = 4;
  var ROWS = [
    ["Organizations", function (m) { return m.organizations.join(", "); }],
    ["Released", function (m) { return m.released; }],
    ["Kind", function (m) { return m.kind; }],
    ["Input", function (m) { return m.modalities.input.join(", "); }],
    ["Output", function (m) { return m.modalities.output.join(", "); }],
    ["Parameters", function (m) { return m.parameters_text || ""; }],
    ["Context window", function (m) { return m.context_window ? m.context_window.toLocaleString("en") + " tokens" : ""; }],
    ["Weights", function (m) { return m.access.weights; }],
    ["Code", function (m) { return m.access.code; }],
    ["Data", function (m) { return m.access.data; }],
    ["API", function (m) { return m.access.api ? "yes" : "no"; }],
    ["Licence", function (m) { return m.license || ""; }],
    ["Architecture", function (m) { return m.architecture.type || ""; }],
    ["Modality encoder", function (m) { return (m.architecture.modality_encoder || []).join("; "); }],
    ["Input projector", function (m) { return (m.architecture.input_projector || []).join("; "); }],
    ["LLM backbone", function (m) { return (m.architecture.llm_backbone || []).join("; "); }],
    ["Output projector", function (m) { return (m.architecture.output_projector || []).join("; "); }],
    ["Modality generator", function (m) { return (m.architecture.modality_generator || []).join("; "); }],
    ["Built on", function (m) { return m.built_on.join(", "); }],
    ["Used by", function (m) { return m.used_by.join(", "); }],
    ["Techniques", function (m) { return m.techniques.join(", "); }],
    ["Training data", function (m) { return m.training && m.training.data || ""; }],
    ["Training tokens", function (m) { return m.training && m.training.tokens ? m.training.tokens.toLocaleString("en") : ""; }],
    ["Training compute (FLOP)", function (m) { return m.training && m.training.compute_flop ? m.training.compute_flop.toExponential(2) : ""; }],
    ["Hardware", function (m) { return m.training && m.training.hardware || ""; }],
    ["Primary reference", function (m) { return m.references[0]; }],
    ["Summary", function (m) { return m.summary; }]
  ];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var status = el("p", "atlas-compare__status", "Loading the catalog…");
    status.setAttribute("aria-live", "polite");
    root.appendChild(status);
    fetch(root.dataset.src).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) { build(root, status, data.models); })
      .catch(function (err) { status.textContent = "Could not load the catalog (" + err.message + ")."; });
  }

  function build(root, status, models) {
    var byId = {};
    models.forEach(function (m) { byId[m.id] = m; });
    var sorted = models.slice().sort(function (a, b) { return a.name.localeCompare(b.name); });
    var form = el("form", "atlas-compare__pickers");
    form.setAttribute("aria-label", "Models to compare");
    var selects = [];
    for (var i = 0; i < MAX; i++) {
      var label = el("label", "atlas-filter");
      label.appendChild(el("span", "", "Model " + (i + 1)));
      var s = el("select");
      s.name = "m" + i;
      s.appendChild(new Option(i < 2 ? "choose a model" : "(none)", ""));
      sorted.forEach(function (m) { s.appendChild(new Option(m.name, m.id)); });
      label.appendChild(s);
      form.appendChild(label);
      selects.push(s);
    }
    var output = el("div", "atlas-compare__output");
    root.insertBefore(form, status);
    root.appendChild(output);

    var wanted = (new URLSearchParams(window.location.search).get("m") || "").split(",").filter(function (id) { return id in byId; }).slice(0, MAX);
    var unknown = (new URLSearchParams(window.location.search).get("m") || "").split(",").filter(function (id) { return id && !(id in byId); });
    wanted.forEach(function (id, index) { selects[index].value = id; });

    function render() {
      var ids = selects.map(function (s) { return s.value; }).filter(Boolean);
      ids = ids.filter(function (id, index) { return ids.indexOf(id) === index; });
      var params = new URLSearchParams(window.location.search);
      if (ids.length) params.set("m", ids.join(",")); else params.delete("m");
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : ""));
      output.textContent = "";
      if (ids.length < 2) {
        status.textContent = (unknown.length ? "Unknown model id: " + unknown.join(", ") + ". " : "") + "Choose at least two models.";
        return;
      }
      var chosen = ids.map(function (id) { return byId[id]; });
      var table = el("table", "atlas-compare__table");
      var head = el("tr");
      head.appendChild(el("th", "", "Field"));
      chosen.forEach(function (m) {
        var th = el("th");
        th.setAttribute("scope", "col");
        var a = el("a", "", m.name);
        a.href = root.dataset.modelsRoot + encodeURIComponent(m.id) + "/";
        th.appendChild(a);
        head.appendChild(th);
      });
      var thead = el("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      var body = el("tbody");
      var differing = 0;
      ROWS.forEach(function (row) {
        var values = chosen.map(row[1]);
        if (values.every(function (v) { return v === ""; })) return;
        var tr = el("tr");
        var differs = values.some(function (v) { return v !== values[0]; });
        if (differs) { tr.className = "atlas-compare__diff"; differing++; }
        var th = el("th", "", row[0]);
        th.setAttribute("scope", "row");
        tr.appendChild(th);
        values.forEach(function (v) { tr.appendChild(el("td", "", v || "–")); });
        body.appendChild(tr);
      });
      table.appendChild(body);
      output.appendChild(table);
      status.textContent = "Comparing " + chosen.length + " models: " + differing + " fields differ (highlighted).";
    }

    form.addEventListener("change", render);
    render();
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll(".atlas-compare"), setup); }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
