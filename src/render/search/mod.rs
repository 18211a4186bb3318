//! The search index behind `/sok/`: every initiative, actor, page and event weighed by
//! its stemmed words, written at build time as the files of `shards.rs` and read by the
//! theme's `search.js`. The word rules here and in `search.js` must agree.

pub mod shards;
pub mod state;

use std::borrow::Cow;
use std::sync::LazyLock;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{Lang, Registry};

pub use shards::{Index, Layout, Part};
pub use state::State;

use state::Hashes;

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
#[cfg(test)]
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.into_owned()));
    out
}

/// Calls `f` with each word of `text` as the index stores it.
fn each_term<'a>(text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    for raw in words(text) {
        if let Some(term) = term(raw) {
            f(term);
        }
    }
}

/// The words of `text`: runs of letters and digits. The index reads every word of every
/// page, so this is the hot loop of a large build: ASCII is classed byte by byte, only
/// other characters are decoded.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= text.len() {
                return None;
            }
            let (alnum, len) = class_at(text, i);
            if alnum {
                break;
            }
            i += len;
        }
        let start = i;
        while i < text.len() {
            let (alnum, len) = class_at(text, i);
            if !alnum {
                break;
            }
            i += len;
        }
        Some(&text[start..i])
    })
}

/// Whether the character at byte `i` of `text` (a character boundary) is a letter or
/// digit, and its length in bytes.
#[inline]
fn class_at(text: &str, i: usize) -> (bool, usize) {
    let (class, len) = classes_at(text, i);
    (class & ALNUM != 0, len)
}

/// What the character at byte `i` of `text` (a character boundary) is (`ALNUM`,
/// `LETTER`, `SPACE`), and its length in bytes.
#[inline]
fn classes_at(text: &str, i: usize) -> (u8, usize) {
    match text.as_bytes()[i] {
        b if b < 0x80 => (ASCII[usize::from(b)], 1),
        _ => text[i..].chars().next().map_or((0, 1), |c| {
            let class = if c.is_alphabetic() {
                ALNUM | LETTER
            } else if c.is_numeric() {
                ALNUM
            } else if c.is_whitespace() {
                SPACE
            } else {
                0
            };
            (class, c.len_utf8())
        }),
    }
}

/// A letter or digit: what a word is made of.
const ALNUM: u8 = 1;
/// A letter.
const LETTER: u8 = 2;
/// White space, which ends a word as the language tally counts words.
const SPACE: u8 = 4;

/// The classes of the ASCII characters (the vertical tab is white space, as Rust's
/// `char::is_whitespace` has it).
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            ALNUM | LETTER
        } else if c.is_ascii_digit() {
            ALNUM
        } else if c.is_ascii_whitespace() || c == 0x0b {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// One word as the index stores it: folded, stemmed, or none for a stop word. A word
/// already in its folded form (most are) stays a slice of the text, not a copy.
fn term(raw: &str) -> Option<Cow<'_, str>> {
    let word: Cow<'_, str> = if is_folded(raw) {
        Cow::Borrowed(raw)
    } else {
        let mut folded = String::with_capacity(raw.len());
        fold_into(raw, &mut folded);
        Cow::Owned(folded)
    };
    if is_stop_word(&word) {
        return None;
    }
    let keep = stem_len(&word);
    Some(match word {
        Cow::Borrowed(w) => Cow::Borrowed(&w[..keep]),
        Cow::Owned(mut w) => {
            w.truncate(keep);
            Cow::Owned(w)
        }
    })
}

fn is_stop_word(word: &str) -> bool {
    // The longest stop word, in bytes: `mellom`, `vere`, `også`.
    if word.len() > 6 {
        return false;
    }
    static SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Whether folding would leave `word` as it is.
fn is_folded(word: &str) -> bool {
    word.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            let mut lower = c.to_lowercase();
            fold_char(c) == c && lower.next() == Some(c) && lower.next().is_none()
        }
    })
}

/// Lower case, with accents that Norwegian does not keep as letters of their own taken
/// off (`idé` is `ide`); æ, ø and å stay as they are.
fn fold_into(word: &str, out: &mut String) {
    out.extend(word.chars().flat_map(char::to_lowercase).map(fold_char));
}

fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        c => c,
    }
}

/// Takes the longest known ending off a folded word, keeping at least `MIN_STEM` letters.
#[cfg(test)]
fn stem(word: &str) -> String {
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

/// The terms of a body's text, each with how often it is written there: what `weigh`
/// counts as the document's text. Worked out once, when the body is rendered (from the
/// words `written` found, which the language tally reads too).
pub fn body_terms(text: &str) -> crate::tally::Terms {
    if text.is_empty() {
        return crate::tally::Terms::default();
    }
    terms_of(&written(text).0)
}

/// The words of `text` (runs of letters and digits) as written, each with how often it
/// is (a page uses each word many times, so each is made a term once: `terms_of`), and
/// how many words the language tally counts in it (`tally::count_words`: tokens
/// between white space that hold a letter), found on the way.
pub fn written(text: &str) -> (FxHashMap<&str, u32>, usize) {
    // Sized for the words a text of this length uses, so that it is not grown (and each
    // word placed again) several times over; a long text repeats its words more.
    let mut written: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher((text.len() / 32).min(1 << 14), Default::default());
    let (mut tokens, mut has_letter) = (0, false);
    let mut i = 0;
    while i < text.len() {
        let (class, len) = classes_at(text, i);
        if class & ALNUM == 0 {
            if class & SPACE != 0 {
                tokens += usize::from(has_letter);
                has_letter = false;
            }
            i += len;
            continue;
        }
        let start = i;
        while i < text.len() {
            let (class, len) = classes_at(text, i);
            if class & ALNUM == 0 {
                break;
            }
            has_letter |= class & LETTER != 0;
            i += len;
        }
        *written.entry(&text[start..i]).or_default() += 1;
    }
    (written, tokens + usize::from(has_letter))
}

/// The terms of words as `written` counts them, with their counts.
pub fn terms_of(written: &FxHashMap<&str, u32>) -> crate::tally::Terms {
    let mut terms: FxHashMap<Cow<'_, str>, u32> =
        FxHashMap::with_capacity_and_hasher(written.len(), Default::default());
    for (w, n) in written {
        if let Some(t) = term(w) {
            *terms.entry(t).or_default() += n;
        }
    }
    crate::tally::Terms::new(terms.iter().map(|(t, n)| (&**t, *n)))
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

/// The first `max` characters of `text`, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    // The words joined by single spaces, read only until they are longer than `max`:
    // every body's excerpt is taken, and a body can be long.
    let mut joined = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > max {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
            chars += 1;
        }
        joined.push_str(word);
        chars += word.chars().count();
    }
    let text = joined;
    if chars <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is classed as Rust classes it, and read alone or inside words
    /// gives the tally and the count of words that reading the text on its own gives
    /// (`written`, `Tally::of_written`).
    #[test]
    fn every_character_is_classed_and_counted_as_the_tally_reads_it() {
        use crate::tally::{count_words, Tally};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let (class, len) = classes_at(c.encode_utf8(&mut [0; 4]), 0);
            assert_eq!(len, c.len_utf8());
            assert_eq!(class & ALNUM != 0, c.is_alphanumeric(), "{c:?}");
            assert_eq!(class & LETTER != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(class & SPACE != 0, c.is_whitespace(), "{c:?}");
            // Enough to meet every kind of character in every place, in a test that
            // runs quickly: every ASCII and Latin character, a sample of the rest.
            if u32::from(c) < 0x300 || u32::from(c) % 97 == 0 || c.is_whitespace() {
                let text = format!("ab{c}ikkje {c} {c}{c}kva{c}");
                let (written, words) = written(&text);
                assert_eq!(words, count_words(&text), "{c:?}");
                let read = Tally::of_written(words, written.iter().map(|(w, n)| (*w, *n)));
                assert_eq!(read, Tally::of(&text), "{c:?}");
            }
        }
    }

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
        let seed = std::cell::Cell::new(0x2026_u64);
        let below = |n: usize| {
            seed.set(
                seed.get()
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1),
            );
            (seed.get() >> 33) as usize % n
        };
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
                    let mut moved = texts.remove(below(texts.len()));
                    moved[0] = phrase(3);
                    texts.insert(below(texts.len() + 1), moved);
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

    #[test]
    fn folded_words_are_borrowed() {
        let mut seen = Vec::new();
        each_term("barnevernet Økt idé avtale", |t| {
            seen.push((matches!(t, Cow::Borrowed(_)), t.into_owned()));
        });
        assert_eq!(
            seen,
            [
                (true, "barnevern".to_owned()),
                (false, "økt".to_owned()),
                (false, "ide".to_owned()),
                (true, "avtal".to_owned()),
            ]
        );
    }

    #[test]
    fn words_are_letters_and_digits() {
        let found: Vec<&str> = words("«Økt» kompetanse—i 2018–2024, R&D. ").collect();
        assert_eq!(found, ["Økt", "kompetanse", "i", "2018", "2024", "R", "D"]);
        assert_eq!(words(" ,.").count(), 0);
    }

    #[test]
    fn stop_words_fit_the_length_check() {
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 6));
        assert!(is_stop_word("mellom") && is_stop_word("også") && !is_stop_word("barn"));
    }

    #[test]
    fn the_browser_leaves_out_the_same_stop_words() {
        let js = include_str!("../../../themes/default/static/search.js");
        let set = js
            .split_once("STOP_WORDS = new Set([")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .expect("search.js lists its stop words");
        let in_js: Vec<&str> = set
            .split(',')
            .map(|w| w.trim().trim_matches('"'))
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(in_js, STOP_WORDS);
    }

    #[test]
    fn excerpts_end_at_a_word() {
        assert_eq!(excerpt("en to tre", 20), "en to tre");
        assert_eq!(excerpt("alpha beta gamma, delta", 14), "alpha beta…");
        assert_eq!(excerpt("alpha beta gamma, delta", 18), "alpha beta gamma…");
        // Read only as far as needed, it gives what the whole text joined would give.
        let whole = |text: &str, max: usize| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() <= max {
                return text;
            }
            let cut: String = text.chars().take(max).collect();
            let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
            format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
        };
        let long = "Tillit  mellom\npartane,  i  barnevernet; æøå ".repeat(20);
        for text in [
            "",
            "  ",
            "en to",
            " en\n\nto  tre ",
            "ordsomerlengreennmax",
            &long,
        ] {
            for max in [0, 1, 2, 5, 6, 7, 12, 160] {
                assert_eq!(excerpt(text, max), whole(text, max), "{text:?} {max}");
            }
        }
    }
}
