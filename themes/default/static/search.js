// Search for a mandat site. The page works without this script (it then says search needs
// JavaScript and links to the lists); with it, the form appears, the index written by
// `mandat build` is loaded, and results follow what is typed. The word rules (folding,
// stop words, endings) must match src/render/search.rs, which built the index.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.URLSearchParams) return;

  var SUFFIXES = ["endes", "ende", "ande", "ene", "ane", "ens", "ets", "ert", "er", "ar",
    "en", "et", "a", "e"];
  var MIN_STEM = 3;
  var STOP_WORDS = new Set(["og", "i", "på", "til", "av", "for", "med", "som", "er", "det",
    "den", "de", "dei", "en", "ei", "et", "ein", "eit", "å", "at", "om", "har", "hadde",
    "ikke", "ikkje", "fra", "frå", "seg", "sin", "sine", "sitt", "var", "vart", "ble", "blei",
    "blir", "vil", "skal", "kan", "ved", "etter", "eller", "men", "så", "også", "òg", "no",
    "nå", "der", "her", "han", "ho", "hun", "vi", "me", "oss", "dette", "denne", "disse",
    "desse", "hva", "kva", "mot", "over", "under", "mellom", "hvor", "kor", "bli", "være",
    "vere", "vore", "vært", "the", "of", "and"]);
  var MAX_SHOWN = 50;
  var KIND_ORDER = { initiative: 0, actor: 1, page: 2, event: 3 };

  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var nojs = document.querySelector("[data-search-nojs]");
  var msg = form.dataset;
  var pageLang = msg.lang;
  var index = null;
  var failed = false;
  var timer = 0;

  function fold(word) {
    return word.toLowerCase()
      .replace(/[àáâäã]/g, "a").replace(/[èéêë]/g, "e").replace(/[ìíîï]/g, "i")
      .replace(/[òóôöõ]/g, "o").replace(/[ùúûü]/g, "u");
  }

  function stem(word) {
    var letters = Array.from(word).length;
    for (var i = 0; i < SUFFIXES.length; i++) {
      var s = SUFFIXES[i];
      if (letters >= MIN_STEM + s.length && word.endsWith(s)) {
        return word.slice(0, word.length - s.length);
      }
    }
    return word;
  }

  function terms(text) {
    return text.split(/[^\p{L}\p{N}]+/u)
      .filter(function (w) { return w.length > 0; })
      .map(fold)
      .filter(function (w) { return !STOP_WORDS.has(w); })
      .map(stem);
  }

  // How well an indexed stem answers a query word: exactly, as a longer word (the reader
  // is still typing, or wrote a shorter form), as a form with up to two letters less, or
  // as the last part of a compound (avtale in samarbeidsavtale, tillit in tillitsreform).
  function closeness(term, word) {
    if (term === word) return 1;
    if (term.startsWith(word)) return 0.6;
    if (word.startsWith(term) && word.length - term.length <= 2) return 0.8;
    if (word.length >= 4 && term.includes(word)) return 0.4;
    return 0;
  }

  // Every document that matches every query word, with its score.
  function find(query) {
    var words = terms(query).filter(function (w) { return w.length > 1 || /\d/.test(w); });
    if (words.length === 0) return null;
    var scores = null;
    var keys = Object.keys(index.terms);
    words.forEach(function (word) {
      var found = new Map();
      keys.forEach(function (term) {
        var c = closeness(term, word);
        if (c === 0) return;
        var postings = index.terms[term];
        for (var i = 0; i < postings.length; i += 2) {
          var s = postings[i + 1] * c;
          if ((found.get(postings[i]) || 0) < s) found.set(postings[i], s);
        }
      });
      if (scores === null) {
        scores = found;
      } else {
        var both = new Map();
        scores.forEach(function (s, doc) {
          if (found.has(doc)) both.set(doc, s + found.get(doc));
        });
        scores = both;
      }
    });
    var hits = [];
    scores.forEach(function (score, doc) { hits.push({ doc: index.docs[doc], score: score }); });
    hits.sort(function (a, b) {
      return b.score - a.score ||
        KIND_ORDER[a.doc.kind] - KIND_ORDER[b.doc.kind] ||
        a.doc.title.localeCompare(b.doc.title, "nb");
    });
    return hits;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function chosenKind() {
    var checked = form.querySelector("input[name=type]:checked");
    return checked ? checked.value : "";
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function renderHit(doc) {
    var li = element("li", "result");
    var other = doc.lang && doc.lang !== pageLang;
    var h = element("h2", "result-title");
    var a = element("a", "", doc.title);
    a.href = doc.url;
    if (other) h.lang = doc.lang;
    h.appendChild(a);
    li.appendChild(h);
    var meta = element("p", "meta");
    meta.appendChild(element("span", "result-kind", msg["kind" + doc.kind[0].toUpperCase() + doc.kind.slice(1)]));
    if (doc.date) meta.appendChild(element("span", "", doc.date));
    li.appendChild(meta);
    if (doc.summary) {
      var p = element("p", "result-summary", doc.summary);
      if (other) p.lang = doc.lang;
      li.appendChild(p);
    }
    return li;
  }

  function setCounts(hits) {
    var counts = { "": hits ? hits.length : 0 };
    (hits || []).forEach(function (h) { counts[h.doc.kind] = (counts[h.doc.kind] || 0) + 1; });
    form.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = hits ? "(" + (counts[el.dataset.count] || 0) + ")" : "";
    });
  }

  function run() {
    var query = input.value.trim();
    var kind = chosenKind();
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kind) params.set("type", kind);
    var search = params.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);

    list.replaceChildren();
    if (failed) { status.textContent = msg.msgFailed; return; }
    if (!query) { status.textContent = ""; setCounts(null); return; }
    if (!index) { status.textContent = msg.msgLoading; return; }

    var hits = find(query);
    setCounts(hits);
    if (hits === null) { status.textContent = msg.msgEmpty; return; }
    var shown = kind ? hits.filter(function (h) { return h.doc.kind === kind; }) : hits;
    if (shown.length === 0) {
      status.textContent = format(msg.msgNone, { q: query });
      return;
    }
    var text = format(msg.msgCount, { n: shown.length, q: query });
    if (shown.length > MAX_SHOWN) text += " " + format(msg.msgMore, { n: MAX_SHOWN });
    status.textContent = text;
    var items = document.createDocumentFragment();
    shown.slice(0, MAX_SHOWN).forEach(function (h) { items.appendChild(renderHit(h.doc)); });
    list.appendChild(items);
  }

  // While typing, wait for a pause so a screen reader announces one result, not every key.
  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var wanted = params.get("type") || "";
  form.querySelectorAll("input[name=type]").forEach(function (r) { r.checked = r.value === wanted; });
  if (!form.querySelector("input[name=type]:checked")) {
    form.querySelector("input[name=type]").checked = true;
  }

  form.hidden = false;
  if (nojs) nojs.hidden = true;
  input.addEventListener("input", later);
  form.addEventListener("change", function (e) { if (e.target.name === "type") run(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });

  fetch(form.dataset.index)
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (data) { index = data; })
    .catch(function () {
      // Without the index the form is no use: say so, and show the lists again.
      failed = true;
      form.hidden = true;
      if (nojs) nojs.hidden = false;
    })
    .then(run);
}());
