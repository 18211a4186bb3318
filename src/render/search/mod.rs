//! The search index behind `/sok/`: every initiative, actor, page and event weighed by
//! its stemmed words, written at build time as the files of `shards/` and read by the
//! theme's `search.js`. The word rules (rules.rs) and `search.js` must agree.

mod rules;
pub mod shards;
pub mod state;

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::{Lang, Registry};

pub use rules::{body_terms, excerpt, terms_of, written};
pub use shards::{Index, Layout, Part};
pub use state::State;

use rules::{each_term, fold_into, term, words};

use state::Hashes;

use super::markdown::Rendered;
use super::views::Ctx;
use super::Prepared;

/// How much a word counts where it stands: in the title, the summary or the text.
const IN_TITLE: u32 = 8;
const IN_SUMMARY: u32 = 3;
const IN_TEXT: u32 = 1;
/// Repetitions in the text count up to this many times, so long pages do not win by length.
const TEXT_CAP: u32 = 5;

/// One thing a reader can find. Its title and summary borrow from the records where
/// they are written there: a large site has many documents.
struct Doc<'a> {
    kind: &'static str,
    title: Cow<'a, str>,
    url: String,
    summary: Cow<'a, str>,
    lang: Lang,
    /// Extra words found like the title (an actor's earlier names, short forms).
    also: String,
    /// The rendered body, whose terms count as text.
    body: Option<&'a Rendered>,
    /// Other words that count as text (topics, tags, roles).
    text: String,
    date: Option<String>,
}

/// The excerpt of the body at `key` (none for a body without text, or none at all).
fn excerpt_of<'a>(ctx: &Ctx<'a>, key: &str) -> &'a str {
    ctx.bodies
        .get(key)
        .map_or("", |b| b.digest.excerpt.as_str())
}

/// How many documents the index of `reg` has: what its layout follows from, known before
/// a word is read. `index` makes one document of each of these.
pub fn layout(reg: &Registry) -> Layout {
    let pages = reg
        .pages
        .iter()
        .filter(|pg| !(pg.is_section && pg.slug_path.is_empty()))
        .count();
    Layout::for_docs(reg.initiatives.len() + reg.actors.len() + pages + reg.events.len())
}

/// The order of kinds in the index, which is also the order of hits that score alike.
const KINDS: [&str; 4] = ["initiative", "actor", "page", "event"];

/// Titles in the order a Norwegian reader expects: case and accents aside, æ, ø and å
/// after z.
fn title_key(title: &str) -> String {
    let mut key = String::with_capacity(title.len());
    fold_into(title, &mut key);
    key.chars()
        .map(|c| match c {
            'æ' => '{',
            'ø' => '|',
            'å' => '}',
            c => c,
        })
        .collect()
}

/// The index: documents by kind, then title; every word with its documents and weights.
/// With what it was made of, for the next build to patch (`State`), as it patches
/// `before`, what the previous build kept, where it can.
pub fn index(p: &Prepared, ctx: &Ctx, before: Option<State>) -> (Index, State) {
    let reg = p.reg;
    let site_lang = reg.config.lang;
    let mut docs: Vec<Doc> = Vec::new();

    for ini in p.initiatives_by_start() {
        let m = &ini.meta;
        let body = ctx
            .bodies
            .get(&format!("initiative:{}", ini.id))
            .map(|b| &**b);
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
            title: Cow::Borrowed(&m.title),
            url: ctx.href(&p.urls.initiative(&ini.id)),
            summary: Cow::Borrowed(m.summary.as_deref().unwrap_or_default()),
            lang: ini.lang,
            also: m.short_title.clone().unwrap_or_default(),
            body,
            text,
            date: Some(ctx.period(&m.period, ini.lang).text).filter(|s| !s.is_empty()),
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
            title: Cow::Borrowed(&current.name),
            url: ctx.href(&p.urls.actor(&a.id)),
            summary: a
                .description
                .as_deref()
                .map_or_else(|| Cow::Owned(kind_label.clone()), Cow::Borrowed),
            lang: site_lang,
            also,
            body: None,
            text: kind_label,
            date: None,
        });
    }

    let mut pages: Vec<(usize, &crate::model::Page)> = reg.pages.iter().enumerate().collect();
    pages.sort_by(|a, b| a.1.slug_path.cmp(&b.1.slug_path));
    // Each page's document on its own, in parallel: a large site has many.
    let page_docs: Vec<Doc> = pages
        .par_iter()
        // The root section is the home page, found by the site's title.
        .filter(|(_, pg)| !(pg.is_section && pg.slug_path.is_empty()))
        .map(|&(i, pg)| {
            let key = format!("page:{i}");
            let body = ctx.bodies.get(&key).map(|b| &**b);
            let mut text = String::new();
            for t in &pg.meta.tags {
                text.push(' ');
                text.push_str(t);
            }
            let summary = pg
                .meta
                .summary
                .as_deref()
                .unwrap_or_else(|| excerpt_of(ctx, &key));
            Doc {
                kind: "page",
                title: Cow::Borrowed(&pg.meta.title),
                url: ctx.href(&p.urls.page(&pg.slug_path)),
                summary: Cow::Borrowed(summary),
                lang: pg.lang,
                also: String::new(),
                body,
                text,
                date: pg.meta.date.map(|d| d.text(pg.lang)),
            }
        })
        .collect();
    docs.extend(page_docs);

    let event_docs: Vec<Doc> = reg
        .events
        .par_iter()
        .map(|e| {
            let key = format!("event:{}", e.anchor);
            let body = ctx.bodies.get(&key).map(|b| &**b);
            let lang = ctx.event_lang(e);
            let mut date = e.date_label.clone().unwrap_or_else(|| e.date.text(lang));
            // A plan is never listed as a fact, in search results either.
            if let Some(plan) = ctx.plan(e, lang) {
                date = format!("{date}, {}", plan.text);
            }
            // The actors by the names they had then, so an old name finds the event.
            let mut also = e.date.year.to_string();
            for a in &e.actors {
                if let Some(actor) = reg.actors.get(a) {
                    also.push(' ');
                    also.push_str(actor.name_at(Some(&e.date)).name_in(lang));
                }
            }
            Doc {
                kind: "event",
                title: Cow::Borrowed(&e.title),
                url: ctx.href(&super::paging::event_path(p.reg, &p.urls, e)),
                summary: Cow::Borrowed(excerpt_of(ctx, &key)),
                lang,
                also,
                body,
                text: String::new(),
                date: Some(date),
            }
        })
        .collect();
    docs.extend(event_docs);

    // By kind, then title: hits that score alike are shown in this order.
    let mut keyed: Vec<(usize, String, Doc)> = docs
        .into_par_iter()
        .map(|d| {
            let kind = KINDS
                .iter()
                .position(|k| *k == d.kind)
                .unwrap_or(KINDS.len());
            (kind, title_key(&d.title), d)
        })
        .collect();
    keyed.par_sort_by(|a, b| (a.0, &a.1, &a.2.url).cmp(&(b.0, &b.1, &b.2.url)));
    let docs: Vec<Doc> = keyed.into_iter().map(|(_, _, d)| d).collect();
    let layout = layout(reg);

    // The words of the documents: patched from what the previous build kept, where few
    // are to be weighed (`State::plan`); else every one weighed.
    let (state, taken) = made_of(&docs, before);

    let words: Vec<shards::Word> = state
        .words()
        .iter()
        .map(|(t, list)| shards::Word {
            term: t,
            list,
            form: state.forms().get(&**t).map(|f| &**f),
        })
        .collect();
    let shown: Vec<shards::Shown> = docs
        .iter()
        .map(|d| shards::Shown {
            title: &d.title,
            url: &d.url,
            summary: &d.summary,
            lang: d.lang.code(),
            date: d.date.as_deref(),
        })
        .collect();
    let mut kinds: Vec<(&str, usize, usize)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        match kinds.last_mut() {
            Some(k) if k.0 == d.kind => k.2 = i + 1,
            _ => kinds.push((d.kind, i, i + 1)),
        }
    }
    let mut index = shards::write(layout, &words, &shown, &kinds);
    index.taken = taken;
    (index, state)
}

/// What the index of `docs` is made of, and of how many of them the words were taken
/// from `before`: patched from it, where few are to be weighed (`State::plan`); else
/// every document weighed.
fn made_of(docs: &[Doc], before: Option<State>) -> (State, usize) {
    let hashes: Vec<Hashes> = docs.par_iter().map(hashes_of).collect();
    let Some((plan, before)) = before.and_then(|b| Some((b.plan(&hashes)?, b))) else {
        let (words, forms) = rayon::join(|| postings(docs).into_sorted(), || forms(docs));
        return (State::new(hashes, words, forms), 0);
    };
    // One list for each document to weigh (none for one that is not there, which the
    // plan never names).
    let weighed: Vec<state::Words> = plan
        .weigh
        .par_iter()
        .map(|&d| docs.get(d as usize).map(weigh).unwrap_or_default())
        .collect();
    let forms_hold = before.forms_hold(&hashes, &plan);
    let (words, kept_forms) = before.patch(&plan, &weighed);
    let forms = if forms_hold { kept_forms } else { forms(docs) };
    let taken = docs.len() - plan.weigh.len();
    (State::new(hashes, words, forms), taken)
}

/// What the index reads of a document, hashed: what it is weighed by, and what forms
/// are taken from (`forms`).
fn hashes_of(d: &Doc) -> Hashes {
    let forms = crate::kept::hash64((&*d.title, &d.also, &*d.summary));
    let body = d.body.map(|b| &b.digest.terms);
    Hashes {
        weighed: crate::kept::hash64((forms, &d.text, body)),
        forms,
    }
}

/// The words of `docs` with the documents each is in. Documents are weighed in parallel
/// a batch at a time and merged in order, each batch's merge (one worker's work) while
/// the next is weighed, so that only two batches' words are held at once.
fn postings(docs: &[Doc]) -> Postings {
    let mut postings = Postings::default();
    let mut last: Option<(usize, Weighed)> = None;
    for (b, batch) in docs.chunks(WEIGH_BATCH).enumerate() {
        let (weighed, ()) = rayon::join(
            || batch.par_iter().map(weigh).collect(),
            || {
                if let Some((first, words)) = last.take() {
                    postings.merge(first, &words);
                }
            },
        );
        last = Some((b * WEIGH_BATCH, weighed));
    }
    if let Some((first, words)) = last {
        postings.merge(first, &words);
    }
    postings
}

/// The form a reader would write each stemmed word in, for "did you mean": the shortest
/// (then first) of the forms the titles and summaries use, where that is not the word
/// itself.
fn forms(docs: &[Doc]) -> FxHashMap<String, Box<str>> {
    // The better of two forms of a term; which is better does not depend on the order
    // they are found in, so each worker keeps its own and they are merged.
    // (Copied only when it wins: the same words recur in many titles.)
    fn better(forms: &mut FxHashMap<String, Box<str>>, term: &str, form: &str) {
        let wins = forms
            .get(term)
            .is_none_or(|old| (form.chars().count(), form) < (old.chars().count(), &**old));
        if wins {
            forms.insert(term.to_owned(), form.into());
        }
    }
    let mut forms = docs
        .par_iter()
        .fold(
            || (FxHashMap::default(), String::new()),
            |(mut forms, mut folded), d| {
                for text in [&*d.title, &d.also, &*d.summary] {
                    for raw in words(text) {
                        if let Some(t) = term(raw) {
                            folded.clear();
                            fold_into(raw, &mut folded);
                            better(&mut forms, &t, &folded);
                        }
                    }
                }
                (forms, folded)
            },
        )
        .map(|(forms, _)| forms)
        .reduce(FxHashMap::default, |mut a, b| {
            for (t, f) in b {
                better(&mut a, &t, &f);
            }
            a
        });
    forms.retain(|t, f| **t != **f);
    forms
}

/// How many documents are weighed before their words are merged into the postings.
const WEIGH_BATCH: usize = 512;

/// Every word of the index with the documents it is in, in document order, and how much
/// it counts in each.
#[derive(Default)]
struct Postings {
    ids: FxHashMap<Box<str>, u32>,
    lists: Vec<shards::Packed>,
}

/// The words of a batch of documents, each with its weight (`weigh`).
type Weighed<'d> = Vec<state::Words<'d>>;

impl Postings {
    /// Adds the words of documents `first`, `first + 1`, and so on.
    fn merge(&mut self, first: usize, weighed: &Weighed) {
        for (k, words) in weighed.iter().enumerate() {
            let doc = u32::try_from(first + k).unwrap_or(u32::MAX);
            for (t, weight) in words {
                self.add(t, doc, *weight);
            }
        }
    }

    fn add(&mut self, term: &str, doc: u32, weight: u32) {
        let id = match self.ids.get(term) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.lists.len()).unwrap_or(u32::MAX);
                self.ids.insert(term.into(), id);
                self.lists.push(shards::Packed::default());
                id
            }
        };
        if let Some(list) = self.lists.get_mut(id as usize) {
            list.push(doc, weight);
        }
    }

    /// The words in byte order, each with its documents.
    fn into_sorted(self) -> Vec<(Box<str>, shards::Packed)> {
        let mut lists: Vec<Option<shards::Packed>> = self.lists.into_iter().map(Some).collect();
        let mut all: Vec<(Box<str>, shards::Packed)> = self
            .ids
            .into_iter()
            .filter_map(|(t, id)| Some((t, lists.get_mut(id as usize)?.take()?)))
            .collect();
        all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// How much each word counts in one document: by where it stands (title, summary) plus
/// its repetitions in the text (the body's terms and the other words), capped.
fn weigh<'d>(d: &'d Doc<'_>) -> Vec<(Cow<'d, str>, u32)> {
    // The few words of the title, summary and other text, by term: (weight from title
    // and summary, times in the text). The body's terms, most of a document's and each
    // once, go straight to the list, taking their entry here if they have one.
    let mut few: FxHashMap<Cow<'_, str>, (u32, u32)> = FxHashMap::default();
    each_term(&d.title, |t| few.entry(t).or_default().0 += IN_TITLE);
    each_term(&d.also, |t| few.entry(t).or_default().0 += IN_TITLE);
    each_term(&d.summary, |t| few.entry(t).or_default().0 += IN_SUMMARY);
    for (t, n) in body_terms(&d.text).iter() {
        few.entry(Cow::Owned(t.to_owned())).or_default().1 += n * IN_TEXT;
    }
    let weight = |(named, text): (u32, u32)| named + text.min(TEXT_CAP);
    let body = d.body.map(|b| &b.digest.terms);
    let mut words = Vec::with_capacity(body.map_or(0, |t| t.len()) + few.len());
    for (t, n) in body.into_iter().flat_map(|t| t.iter()) {
        let (named, text) = few.remove(t).unwrap_or_default();
        words.push((Cow::Borrowed(t), weight((named, text + n * IN_TEXT))));
    }
    words.extend(few.into_iter().map(|(t, w)| (t, weight(w))));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same numbers in every run, for the tests that change documents and bytes at
    /// random (a linear congruential generator's high bits).
    pub(super) struct TestRng(std::cell::Cell<u64>);

    impl TestRng {
        pub(super) fn new(seed: u64) -> TestRng {
            TestRng(std::cell::Cell::new(seed))
        }

        /// A number below `n`.
        pub(super) fn below(&self, n: usize) -> usize {
            let next = (self.0.get())
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0.set(next);
            (next >> 33) as usize % n.max(1)
        }
    }

    fn sorted<T: AsRef<str>>(words: &[(T, u32)]) -> Vec<(String, u32)> {
        let mut v: Vec<(String, u32)> = words
            .iter()
            .map(|(t, w)| (t.as_ref().to_owned(), *w))
            .collect();
        v.sort();
        v
    }

    /// Documents changed at random, the index patched from what it was made of before
    /// each change: the same words, documents, weights and forms as made anew.
    #[test]
    fn a_patched_index_has_the_words_of_one_made_anew() {
        let rng = TestRng::new(0x2026);
        let below = |n: usize| rng.below(n);
        // Words of many stems, each in several forms: a form that wins "did you mean"
        // is often in one document only.
        let word = || {
            let first = ["sam", "bar", "Kom", "til", "for", "Øy"][below(6)];
            let stem = ["arbeid", "nevnd", "mun", "lit"][below(4)];
            let ending = ["", "en", "ene", "et", "er", "a", "ane", "ets"][below(8)];
            format!("{first}{stem}{ending}")
        };
        let phrase = |n: usize| -> String { (0..n).map(|_| word()).collect::<Vec<_>>().join(" ") };
        let mut texts: Vec<[String; 3]> =
            (0..40).map(|_| [phrase(3), phrase(2), phrase(9)]).collect();
        let docs_of = |texts: &[[String; 3]]| -> Vec<Doc<'static>> {
            texts
                .iter()
                .map(|[title, summary, text]| Doc {
                    kind: "page",
                    title: Cow::Owned(title.clone()),
                    url: String::new(),
                    summary: Cow::Owned(summary.clone()),
                    lang: Lang::Nb,
                    also: String::new(),
                    body: None,
                    text: text.clone(),
                    date: None,
                })
                .collect()
        };
        let made = |docs: &[Doc]| {
            let hashes = docs.iter().map(hashes_of).collect();
            State::new(hashes, postings(docs).into_sorted(), forms(docs))
        };
        // Each word with its documents and weights, and its form.
        type Listed = Vec<(String, Vec<(u32, u32)>, Option<String>)>;
        let lists = |state: &State| -> Listed {
            state
                .words()
                .iter()
                .map(|(t, l)| {
                    (
                        t.to_string(),
                        l.pairs(),
                        state.forms().get(&**t).map(|f| f.to_string()),
                    )
                })
                .collect()
        };
        let mut state = made(&docs_of(&texts));
        let mut patched = 0;
        for round in 0..60 {
            // Some rounds a document added, removed, or moved elsewhere in the order (a new
            // title), renumbering those between; in the others up to four changed, now and
            // then in what forms are taken from.
            match round % 6 {
                0 => texts.insert(below(texts.len() + 1), [phrase(3), phrase(2), phrase(9)]),
                1 => drop(texts.remove(below(texts.len()))),
                2 => {
                    // Elsewhere with a new title (the forms change), or only with a new
                    // text (they hold, under new numbers); or a copy of a document put in.
                    let d = below(texts.len());
                    match below(3) {
                        0 => {
                            let mut moved = texts.remove(d);
                            moved[0] = phrase(3);
                            texts.insert(below(texts.len() + 1), moved);
                        }
                        1 => {
                            let mut moved = texts.remove(d);
                            moved[2] = phrase(9);
                            texts.insert(below(texts.len() + 1), moved);
                        }
                        _ => texts.insert(below(texts.len() + 1), texts[d].clone()),
                    }
                }
                _ => {
                    for _ in 0..1 + below(4) {
                        let d = below(texts.len());
                        let field = if round % 3 == 0 { below(3) } else { 2 };
                        texts[d][field] = phrase(1 + below(8));
                    }
                }
            }
            let docs = docs_of(&texts);
            let anew = made(&docs);
            let taken;
            (state, taken) = made_of(&docs, Some(state));
            patched += usize::from(taken > 0);
            assert_eq!(lists(&state), lists(&anew), "round {round}");
        }
        assert!(patched > 55, "{patched} rounds patched");
    }

    #[test]
    fn words_count_by_where_they_stand() {
        let text = "Tillit tillit tillit tillit tillit tillit tillit og kommunen.";
        let html = format!("<p>{text}</p>");
        fn d<'a>(body: Option<&'a Rendered>, text: &'a str) -> Doc<'a> {
            Doc {
                kind: "page",
                title: "Tillit i kommunen".into(),
                url: "/".into(),
                summary: "Om tillit".into(),
                lang: Lang::Nb,
                also: String::new(),
                body,
                text: text.into(),
                date: None,
            }
        }
        let in_body = Rendered {
            digest: crate::render::reuse::digest(&html, true),
            html,
            ..Rendered::default()
        };
        // The words count the same in the body as in the other text (tags, roles).
        for d in [d(Some(&in_body), ""), d(None, text)] {
            assert_eq!(
                sorted(&weigh(&d)),
                [
                    // Title and summary, then seven times in the text, counted five times.
                    ("kommun".to_owned(), IN_TITLE + IN_TEXT),
                    ("tillit".to_owned(), IN_TITLE + IN_SUMMARY + TEXT_CAP),
                ]
            );
        }
    }
}
