/*
 * The Atlas's one matcher: how a typed name is normalized and matched against names,
 * aliases and ids. The header search box uses it (in its worker); the catalog table's
 * filter and the compare page's pickers can use the same functions.
 *
 * Loaded as a classic script, in a page or a worker; createMatcher needs MiniSearch
 * (assets/vendor/minisearch-7.2.0.js) loaded by then, the other functions do not. It
 * defines one global, AtlasMatch:
 *
 *   AtlasMatch.fold(text)      case, accents and full-width forms folded: "ＧＰＴ－４ｏ" -> "gpt-4o"
 *   AtlasMatch.words(text)     folded words: "LLaVA-1.5 (7B)" -> ["llava", "1", "5", "7b"]
 *   AtlasMatch.squash(text)    folded, every space, hyphen, dot and "·" dropped: "LLaVA-1.5" -> "llava15"
 *   AtlasMatch.slug(name)      the catalog's id rule: "GPT-4o mini" -> "gpt-4o-mini"
 *   AtlasMatch.createMatcher(items, options) -> { search(query, { limit, filter }) }
 *
 * An item is { name, aliases, id, extra, rank }: ``extra`` holds further words a query may
 * use beside the name (an organization's names, for example), ``rank`` orders equally good
 * matches (lower first). A search returns [{ item, index, tier, score, matched }], best
 * first: an exact name, alias or id (by ``rank``, then the name before an alias), then names the query begins, then names
 * holding every word of the query, then near spellings (one edit for words of three to five
 * characters, two from six on). Stop words ("a", "of", "the") never match as prefixes.
 */
(function (root) {
  "use strict";

  var NON_WORD = /[^\p{L}\p{N}]+/u;
  var NON_WORD_ALL = /[^\p{L}\p{N}]+/gu;
  var MARKS = /\p{M}+/gu;
  var STOP_WORDS = Object.freeze(("a an and are as at be by for from in into is it of on or the to vs with " +
    "what which who how model models").split(" ").reduce(function (set, word) { set[word] = true; return set; }, Object.create(null)));

  // Tiers, best first.
  var EXACT = 6, EXACT_ALIAS = 5, PREFIX = 4, PREFIX_ALIAS = 3, WORDS = 2, NEAR = 1;

  function fold(text) {
    // NFKD splits full-width forms and accented letters; the marks go, NFC rejoins the rest.
    return String(text == null ? "" : text).normalize("NFKD").replace(MARKS, "").normalize("NFC").toLowerCase();
  }

  function words(text) {
    return fold(text).split(NON_WORD).filter(Boolean);
  }

  function squash(text) {
    return fold(text).replace(NON_WORD_ALL, "");
  }

  function slug(name) {
    return String(name).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function isStop(word) {
    return STOP_WORDS[word] === true;
  }

  // Edits allowed for a term of ``length`` characters.
  function edits(length) {
    return length >= 6 ? 2 : length >= 3 ? 1 : 0;
  }

  // Levenshtein distance with adjacent transpositions counted as one edit.
  function distance(a, b) {
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) rows.push([i]);
    for (j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
    return rows[a.length][b.length];
  }

  // The query with two neighbouring characters swapped, each way: MiniSearch counts a swap
  // as two edits, people as one ("llvaa" for "llava").
  function swaps(sq) {
    var out = [];
    for (var i = 0; i + 1 < sq.length && sq.length <= 8; i++) {
      if (sq[i] !== sq[i + 1]) out.push(sq.slice(0, i) + sq[i + 1] + sq[i] + sq.slice(i + 2));
    }
    return out;
  }

  function unique(list) {
    var seen = Object.create(null), out = [];
    for (var i = 0; i < list.length; i++) {
      if (list[i] && !seen[list[i]]) {
        seen[list[i]] = true;
        out.push(list[i]);
      }
    }
    return out;
  }

  function spaced(text) {
    return text ? text.split(" ") : [];
  }

  function createMatcher(items, options) {
    // Looked up when a matcher is made, so a page may load MiniSearch after this file.
    var MiniSearch = root.MiniSearch;
    if (!MiniSearch) throw new Error("AtlasMatch needs MiniSearch (assets/vendor/minisearch-7.2.0.js) loaded first");
    options = options || {};
    var meta = new Array(items.length);
    var index = new MiniSearch({
      idField: "i",
      fields: ["sq", "w", "x"],
      storeFields: [],
      tokenize: spaced,
      processTerm: function (term) { return term || null; }
    });
    var docs = new Array(items.length);
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var names = [item.name].concat(item.aliases || []);
      var squashed = names.map(squash);
      var id = item.id ? squash(item.id) : "";
      var own = unique(squashed.concat(id ? [id] : []));
      var extra = unique([].concat.apply([], (item.extra || []).map(words)));
      meta[i] = { names: names, squashed: squashed, id: id, words: unique([].concat.apply([], names.concat(item.id ? [item.id] : []).map(words)).concat(extra)) };
      docs[i] = { i: i, sq: own.join(" "), w: meta[i].words.filter(function (w) { return extra.indexOf(w) < 0; }).join(" "), x: extra.join(" ") };
    }
    index.addAll(docs);

    function tierOf(m, sq, queryWords) {
      if (m.squashed[0] === sq || m.id === sq) return [EXACT, 0];
      var best = null;
      for (var k = 1; k < m.squashed.length; k++) {
        if (m.squashed[k] === sq) return [EXACT, 1, m.names[k]];
      }
      if (m.squashed[0].lastIndexOf(sq, 0) === 0) return [PREFIX, m.squashed[0].length - sq.length];
      if (m.id && m.id.lastIndexOf(sq, 0) === 0) best = [PREFIX, m.id.length - sq.length];
      for (k = 1; k < m.squashed.length; k++) {
        if (m.squashed[k].lastIndexOf(sq, 0) === 0 && (!best || m.squashed[k].length - sq.length < best[1])) {
          best = [PREFIX_ALIAS, m.squashed[k].length - sq.length, m.names[k]];
        }
      }
      if (best) return best;
      if (queryWords.length && queryWords.every(function (q) {
        return m.words.some(function (w) { return w === q || (!isStop(q) && q.length >= 2 && w.lastIndexOf(q, 0) === 0); });
      })) return [WORDS, 0];
      return [NEAR, nearest(m, sq)];
    }

    // For near spellings: the fewest edits from the query to a name, alias or id, then the
    // closest length (ranking only; MiniSearch found the candidates).
    function nearest(m, sq) {
      var best = Infinity;
      var all = m.squashed.concat(m.id ? [m.id] : []);
      for (var k = 0; k < all.length; k++) {
        var cost = distance(sq, all[k].slice(0, sq.length + 2)) * 100 + Math.abs(all[k].length - sq.length);
        if (cost < best) best = cost;
      }
      return best;
    }

    function search(query, searchOptions) {
      searchOptions = searchOptions || {};
      var limit = searchOptions.limit || 20;
      var sq = squash(query);
      if (!sq) return [];
      var queryWords = words(query);
      var content = queryWords.filter(function (w) { return !isStop(w); });
      if (!content.length) return [];  // stop words alone ("a", "of the") name nothing
      var scores = new Map();
      var filter = searchOptions.filter ? function (result) { return searchOptions.filter(items[result.id], result.id); } : undefined;
      function add(results, weight) {
        for (var r = 0; r < results.length; r++) {
          var id = results[r].id;
          scores.set(id, (scores.get(id) || 0) + results[r].score * weight);
        }
      }
      // The whole query with its spaces, hyphens and dots squashed out, against squashed names:
      // "llava15", "llava 1.5" and "LLaVA-1.5" are one name.
      var single = sq.length === 1;
      add(index.search(sq, {
        fields: ["sq"], tokenize: function (q) { return [q]; }, processTerm: function (t) { return t; },
        prefix: !(single && isStop(sq)), fuzzy: edits(sq.length), maxFuzzy: 2, filter: filter
      }), 2);
      var swapped = swaps(sq);
      for (var v = 0; v < swapped.length; v++) {
        add(index.search(swapped[v], {
          fields: ["sq"], tokenize: function (q) { return [q]; }, processTerm: function (t) { return t; },
          prefix: true, fuzzy: 0, filter: filter
        }), 1);
      }
      // Word by word, every word needed, for names whose words come in another order or are
      // spread over the name and its organization ("meta llama 3").
      var terms = content.length ? content : queryWords;
      if (terms.length > 1 || (terms.length === 1 && terms[0] !== sq)) {
        add(index.search(terms.join(" "), {
          fields: ["w", "x"], boost: { w: 2, x: 1 }, combineWith: "AND", tokenize: spaced, processTerm: function (t) { return t; },
          prefix: function (term) { return term.length >= 2 && !isStop(term); },
          fuzzy: function (term) { return isStop(term) ? 0 : edits(term.length); }, maxFuzzy: 2, filter: filter
        }), 1);
      }
      var found = [];
      scores.forEach(function (score, id) {
        var tier = tierOf(meta[id], sq, content.length ? content : queryWords);
        found.push({ item: items[id], index: id, tier: tier[0], gap: tier[1], matched: tier[2] || null, score: score, rank: items[id].rank || 0 });
      });
      found.sort(function (a, b) {
        if (a.tier !== b.tier) return b.tier - a.tier;
        if (a.tier === PREFIX || a.tier === PREFIX_ALIAS || a.tier === NEAR) {
          if (a.gap !== b.gap) return a.gap - b.gap;
        }
        if ((a.tier >= PREFIX_ALIAS || a.tier === NEAR) && a.rank !== b.rank) return a.rank - b.rank;
        if (a.tier === EXACT && a.gap !== b.gap) return a.gap - b.gap;
        if (a.score !== b.score) return b.score - a.score;
        if (a.rank !== b.rank) return a.rank - b.rank;
        return a.index - b.index;
      });
      return found.slice(0, limit);
    }

    return { search: search, size: items.length };
  }

  root.AtlasMatch = {
    fold: fold, words: words, squash: squash, slug: slug, isStop: isStop, edits: edits, distance: distance,
    createMatcher: createMatcher,
    tiers: { EXACT: EXACT, EXACT_ALIAS: EXACT_ALIAS, PREFIX: PREFIX, PREFIX_ALIAS: PREFIX_ALIAS, WORDS: WORDS, NEAR: NEAR }
  };
})(typeof self !== "undefined" ? self : this);
