/* MM-LLM Atlas: the timeline's kind filter and details line, and the lineage graph's
 * focus, legend filter, zoom and pan. The drawings are complete without this script
 * (every dot and box is a link); it only adds the controls. All text goes in with
 * textContent. Runs once per page view, from Material's document$ where it exists. */
(function () {
  "use strict";

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  function setParam(name, value) {
    var params = new URLSearchParams(window.location.search);
    if (value) params.set(name, value); else params.delete(name);
    var query = params.toString();
    history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  // A line saying what a dot or box is, with a link to its page: the same on hover, focus and tap.
  function describe(line, link, text) {
    line.textContent = "";
    var a = el("a", "", text.split(" · ")[0]);
    a.href = link.getAttribute("href") || link.getAttributeNS("http://www.w3.org/1999/xlink", "href");
    line.appendChild(a);
    var rest = text.split(" · ").slice(1).join(" · ");
    if (rest) line.appendChild(document.createTextNode(" · " + rest));
  }

  // Touch: the first tap on a link shows its details, a second tap on it follows it.
  function tapToPreview(container, selector, show) {
    var touch = false, selected = null;
    container.addEventListener("pointerdown", function (event) { touch = event.pointerType === "touch" || event.pointerType === "pen"; });
    container.addEventListener("click", function (event) {
      var target = event.target.closest(selector);
      if (!target || !touch) return;
      if (selected !== target) {
        event.preventDefault();
        if (selected) selected.classList.remove(selectedClass(selector));
        selected = target;
        target.classList.add(selectedClass(selector));
        show(target);
      }
    });
  }

  function selectedClass(selector) { return selector.replace(/^\./, "") + "--selected"; }

  // ---- timeline --------------------------------------------------------------------------
  function timeline(view) {
    if (view.dataset.ready) return;
    view.dataset.ready = "1";
    var box = view.querySelector(".atlas-scroll--timeline");
    var svgs = view.querySelectorAll(".atlas-timeline__row > svg");
    var line = view.querySelector(".atlas-timeline__detail");
    var form = view.querySelector(".atlas-timeline__filter");
    var full = Number(svgs[0].getAttribute("height"));
    var lanes = Array.prototype.map.call(view.querySelectorAll(".atlas-timeline rect.atlas-timeline__lane"), function (rect) {
      return { kind: rect.dataset.kind, height: Number(rect.dataset.height) };
    });

    function show(point) {
      describe(line, point, point.querySelector("title").textContent);
    }
    view.addEventListener("mouseover", function (event) { var p = event.target.closest(".atlas-timeline__point"); if (p) show(p); });
    view.addEventListener("focusin", function (event) { var p = event.target.closest(".atlas-timeline__point"); if (p) show(p); });
    tapToPreview(view, ".atlas-timeline__point", show);

    function apply() {
      var shown = Array.prototype.filter.call(form.elements.kind, function (b) { return b.checked; }).map(function (b) { return b.value; });
      var offset = 0;
      lanes.forEach(function (lane) {
        var visible = shown.indexOf(lane.kind) >= 0;
        view.querySelectorAll("[data-kind='" + lane.kind + "']").forEach(function (part) {
          if (visible) part.removeAttribute("display"); else part.setAttribute("display", "none");
          part.setAttribute("transform", "translate(0 " + (-offset) + ")");
        });
        if (!visible) offset += lane.height;
      });
      svgs.forEach(function (svg) {
        var parts = svg.getAttribute("viewBox").split(" ");
        svg.setAttribute("height", full - offset);
        svg.setAttribute("viewBox", parts[0] + " " + parts[1] + " " + parts[2] + " " + (full - offset));
      });
      setParam("kinds", shown.length === lanes.length ? "" : shown.join(","));
      view.dataset.shown = shown.length;
    }

    var wanted = (new URLSearchParams(window.location.search).get("kinds") || "").split(",").filter(Boolean);
    if (wanted.length) Array.prototype.forEach.call(form.elements.kind, function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
    // The timeline opens on the most recent years; the reader scrolls back in time.
    box.scrollLeft = box.scrollWidth;
  }

  // ---- lineage ---------------------------------------------------------------------------
  function lineage(view) {
    if (view.dataset.ready) return;
    view.dataset.ready = "1";
    var box = view.querySelector(".atlas-scroll--lineage");
    var svg = box.querySelector("svg");
    var status = view.querySelector(".atlas-lineage__status");
    var natural = { w: Number(svg.getAttribute("width")), h: Number(svg.getAttribute("height")) };
    var scale = 1;
    var nodes = {}, names = {}, up = {}, down = {};
    svg.querySelectorAll(".atlas-lineage__node").forEach(function (a) {
      nodes[a.dataset.id] = a;
      names[a.querySelector("text").textContent.toLowerCase()] = a.dataset.id;
    });
    var paths = Array.prototype.slice.call(svg.querySelectorAll(".atlas-lineage__edge"));
    paths.forEach(function (p) {
      (up[p.dataset.target] = up[p.dataset.target] || []).push(p.dataset.source);
      (down[p.dataset.source] = down[p.dataset.source] || []).push(p.dataset.target);
    });

    // The toolbar: a picker of the drawn models, focus and zoom.
    var tools = el("form", "atlas-lineage__tools");
    tools.setAttribute("role", "search");
    tools.setAttribute("aria-label", "Focus and zoom the lineage graph");
    var label = el("label", "atlas-filter");
    label.appendChild(el("span", "", "Focus on a model"));
    var input = el("input");
    input.type = "search";
    input.name = "focus";
    input.setAttribute("list", "atlas-lineage-names");
    input.placeholder = "e.g. LLaVA";
    label.appendChild(input);
    var list = el("datalist");
    list.id = "atlas-lineage-names";
    Object.keys(nodes).map(function (id) { return nodes[id].querySelector("text").textContent; }).sort().forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
    tools.appendChild(label);
    tools.appendChild(list);
    function button(text, title, action) {
      var b = el("button", "md-button", text);
      b.type = "button";
      b.title = title;
      // A word is its own name; a symbol (−, +) is named by its title.
      if (!/[a-z]/i.test(text)) b.setAttribute("aria-label", title);
      b.addEventListener("click", action);
      tools.appendChild(b);
      return b;
    }
    button("Show all", "Show the whole graph", function () { input.value = ""; focus(null); });
    button("−", "Zoom out", function () { zoom(scale / 1.25); });
    button("+", "Zoom in", function () { zoom(scale * 1.25); });
    button("Fit", "Fit the graph to the frame", function () { fit(); });
    view.insertBefore(tools, box);

    function zoom(next, cx, cy) {
      next = Math.max(0.1, Math.min(3, next));
      // Keep the point under the cursor (or the frame's centre) where it is.
      var px = cx === undefined ? box.clientWidth / 2 : cx, py = cy === undefined ? box.clientHeight / 2 : cy;
      var gx = (box.scrollLeft + px) / scale, gy = (box.scrollTop + py) / scale;
      scale = next;
      svg.setAttribute("width", Math.round(natural.w * scale));
      svg.setAttribute("height", Math.round(natural.h * scale));
      box.scrollLeft = gx * scale - px;
      box.scrollTop = gy * scale - py;
      view.dataset.scale = scale.toFixed(3);
    }

    function fitTo(x, y, w, h, least) {
      var next = Math.max(least || 0, Math.min(box.clientWidth / (w + 40), box.clientHeight / (h + 40), 1.5));
      zoom(next);
      box.scrollLeft = (x - 20) * scale - Math.max(0, (box.clientWidth - (w + 40) * scale) / 2);
      box.scrollTop = (y - 20) * scale - Math.max(0, (box.clientHeight - (h + 40) * scale) / 2);
    }

    function fit() { fitTo(0, 0, natural.w, natural.h); }

    function closure(start, links) {
      var seen = {}, queue = [start];
      while (queue.length) {
        var id = queue.pop();
        (links[id] || []).forEach(function (next) { if (!seen[next]) { seen[next] = true; queue.push(next); } });
      }
      return seen;
    }

    function focus(id) {
      svg.querySelectorAll(".atlas-lineage__on, .atlas-lineage__chosen").forEach(function (e) { e.classList.remove("atlas-lineage__on", "atlas-lineage__chosen"); });
      if (!id || !nodes[id]) {
        svg.classList.remove("atlas-lineage--focused");
        setParam("focus", "");
        status.textContent = Object.keys(nodes).length + " models and " + paths.length + " links.";
        return;
      }
      var above = closure(id, up), below = closure(id, down), on = {};
      on[id] = true;
      Object.keys(above).concat(Object.keys(below)).forEach(function (k) { on[k] = true; });
      Object.keys(on).forEach(function (k) { nodes[k].classList.add("atlas-lineage__on"); });
      nodes[id].classList.add("atlas-lineage__chosen");
      // An edge stays when it lies on a line of ancestry or descent through the chosen model.
      var kept = 0;
      paths.forEach(function (p) {
        var s = p.dataset.source, t = p.dataset.target;
        if ((above[s] || s === id) && (above[t] || t === id) || (below[s] || s === id) && (below[t] || t === id)) { p.classList.add("atlas-lineage__on"); kept++; }
      });
      svg.classList.add("atlas-lineage--focused");
      setParam("focus", id);
      var name = nodes[id].querySelector("text").textContent;
      status.textContent = name + ": " + Object.keys(above).length + " ancestors, " + Object.keys(below).length + " descendants, " + kept + " links.";
      var rects = Object.keys(on).map(function (k) { return nodes[k].querySelector("rect"); });
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      rects.forEach(function (r) {
        var x = Number(r.getAttribute("x")), y = Number(r.getAttribute("y"));
        x0 = Math.min(x0, x); y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + Number(r.getAttribute("width"))); y1 = Math.max(y1, y + Number(r.getAttribute("height")));
      });
      // Fit the family in the frame, but not below a readable size (three quarters): then the chosen model comes into view.
      fitTo(x0, y0, x1 - x0, y1 - y0, 0.75);
      if (scale === 0.75) {
        var r = nodes[id].querySelector("rect");
        box.scrollLeft = Number(r.getAttribute("x")) * scale - box.clientWidth / 3;
        box.scrollTop = Number(r.getAttribute("y")) * scale - box.clientHeight / 3;
      }
    }

    function chosen(text) {
      var key = text.trim().toLowerCase();
      if (names[key]) return names[key];
      if (nodes[key]) return key;
      var hits = Object.keys(names).filter(function (n) { return n.indexOf(key) === 0; });
      return hits.length === 1 ? names[hits[0]] : null;
    }
    tools.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = chosen(input.value);
      if (id) focus(id); else status.textContent = "No model in this graph is called “" + input.value + "”.";
    });
    input.addEventListener("change", function () { var id = chosen(input.value); if (id) focus(id); });

    // Drag to pan; Ctrl or Cmd with the wheel zooms around the pointer.
    var drag = null;
    box.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("a")) return;
      drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.setPointerCapture(event.pointerId);
      box.classList.add("atlas-lineage--dragging");
    });
    box.addEventListener("pointermove", function (event) {
      if (!drag) return;
      box.scrollLeft = drag.left - (event.clientX - drag.x);
      box.scrollTop = drag.top - (event.clientY - drag.y);
    });
    function stop() { drag = null; box.classList.remove("atlas-lineage--dragging"); }
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointercancel", stop);
    box.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      var rect = box.getBoundingClientRect();
      zoom(scale * (event.deltaY < 0 ? 1.15 : 1 / 1.15), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });

    var wanted = new URLSearchParams(window.location.search).get("focus");
    if (wanted && nodes[wanted]) { input.value = nodes[wanted].querySelector("text").textContent; focus(wanted); }
    else focus(null);
  }

  // Anything that scrolls sideways (a wide table Material wrapped, a drawing, a long code
  // line on a phone) can be reached and scrolled from the keyboard.
  function scrollRegions() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap, .atlas-scroll, .md-typeset pre > code"), function (region) {
      if (region.hasAttribute("tabindex") || region.scrollWidth <= region.clientWidth + 1 && region.scrollHeight <= region.clientHeight + 1) return;
      region.tabIndex = 0;
      if (region.tagName === "DIV" && !region.hasAttribute("role")) {
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", region.querySelector("table") ? "Table, scrolls sideways" : "Drawing, scrolls sideways");
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-timeline-view"), timeline);
    Array.prototype.forEach.call(document.querySelectorAll(".atlas-lineage-view"), lineage);
    scrollRegions();
  }

  window.addEventListener("load", scrollRegions);

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
