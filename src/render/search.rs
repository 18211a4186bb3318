//! The search index behind `/sok/`: every initiative, actor, page and event as a small
//! document list plus an inverted index of stemmed words, written as JSON at build time
//! and read by the theme's `search.js`. The word rules here and in `search.js` must agree.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use serde_json::{json, Value};

use crate::model::Lang;

use super::markdown::Rendered;
use super::views::Ctx;
use super::Prepared;

/// Endings stripped from Norwegian words, longest first: definite and plural forms in
/// bokmål and nynorsk (`-ene`, `-ane`, `-en`, `-et`, `-a`), verb and adjective endings
/// (`-er`, `-ar`, `-ende`, `-ert`, `-e`) and the genitive (`-ens`, `-ets`). A crude
/// stemmer, deliberately: the same few lines run in the reader's browser.
const SUFFIXES: &[&str] = &[
    "endes", "ende", "ande", "ene", "ane", "ens", "ets", "ert", "er", "ar", "en", "et", "a", "e",
];

/// A stem keeps at least this many letters.
const MIN_STEM: usize = 3;

/// Words too common to be worth finding, in both written standards.
const STOP_WORDS: &[&str] = &[
    "og", "i", "på", "til", "av", "for", "med", "som", "er", "det", "den", "de", "dei", "en", "ei",
    "et", "ein", "eit", "å", "at", "om", "har", "hadde", "ikke", "ikkje", "fra", "frå", "seg",
    "sin", "sine", "sitt", "var", "vart", "ble", "blei", "blir", "vil", "skal", "kan", "ved",
    "etter", "eller", "men", "så", "også", "òg", "no", "nå", "der", "her", "han", "ho", "hun",
    "vi", "me", "oss", "dette", "denne", "disse", "desse", "hva", "kva", "mot", "over", "under",
    "mellom", "hvor", "kor", "bli", "være", "vere", "vore", "vært", "the", "of", "and",
];

/// How much a word counts where it stands: in the title, the summary or the text.
const IN_TITLE: u32 = 8;
const IN_SUMMARY: u32 = 3;
const IN_TEXT: u32 = 1;
/// Repetitions in the text count up to this many times, so long pages do not win by length.
const TEXT_CAP: u32 = 5;

/// The words of `text` as the index stores them: lower case, stop words left out, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.to_owned()));
    out
}

/// Calls `f` with each word of `text` as the index stores it, reusing one buffer: the
/// index reads every word of every page, so this is the hot loop of a large build.
fn each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for raw in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        word.clear();
        fold_into(raw, &mut word);
        if STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        let keep = stem_len(&word);
        f(&word[..keep]);
    }
}

/// Lower case, with accents that Norwegian does not keep as letters of their own taken
/// off (`idé` is `ide`); æ, ø and å stay as they are.
fn fold_into(word: &str, out: &mut String) {
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        out.push_str(word);
        return;
    }
    out.extend(word.chars().flat_map(char::to_lowercase).map(|c| match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        c => c,
    }));
}

/// Takes the longest known ending off a folded word, keeping at least `MIN_STEM` letters.
pub fn stem(word: &str) -> String {
    word[..stem_len(word)].to_owned()
}

/// The length in bytes of `word`'s stem.
fn stem_len(word: &str) -> usize {
    // Every suffix is ASCII, so its length in letters is its length in bytes.
    let letters = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    for suffix in SUFFIXES {
        if letters >= MIN_STEM + suffix.len() && word.ends_with(suffix) {
            return word.len() - suffix.len();
        }
    }
    word.len()
}

/// One thing a reader can find.
struct Doc {
    kind: &'static str,
    title: String,
    url: String,
    summary: String,
    lang: Lang,
    /// Extra words found like the title (an actor's earlier names, short forms).
    also: String,
    /// The rendered body, whose words count as text; shared with the build, so the
    /// dev server can tell an unchanged body by its pointer.
    body: Option<Arc<Rendered>>,
    /// Other words that count as text (topics, tags, roles).
    text: String,
    date: Option<String>,
}

/// The index as JSON: `{docs: [{kind, title, url, summary, lang, date?}], terms: {stem:
/// [doc, weight, doc, weight, …]}}`, docs in a fixed order and terms sorted.
pub fn index(p: &Prepared, ctx: &Ctx) -> String {
    let reg = p.reg;
    let site_lang = reg.config.lang;
    let mut docs: Vec<Doc> = Vec::new();

    for ini in p.initiatives_by_start() {
        let m = &ini.meta;
        let body = ctx.bodies.get(&format!("initiative:{}", ini.id)).cloned();
        let mut text = String::new();
        for part in m.topics.iter().chain(&m.tags) {
            text.push(' ');
            text.push_str(part);
        }
        for r in &m.roles {
            text.push(' ');
            text.push_str(&r.role);
            for task in &r.tasks {
                text.push(' ');
                text.push_str(task);
            }
        }
        for x in &m.measures {
            text.push(' ');
            text.push_str(&x.title);
        }
        docs.push(Doc {
            kind: "initiative",
            title: m.title.clone(),
            url: ctx.href(&p.urls.initiative(&ini.id)),
            summary: m.summary.clone().unwrap_or_default(),
            lang: ini.lang,
            also: m.short_title.clone().unwrap_or_default(),
            body,
            text,
            date: Some(
                ctx.period(&m.period, ini.lang)["text"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
            .filter(|s| !s.is_empty()),
        });
    }

    let mut actors: Vec<&crate::model::Actor> = reg.actors.values().collect();
    actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
    for a in actors {
        let current = a.current();
        let mut also = String::new();
        for n in &a.names {
            also.push(' ');
            also.push_str(&n.name);
            if let Some(s) = &n.short {
                also.push(' ');
                also.push_str(s);
            }
        }
        let kind_label = ctx.t(site_lang, &format!("kind.{}", a.kind.key()));
        docs.push(Doc {
            kind: "actor",
            title: current.name.clone(),
            url: ctx.href(&p.urls.actor(&a.id)),
            summary: a.description.clone().unwrap_or_else(|| kind_label.clone()),
            lang: site_lang,
            also,
            body: None,
            text: kind_label,
            date: None,
        });
    }

    let mut pages: Vec<(usize, &crate::model::Page)> = reg.pages.iter().enumerate().collect();
    pages.sort_by(|a, b| a.1.slug_path.cmp(&b.1.slug_path));
    for (i, pg) in pages {
        // The root section is the home page, found by the site's title.
        if pg.is_section && pg.slug_path.is_empty() {
            continue;
        }
        let body = ctx.bodies.get(&format!("page:{i}")).cloned();
        let mut text = String::new();
        for t in &pg.meta.tags {
            text.push(' ');
            text.push_str(t);
        }
        let summary = pg
            .meta
            .summary
            .clone()
            .unwrap_or_else(|| excerpt(body.as_ref().map_or("", |b| &b.text), 160));
        docs.push(Doc {
            kind: "page",
            title: pg.meta.title.clone(),
            url: ctx.href(&p.urls.page(&pg.slug_path)),
            summary,
            lang: pg.lang,
            also: String::new(),
            body,
            text,
            date: pg.meta.date.map(|d| d.text(pg.lang)),
        });
    }

    for e in &reg.events {
        let body = ctx.bodies.get(&format!("event:{}", e.anchor)).cloned();
        let lang = ctx.event_lang(e);
        let date = e.date_label.clone().unwrap_or_else(|| e.date.text(lang));
        docs.push(Doc {
            kind: "event",
            title: e.title.clone(),
            url: format!("{}#{}", ctx.href(&p.urls.timeline()), e.anchor),
            summary: excerpt(body.as_ref().map_or("", |b| &b.text), 160),
            lang,
            also: e.date.year.to_string(),
            body,
            text: String::new(),
            date: Some(date),
        });
    }

    // Each document's words are weighed on its own, in parallel; then merged in order.
    let weighed: Vec<Arc<BTreeMap<String, u32>>> = docs.par_iter().map(weigh_cached).collect();
    let mut postings: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
    for (n, weights) in weighed.iter().enumerate() {
        for (t, w) in weights.iter() {
            match postings.get_mut(t.as_str()) {
                Some(list) => list.push((n, *w)),
                None => {
                    postings.insert(t.clone(), vec![(n, *w)]);
                }
            }
        }
    }

    let docs: Vec<Value> = docs
        .iter()
        .map(|d| {
            let mut v = json!({
                "kind": d.kind,
                "title": d.title,
                "url": d.url,
                "summary": d.summary,
                "lang": d.lang.code(),
            });
            if let Some(date) = &d.date {
                v["date"] = Value::from(date.as_str());
            }
            v
        })
        .collect();
    // The terms are most of the index: written straight out, not built as JSON values.
    let mut out = String::with_capacity(postings.len() * 24);
    out.push_str("{\"docs\":");
    out.push_str(&serde_json::to_string(&docs).unwrap_or_else(|_| "[]".into()));
    out.push_str(",\"terms\":{");
    for (n, (t, list)) in postings.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(t).unwrap_or_else(|_| "\"\"".into()));
        out.push_str(":[");
        for (k, (doc, w)) in list.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{},{w}", u32::try_from(*doc).unwrap_or(u32::MAX));
        }
        out.push(']');
    }
    out.push_str("}}\n");
    out
}

/// A document's weighed words as last computed, with what they were computed from.
struct Weighed {
    body: Option<Arc<Rendered>>,
    fields: u64,
    weights: Arc<BTreeMap<String, u32>>,
}

/// Weighed words by document address, kept between builds in one process: the dev
/// server rebuilds the index after every save, and most documents have not changed.
/// A cached body is held by its `Arc`, so its pointer cannot be reused by another.
static WEIGHED: Mutex<Option<HashMap<String, Weighed>>> = Mutex::new(None);

/// Whether to keep weighed words between builds: only the dev server rebuilds in one
/// process, and a one-off build should not hold them in memory.
pub static KEEP_WEIGHTS: AtomicBool = AtomicBool::new(false);

/// `weigh`, reusing the last result for a document whose body (the same `Arc`) and
/// other fields are unchanged.
fn weigh_cached(d: &Doc) -> Arc<BTreeMap<String, u32>> {
    if !KEEP_WEIGHTS.load(Ordering::Relaxed) {
        return Arc::new(weigh(d));
    }
    let fields = {
        let mut h = std::hash::DefaultHasher::new();
        (&d.title, &d.also, &d.summary, &d.text).hash(&mut h);
        h.finish()
    };
    let same = |w: &Weighed| {
        w.fields == fields
            && match (&w.body, &d.body) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    };
    if let Ok(guard) = WEIGHED.lock() {
        if let Some(w) = guard
            .as_ref()
            .and_then(|m| m.get(&d.url))
            .filter(|w| same(w))
        {
            return Arc::clone(&w.weights);
        }
    }
    let weights = Arc::new(weigh(d));
    if let Ok(mut guard) = WEIGHED.lock() {
        let map = guard.get_or_insert_with(HashMap::new);
        // Forget bodies nothing else holds any more: their pages are gone.
        if map.len() > 64 {
            map.retain(|_, w| w.body.as_ref().is_none_or(|b| Arc::strong_count(b) > 1));
        }
        map.insert(
            d.url.clone(),
            Weighed {
                body: d.body.clone(),
                fields,
                weights: Arc::clone(&weights),
            },
        );
    }
    weights
}

/// How much each word counts in one document.
fn weigh(d: &Doc) -> BTreeMap<String, u32> {
    let mut weights: BTreeMap<String, u32> = BTreeMap::new();
    let mut add = |t: &str, w: u32| match weights.get_mut(t) {
        Some(v) => *v += w,
        None => {
            weights.insert(t.to_owned(), w);
        }
    };
    each_term(&d.title, |t| add(t, IN_TITLE));
    each_term(&d.also, |t| add(t, IN_TITLE));
    each_term(&d.summary, |t| add(t, IN_SUMMARY));
    let mut in_text: HashMap<String, u32> = HashMap::new();
    let body = d.body.as_ref().map_or("", |b| b.text.as_str());
    for part in [body, d.text.as_str()] {
        each_term(part, |t| match in_text.get_mut(t) {
            Some(v) => *v += IN_TEXT,
            None => {
                in_text.insert(t.to_owned(), IN_TEXT);
            }
        });
    }
    for (t, w) in &in_text {
        add(t, (*w).min(TEXT_CAP));
    }
    weights
}

/// The first `max` characters of `text`, cut at a word, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_forms_share_a_stem() {
        for group in [
            &["avtale", "avtalen", "avtalene", "avtaler", "avtala"][..],
            &["kommune", "kommunen", "kommunene", "kommunar", "kommunane"],
            &["tiltak", "tiltaket", "tiltakene", "tiltaka"],
            &["barnevern", "barnevernet", "barnevernets"],
            &["aktør", "aktører", "aktørar", "aktørane", "aktørene"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.iter().all(|s| s == &stems[0]),
                "{group:?} gave {stems:?}"
            );
        }
    }

    #[test]
    fn short_words_and_norwegian_letters_are_kept() {
        assert_eq!(stem("ks"), "ks");
        assert_eq!(stem("året"), "året");
        assert_eq!(
            terms("Økt KOMPETANSE i barnevernet, 2018–2024"),
            ["økt", "kompetans", "barnevern", "2018", "2024"]
        );
        assert_eq!(terms("Idé"), ["ide"]);
    }

    #[test]
    fn cached_weights_follow_the_document() {
        KEEP_WEIGHTS.store(true, Ordering::Relaxed);
        let body = |t: &str| {
            Some(Arc::new(Rendered {
                text: t.into(),
                ..Rendered::default()
            }))
        };
        let doc = |body: Option<Arc<Rendered>>, summary: &str| Doc {
            kind: "page",
            title: "Tillit".into(),
            url: "/test-cache/".into(),
            summary: summary.into(),
            lang: Lang::Nb,
            also: String::new(),
            body,
            text: String::new(),
            date: None,
        };
        let b = body("avtalene om barnevern");
        let first = weigh_cached(&doc(b.clone(), ""));
        assert!(
            Arc::ptr_eq(&first, &weigh_cached(&doc(b.clone(), ""))),
            "same body, same result"
        );
        let other = weigh_cached(&doc(body("avtalene om barnevern"), ""));
        assert!(!Arc::ptr_eq(&first, &other), "a new body is weighed again");
        assert_eq!(*first, *other);
        let changed = weigh_cached(&doc(b, "kompetanse"));
        assert!(changed.contains_key("kompetans"));
        assert_eq!(
            *changed,
            weigh(&doc(body("avtalene om barnevern"), "kompetanse"))
        );
    }

    #[test]
    fn excerpts_end_at_a_word() {
        assert_eq!(excerpt("en to tre", 20), "en to tre");
        assert_eq!(excerpt("alpha beta gamma, delta", 14), "alpha beta…");
        assert_eq!(excerpt("alpha beta gamma, delta", 18), "alpha beta gamma…");
    }
}
