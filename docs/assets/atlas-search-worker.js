/*
 * The header search box's worker, in place of Material's lunr worker. It speaks Material's
 * worker protocol (SETUP, READY, QUERY, RESULT: Material renders every RESULT in its own
 * search panel), so the box, the panel, the list markup and the keys stay Material's.
 *
 * Answers, best first: the catalog's entities (models, organizations, families,
 * techniques, benchmarks) from search/entities.json, matched by AtlasMatch (MiniSearch);
 * then full-text results from Pagefind, whose index loads in pieces as queries need them.
 * The entities are answered at once; the full-text results follow in a second RESULT.
 *
 * Messages of its own, with string types: the page sends "atlas:filters" ({kind,
 * modality, weights}) and gets "atlas:facets" (the values it may filter by) and
 * "atlas:timing" (how long the last answer took).
 */
/* global AtlasMatch */
"use strict";

importScripts("vendor/minisearch-7.2.0.js", "atlas-match.js");

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var ROOT = new URL("../", self.location.href);
var ENTITY_LIMIT = 8, PAGE_LIMIT = 10;
// Pagefind's ranking: less of its default preference for short pages (0.75), so an article
// that explains a term outranks a model page that mentions it once.
var RANKING = { pageLength: 0.3 };
var entities = null, matcher = null, kinds = null, facets = null;
var pagefind = null, pagefindLoading = null;
var filters = {};
var current = 0, lastQuery = "";

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

function year(released) {
  return released ? released.slice(0, 4) : "";
}

function load() {
  return fetch(new URL("search/entities.json", ROOT)).then(function (response) {
    if (!response.ok) throw new Error("search/entities.json: HTTP " + response.status);
    return response.json();
  }).then(function (data) {
    kinds = data.kinds;
    facets = data.facets;
    var rows = data.rows;
    entities = rows.map(function (row, index) {
      var kind = row[0], name = row[2];
      var id = row[1] === 0 ? AtlasMatch.slug(name) : row[1];
      var entity = { kind: kind, id: id, name: name, aliases: row[3] || [], rank: kind, row: row, index: index };
      return entity;
    });
    entities.forEach(function (entity) {
      var row = entity.row;
      if (entity.kind === 0) {
        var orgs = row[4].map(function (r) { return entities[r]; });
        entity.extra = [].concat.apply([], orgs.map(function (o) { return [o.name].concat(o.aliases); }));
        entity.note = [orgs.map(function (o) { return o.name; }).join(", "), year(row[5]), facets.kind[row[6]][1]].filter(Boolean).join(" · ");
        entity.kindValue = facets.kind[row[6]][0];
        entity.modalities = row[7];
        entity.weights = facets.weights[row[8]][0];
      } else {
        entity.note = row[4];
      }
    });
    matcher = AtlasMatch.createMatcher(entities);
    self.postMessage({ type: "atlas:facets", data: facets });
  });
}

function loadPagefind() {
  if (!pagefindLoading) {
    pagefindLoading = import(new URL("pagefind/pagefind.js", ROOT).href).then(function (module) {
      return Promise.resolve(module.options({ baseUrl: ROOT.pathname, excerptLength: 24, ranking: RANKING })).then(function () {
        return module.init();
      }).then(function () {
        pagefind = module;
        return module;
      });
    }).catch(function (error) {
      pagefindLoading = Promise.resolve(null);
      console.warn("Full-text search is unavailable:", error);
      return null;
    });
  }
  return pagefindLoading;
}

function modalityBit(value) {
  for (var i = 0; i < facets.modality.length; i++) {
    if (facets.modality[i][0] === value) return 1 << i;
  }
  return 0;
}

function active() {
  return Boolean(filters.kind || filters.modality || filters.weights);
}

function admits(entity) {
  if (!active()) return true;
  if (entity.kind !== 0) return false;
  if (filters.kind && entity.kindValue !== filters.kind) return false;
  if (filters.weights && entity.weights !== filters.weights) return false;
  if (filters.modality && !(entity.modalities & modalityBit(filters.modality))) return false;
  return true;
}

function terms(query) {
  var out = {};
  AtlasMatch.words(query).forEach(function (word) {
    if (!AtlasMatch.isStop(word)) out[word] = true;
  });
  return out;
}

function entityDocument(hit, rank, query) {
  var entity = hit.item;
  var kind = kinds[entity.kind];
  var text = kind[1] + (entity.note ? " · " + entity.note : "");
  if (hit.matched) text = "Also called " + hit.matched + " · " + text;
  return [{
    location: kind[2].replace("{id}", entity.id),
    title: escapeHTML(entity.name),
    text: "<p>" + escapeHTML(text) + "</p>",
    score: 1000 - rank,
    terms: terms(query)
  }];
}

// Pagefind's excerpts are text with <mark> around the matches; keep only those marks.
function excerpt(html) {
  return String(html || "").split(/(<mark>|<\/mark>)/).map(function (part) {
    if (part === "<mark>" || part === "</mark>") return part;
    return escapeHTML(part.replace(/&(lt|gt|amp|quot|#39|#x27);/g, function (_, name) {
      return { lt: "<", gt: ">", amp: "&", quot: '"', "#39": "'", "#x27": "'" }[name];
    }));
  }).join("");
}

function sitePath(url) {
  var path = String(url || "");
  return path.indexOf(ROOT.pathname) === 0 ? path.slice(ROOT.pathname.length) : path.replace(/^\//, "");
}

function pageDocuments(data, score, query) {
  var page = sitePath(data.url);
  var list = [{ location: page, title: escapeHTML((data.meta && data.meta.title) || page), text: "<p>" + excerpt(data.excerpt) + "</p>", score: score, terms: terms(query) }];
  (data.sub_results || []).slice(0, 4).forEach(function (sub, i) {
    var target = sitePath(sub.url);
    if (target === page || target.indexOf("#") < 0) return;
    list.push({ location: target, title: escapeHTML(sub.title || ""), text: "<p>" + excerpt(sub.excerpt) + "</p>", score: score - (i + 1) * 0.01, terms: terms(query) });
  });
  return list;
}

// The words a page's excerpts mark (Pagefind marks the words it matched).
function marked(data) {
  var text = [data.excerpt].concat((data.sub_results || []).map(function (s) { return s.excerpt; })).join(" ");
  var re = /<mark>([^<]*)<\/mark>/g, match, out = [];
  while ((match = re.exec(text))) out = out.concat(AtlasMatch.words(match[1]));
  return out;
}

function contentWords(query) {
  return AtlasMatch.words(query).filter(function (w) { return !AtlasMatch.isStop(w); });
}

// Whether the page's marked words hold every word of the query.
function holds(data, query) {
  var words = marked(data);
  return contentWords(query).every(function (w) { return words.indexOf(w) >= 0; });
}

// Whether Pagefind's match is a match at all: every word of the query begins a marked word
// or is begun by one of four letters or more (Pagefind also marks loose relatives).
function relevant(data, query) {
  var words = marked(data);
  return contentWords(query).every(function (w) {
    return words.some(function (m) { return m.lastIndexOf(w, 0) === 0 || (m.length >= 4 && w.lastIndexOf(m, 0) === 0); });
  });
}

function lift(docs) {
  return docs.map(function (doc) {
    return doc.map(function (d) { return Object.assign({}, d, { score: d.score + 1000 }); });
  });
}

// The words Pagefind should look for: no stop words, nothing under two characters.
function fullTextQuery(query) {
  var words = AtlasMatch.words(query).filter(function (w) { return !AtlasMatch.isStop(w); });
  var text = query.replace(/[-‐‑–—]+/g, " ").trim();
  return words.join("").length >= 2 ? text : "";
}

function post(ticket, items, timing) {
  if (ticket !== current) return;
  self.postMessage({ type: RESULT, data: { items: items } });
  self.postMessage({ type: "atlas:timing", data: timing });
}

function answer(query) {
  var ticket = ++current;
  lastQuery = query;
  var start = performance.now();
  var hits = matcher.search(query, { limit: ENTITY_LIMIT, filter: admits });
  var found = hits.map(function (hit, i) { return entityDocument(hit, i, query); });
  var strong = hits.some(function (hit) { return hit.tier > AtlasMatch.tiers.NEAR; });
  var text = fullTextQuery(query);
  post(ticket, found, { query: query, phase: "entities", ms: performance.now() - start, done: !text });
  if (!text) return;
  loadPagefind().then(function (module) {
    if (!module || ticket !== current) return null;
    var options = { filters: {} };
    ["kind", "modality", "weights"].forEach(function (name) {
      if (filters[name]) options.filters[name] = filters[name];
    });
    return module.search(text, options).then(function (search) {
      if (!search || ticket !== current) return null;
      var shown = Object.create(null);
      found.forEach(function (doc) { shown[doc[0].location] = true; });
      return Promise.all(search.results.slice(0, PAGE_LIMIT + found.length).map(function (r) { return r.data(); })).then(function (pages) {
        if (ticket !== current) return;
        var holding = [], others = [];
        pages.forEach(function (data, i) {
          if (holding.length + others.length >= PAGE_LIMIT || shown[sitePath(data.url)] || !relevant(data, query)) return;
          (holds(data, query) ? holding : others).push(pageDocuments(data, 500 - i, query));
        });
        // When the entities are only near spellings, pages that hold the query's own words
        // ("PEFT" in the tuning article) come before them; other pages after them.
        var items = strong || !holding.length ? found.concat(holding, others) : lift(holding).concat(found, others);
        post(ticket, items, { query: query, phase: "pages", ms: performance.now() - start, done: true });
      });
    });
  }).catch(function (error) {
    console.warn("Full-text search failed:", error);
  });
}

var ready = null;

self.addEventListener("message", function (event) {
  var message = event.data || {};
  switch (message.type) {
    case SETUP:
      if (!ready) {
        ready = load().then(function () {
          self.postMessage({ type: READY });
          loadPagefind();
        });
      }
      break;
    case QUERY:
      ready.then(function () { answer(String(message.data || "")); });
      break;
    case "atlas:filters":
      filters = message.data || {};
      if (ready) ready.then(function () { answer(lastQuery); });
      break;
  }
});
