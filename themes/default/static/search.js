// Search for a mandat site. The page works without this script (it then says search needs
// JavaScript and links to the lists); with it, the form appears and results follow what is
// typed. `mandat build` writes the index as many small files (src/render/search/shards/):
// a query fetches the manifest, the shards of its words' first two letters, the long lists
// of the words it matches, and the documents of the hits it shows, nothing else. The word
// rules (folding, stop words, endings) must match src/render/search/rules.rs.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.TextDecoder) return;

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
  // How many more shards a query fetches for compounds that end in one of its words.
  var MAX_COMPOUND_SHARDS = 16;

  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var nojs = document.querySelector("[data-search-nojs]");
  var msg = form.dataset;
  var pageLang = msg.lang;
  var folder = msg.index.replace(/[^/]*$/, "");
  var decoder = new TextDecoder();
  var manifest = null;
  var failed = false;
  var timer = 0;
  var latest = 0;
  var files = new Map();

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

  function rawWords(text) {
    return text.split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  function terms(text) {
    return rawWords(text)
      .map(fold)
      .filter(function (w) { return !STOP_WORDS.has(w); })
      .map(stem);
  }

  // FNV-1a over code points, as shards/mod.rs computes it: which file a word is in.
  function fnv(word, letters) {
    var h = 0x811c9dc5;
    var chars = Array.from(word).slice(0, letters);
    for (var i = 0; i < chars.length; i++) {
      h ^= chars[i].codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }
  function shardOf(word) { return fnv(word, 2) % manifest.words; }
  function bucketOf(word) { return fnv(word) % manifest.postings; }

  // Each file once per page, whatever asks for it.
  function get(path, json) {
    var url = folder + path + "?v=" + manifest.version;
    if (!files.has(url)) {
      files.set(url, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return json ? r.json() : r.arrayBuffer();
      }));
    }
    return files.get(url);
  }

  function Reader(buffer, start, end) {
    this.b = buffer;
    this.at = start || 0;
    this.end = end === undefined ? buffer.length : end;
  }
  Reader.prototype.num = function () {
    var v = 0, mul = 1, byte;
    do {
      byte = this.b[this.at++];
      v += (byte & 127) * mul;
      mul *= 128;
    } while (byte >= 128);
    return v;
  };
  Reader.prototype.text = function () {
    var n = this.num();
    var s = decoder.decode(this.b.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  };

  // A shard: its words (each with where its list is) and its compound parts.
  function readShard(buffer) {
    var b = new Uint8Array(buffer);
    var r = new Reader(b);
    var words = [];
    for (var n = r.num(); n > 0; n--) {
      var w = { term: r.text(), count: r.num(), form: r.text(), bytes: b };
      var where = r.num();
      if (where === 0) {
        var len = r.num();
        w.start = r.at;
        w.end = r.at + len;
        r.at += len;
      } else {
        w.bucket = where - 1;
      }
      words.push(w);
    }
    var parts = [];
    for (var k = r.num(); k > 0; k--) {
      var part = r.text();
      var wholes = [];
      for (var j = r.num(); j > 0; j--) wholes.push(r.text());
      parts.push({ part: part, wholes: wholes });
    }
    return { words: words, parts: parts };
  }

  function readBucket(buffer) {
    var b = new Uint8Array(buffer);
    var r = new Reader(b);
    var lists = new Map();
    for (var n = r.num(); n > 0; n--) {
      var term = r.text();
      var len = r.num();
      lists.set(term, { bytes: b, start: r.at, end: r.at + len });
      r.at += len;
    }
    return lists;
  }

  function shard(n) { return get("ord/" + n + ".bin").then(readShard); }
  function bucket(n) { return get("treff/" + n + ".bin").then(readBucket); }

  // Adds a posting list to `found`: each document's best score for one query word.
  function addPostings(list, closeness, found) {
    var r = new Reader(list.bytes, list.start, list.end);
    for (var levels = r.num(); levels > 0; levels--) {
      var score = r.num() * closeness;
      var bitmap = r.num() === 1;
      var count = r.num();
      if (bitmap) {
        var first = r.num();
        var n = r.num();
        for (var i = 0; i < n; i++) {
          var byte = list.bytes[r.at + i];
          for (var bit = 0; byte !== 0 && bit < 8; bit++, byte >>= 1) {
            var d = first + i * 8 + bit;
            if ((byte & 1) && found[d] < score) found[d] = score;
          }
        }
        r.at += n;
      } else {
        var doc = 0;
        for (var k = 0; k < count; k++) {
          doc += r.num();
          if (found[doc] < score) found[doc] = score;
        }
      }
    }
  }

  // How well an indexed stem answers a query word: exactly, as a longer word (the reader
  // is still typing, or wrote a shorter form), or as a form with up to two letters less.
  // A one-letter word (a digit) is matched exactly: its longer words are in other shards.
  function closeness(term, word) {
    if (term === word) return 1;
    if (word.length === 1) return 0;
    if (term.startsWith(word)) return 0.6;
    if (word.startsWith(term) && word.length - term.length <= 2) return 0.8;
    return 0;
  }

  // The shards a query word's matches can be in: its first two letters', and the first
  // letter's for a one-letter word two letters shorter.
  function shardsFor(word) {
    var all = [shardOf(word)];
    if (Array.from(word).length <= 3) all.push(shardOf(Array.from(word)[0]));
    return all;
  }

  // The words of the index that answer one query word, with how well; and the shards
  // read, for suggestions.
  function matches(word) {
    return Promise.all(shardsFor(word).map(shard)).then(function (read) {
      var found = new Map();
      var compounds = [];
      read.forEach(function (s) {
        s.words.forEach(function (w) {
          var c = closeness(w.term, word);
          if (c > (found.has(w.term) ? found.get(w.term).c : 0)) found.set(w.term, { w: w, c: c });
        });
        // The last part of a compound (avtale in samarbeidsavtale, reform in tillitsreform).
        if (word.length >= 4) {
          s.parts.forEach(function (p) {
            if (p.part.startsWith(word)) compounds = compounds.concat(p.wholes);
          });
        }
      });
      compounds = compounds.filter(function (t) { return !found.has(t); });
      var more = [];
      compounds.forEach(function (t) {
        var n = shardOf(t);
        if (more.indexOf(n) < 0 && more.length < MAX_COMPOUND_SHARDS) more.push(n);
      });
      return Promise.all(more.map(shard)).then(function (extra) {
        extra.forEach(function (s) {
          s.words.forEach(function (w) {
            if (compounds.indexOf(w.term) >= 0 && !found.has(w.term)) found.set(w.term, { w: w, c: 0.4 });
          });
        });
        return { word: word, found: found, shards: read };
      });
    });
  }

  // Every document that matches every query word, best first, as document numbers.
  function find(query) {
    var words = terms(query).filter(function (w) { return w.length > 1 || /\d/.test(w); });
    if (words.length === 0) return Promise.resolve(null);
    return Promise.all(words.map(matches)).then(function (all) {
      var buckets = [];
      all.forEach(function (m) {
        m.found.forEach(function (f) {
          if (f.w.bucket !== undefined && buckets.indexOf(f.w.bucket) < 0) buckets.push(f.w.bucket);
        });
      });
      return Promise.all(buckets.map(bucket)).then(function (read) {
        var lists = new Map();
        buckets.forEach(function (n, i) { lists.set(n, read[i]); });
        var scores = null;
        all.forEach(function (m) {
          var found = new Float32Array(manifest.docs);
          m.found.forEach(function (f, term) {
            var list = f.w.bucket === undefined ? f.w : lists.get(f.w.bucket).get(term);
            if (list) addPostings(list, f.c, found);
          });
          if (scores === null) {
            scores = found;
          } else {
            for (var d = 0; d < scores.length; d++) scores[d] = found[d] > 0 && scores[d] > 0 ? scores[d] + found[d] : 0;
          }
        });
        var hits = [];
        for (var d = 0; d < scores.length; d++) if (scores[d] > 0) hits.push(d);
        // Documents are in the order of kinds, then titles: that settles equal scores.
        hits.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
        return { hits: hits, matches: all };
      });
    });
  }

  function kindOf(doc) {
    for (var k in manifest.kinds) {
      if (doc >= manifest.kinds[k][0] && doc < manifest.kinds[k][1]) return k;
    }
    return "page";
  }

  // The documents to show, fetched by chunk.
  function documents(ids) {
    var chunks = [];
    ids.forEach(function (d) {
      var c = Math.floor(d / manifest.chunk);
      if (chunks.indexOf(c) < 0) chunks.push(c);
    });
    return Promise.all(chunks.map(function (c) { return get("dok/" + c + ".json", true); }))
      .then(function (read) {
        return ids.map(function (d) {
          var doc = read[chunks.indexOf(Math.floor(d / manifest.chunk))][d % manifest.chunk];
          return { kind: kindOf(d), title: doc.t, url: doc.u, summary: doc.s, lang: doc.l, date: doc.d };
        });
      });
  }

  // Damerau-Levenshtein distance (adjacent swaps count one), for "did you mean".
  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows.push([i]);
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { rows[0].push(j); continue; }
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
        rows[i].push(v);
      }
    }
    return rows[a.length][b.length];
  }

  // The closest word of the index to a query word that matched none: from the shards of
  // the same first letters, within one letter for short words and two for longer ones.
  function closest(m) {
    var most = Array.from(m.word).length <= 4 ? 1 : 2;
    var best = null;
    m.shards.forEach(function (s) {
      s.words.forEach(function (w) {
        if (/^\d+$/.test(w.term)) return;
        var d = Math.min(distance(m.word, w.term), w.form ? distance(m.word, stem(w.form)) : 99);
        if (d > most) return;
        if (!best || d < best.d || (d === best.d && w.count > best.w.count)) best = { d: d, w: w };
      });
    });
    return best && (best.w.form || best.w.term);
  }

  // The query with each word that matched nothing replaced by its closest word, or null.
  function suggestion(query, found) {
    var unmatched = new Map();
    found.matches.forEach(function (m) { if (m.found.size === 0) unmatched.set(m.word, closest(m)); });
    if (unmatched.size === 0) return null;
    var words = [];
    var missing = false;
    rawWords(query).forEach(function (raw) {
      var key = stem(fold(raw));
      if (!unmatched.has(key)) { words.push(raw); return; }
      var near = unmatched.get(key);
      if (!near) missing = true;
      words.push(near);
    });
    return missing ? null : words.join(" ");
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
    (hits || []).forEach(function (d) { var k = kindOf(d); counts[k] = (counts[k] || 0) + 1; });
    form.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = hits ? "(" + (counts[el.dataset.count] || 0) + ")" : "";
    });
  }

  // "No hits for «q». Did you mean <a>…</a>?", the suggestion a link that searches for it.
  function sayNone(query, near) {
    status.textContent = format(msg.msgNone, { q: query });
    if (!near) return;
    var parts = msg.msgSuggest.split("{q}");
    var a = element("a", "search-suggestion", near);
    a.href = "?q=" + encodeURIComponent(near);
    a.addEventListener("click", function (e) {
      e.preventDefault();
      input.value = near;
      run();
    });
    status.append(" " + parts[0], a, parts.slice(1).join(near));
  }

  function run() {
    var query = input.value.trim();
    var kind = chosenKind();
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kind) params.set("type", kind);
    var search = params.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);

    var mine = ++latest;
    if (failed) { list.replaceChildren(); status.textContent = msg.msgFailed; return; }
    if (!query) { list.replaceChildren(); status.textContent = ""; setCounts(null); return; }
    if (!manifest) { list.replaceChildren(); status.textContent = msg.msgLoading; return; }

    find(query).then(function (found) {
      if (mine !== latest) return null;
      if (found === null) {
        list.replaceChildren();
        setCounts(null);
        status.textContent = msg.msgEmpty;
        return null;
      }
      var hits = found.hits;
      var shown = kind ? hits.filter(function (d) { return kindOf(d) === kind; }) : hits;
      if (shown.length === 0) {
        list.replaceChildren();
        setCounts(hits);
        sayNone(query, hits.length === 0 ? suggestion(query, found) : null);
        return null;
      }
      return documents(shown.slice(0, MAX_SHOWN)).then(function (docs) {
        if (mine !== latest) return;
        setCounts(hits);
        var text = format(msg.msgCount, { n: shown.length, q: query });
        if (shown.length > MAX_SHOWN) text += " " + format(msg.msgMore, { n: MAX_SHOWN });
        status.textContent = text;
        var items = document.createDocumentFragment();
        docs.forEach(function (doc) { items.appendChild(renderHit(doc)); });
        list.replaceChildren(items);
      });
    }).catch(function () {
      if (mine !== latest) return;
      list.replaceChildren();
      status.textContent = msg.msgFailed;
    });
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

  fetch(msg.index)
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(function (data) { manifest = data; })
    .catch(function () {
      // Without the index the form is no use: say so, and show the lists again.
      failed = true;
      form.hidden = true;
      if (nojs) nojs.hidden = false;
    })
    .then(run);
}());
