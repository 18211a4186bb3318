//! What is kept between runs. The dev server keeps the Markdown rendered by an earlier
//! `prepare`, and a prepared site taken apart, so that a save that changed some pages
//! (but not their addresses or tags) costs those pages, not a pass over the whole site.
//! A build keeps what its pages' bodies said (`Stored`), without their HTML, so that the
//! next build reads only the bodies that changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Diagnostic;
use crate::kept::hash64;
use crate::model::{FileText, Registry, SourceFile};
use crate::output::Urls;

use super::history::History;
use super::job::Job;
use super::markdown::{self, Linker, Rendered};
use super::theme::Theme;
use super::{markdown_files, Prepared};

/// What a body was rendered from. The file's text is compared by identity: a rebuild
/// that did not re-read a file keeps the same `FileText`, so an unchanged file costs one
/// pointer comparison, and holding it here keeps its address from being reused.
struct Entry {
    text: FileText,
    file: usize,
    line: usize,
    own: String,
    rendered: Arc<Rendered>,
}

/// Bodies by key, valid while links resolve the same way (the same source files at the
/// same addresses); when they do not, nothing is reused.
#[derive(Default)]
pub struct MarkdownCache {
    sources: BTreeMap<String, String>,
    base_path: String,
    /// The images bodies were rendered with: an image changed, every body may show it.
    images: crate::images::Images,
    /// The events past the timeline's first page, which links to them follow.
    events: BTreeMap<String, String>,
    entries: BTreeMap<String, Entry>,
    /// Counts the times links started to resolve differently; a `Kept` site can be
    /// updated with this cache only while it is the same.
    epoch: u64,
}

impl MarkdownCache {
    /// Starts a run: everything kept is dropped when links resolve differently now.
    pub(super) fn start(
        &mut self,
        sources: &BTreeMap<String, String>,
        base_path: &str,
        images: &crate::images::Images,
        events: &BTreeMap<String, String>,
    ) {
        if self.base_path != base_path
            || self.sources != *sources
            || self.images != *images
            || self.events != *events
        {
            self.sources = sources.clone();
            self.base_path = base_path.to_owned();
            self.images = images.clone();
            self.events = events.clone();
            self.entries.clear();
            self.epoch += 1;
        }
    }

    /// The body rendered last time for `key`, if it came from the same text, file, line
    /// and page.
    pub(super) fn get(
        &self,
        key: &str,
        source: &SourceFile,
        file: usize,
        line: usize,
        own: &str,
    ) -> Option<Arc<Rendered>> {
        let e = self.entries.get(key)?;
        (FileText::same(&e.text, &source.text) && e.file == file && e.line == line && e.own == own)
            .then(|| Arc::clone(&e.rendered))
    }

    pub(super) fn insert(
        &mut self,
        key: &str,
        source: &SourceFile,
        file: usize,
        line: usize,
        own: &str,
        rendered: &Arc<Rendered>,
    ) {
        self.entries.insert(
            key.to_owned(),
            Entry {
                text: source.text.clone(),
                file,
                line,
                own: own.to_owned(),
                rendered: Arc::clone(rendered),
            },
        );
    }
}

/// Bodies rendered by an earlier run, which this one may take instead of rendering them
/// again.
pub enum Earlier<'c> {
    /// None: every body is rendered.
    Nothing,
    /// The dev server's bodies, kept in memory between its rebuilds, HTML and all.
    Kept(&'c mut MarkdownCache),
    /// The pages' bodies an earlier build stored beside its output, without their HTML.
    Stored(&'c mut Stored),
    /// None, as `Nothing`, with the released bodies' HTML put in `spill` (a frozen
    /// version in a build).
    Spilled(Arc<super::spill::Spill>),
}

impl Earlier<'_> {
    /// Where the bodies let go wait for their pages, if anywhere.
    pub fn spill(&self) -> Option<&Arc<super::spill::Spill>> {
        match self {
            Earlier::Stored(s) => s.spill.as_ref(),
            Earlier::Spilled(s) => Some(s),
            Earlier::Nothing | Earlier::Kept(_) => None,
        }
    }
}

/// Pages' bodies as a build keeps them for the next one, in a file beside its output
/// (cache/): each without its HTML, which its page renders again when it is written
/// (`Prepared::body_html`), and under the key of everything it was rendered from
/// (`page_key`) but where its links lead, which is looked at link by link when it is
/// taken: a body is taken only where rendering it again would give the same. Each line
/// starts with a hash of the rest of it, so that a line changed by anything but a build
/// is left out; the file's first line names the `mandat` that wrote it (cache/).
#[derive(Default)]
pub struct Stored {
    /// What an earlier build stored, by the page's address, with where it is in `from`.
    earlier: HashMap<String, (u64, Rendered, crate::kept::Span)>,
    /// This run's pages in order, each with its key, and where it is in `from` if it was
    /// taken from there: what the next build will find.
    now: Vec<(String, u64, Arc<Rendered>, Option<crate::kept::Span>)>,
    /// How many of them were taken from `earlier`.
    taken: usize,
    /// The file `earlier` was read from, which `write` copies the bodies taken from.
    from: Option<std::fs::File>,
    /// Where this run's fresh bodies wait for their pages; without it, each is rendered
    /// again when its page is written.
    pub spill: Option<Arc<super::spill::Spill>>,
}

impl Stored {
    /// Reads what `write` wrote (see kept.rs), from the offset `start` of its file on. A
    /// line that cannot be read is left out: its page is rendered again.
    pub fn read(file: impl std::io::BufRead, start: u64) -> Stored {
        let mut earlier = HashMap::new();
        crate::kept::read(file, start, |part: Vec<((String, u64, Rendered), _)>| {
            earlier.extend(
                part.into_iter()
                    .map(|((own, key, body), span)| (own, (key, body, span))),
            );
        });
        Stored {
            earlier,
            ..Stored::default()
        }
    }

    /// The file `read` read, for `write` to copy the bodies taken from.
    pub fn copying_from(self, from: Option<std::fs::File>) -> Stored {
        Stored { from, ..self }
    }

    /// Writes this run's pages, a line each: its address, its key and what it said. A
    /// body taken from the file read is copied from it (its links' file, which `take`
    /// sets, is all that could differ).
    pub fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let line = |(own, key, body, span): &(String, u64, Arc<Rendered>, Option<_>)| match span {
            Some(span) if self.from.is_some() => crate::kept::Line::Copy(*span),
            _ => crate::kept::Line::Json(crate::kept::json(&(own, key, &**body))),
        };
        crate::kept::write(&self.now, line, self.from.as_ref(), out)
    }

    /// Whether this run has pages to store.
    pub fn is_empty(&self) -> bool {
        self.now.is_empty()
    }

    /// This run's pages, and how many of them were taken from an earlier build.
    pub fn counts(&self) -> (usize, usize) {
        (self.now.len(), self.taken)
    }

    /// The body stored for the page at `own` under `key`, as its page's work would
    /// render it (its links' and embeds' file being `file`), released.
    fn take(&mut self, own: &str, key: u64, file: usize) -> Option<(Rendered, crate::kept::Span)> {
        if self.earlier.get(own)?.0 != key {
            return None;
        }
        let (_, mut r, span) = self.earlier.remove(own)?;
        // Read as JSON, whose lists do not say their length.
        r.links.shrink_to_fit();
        r.headings.shrink_to_fit();
        r.embeds.shrink_to_fit();
        for l in &mut r.links {
            l.file = file;
        }
        for e in &mut r.embeds {
            e.file = file;
        }
        r.released = true;
        Some((r, span))
    }
}

/// Everything of `linker` a body's rendering reads besides its own text, file and
/// address, and where its links lead: a stored body is taken only if each of its links
/// still leads where it did (`markdown::leads_as_before`), so that a page added, moved or
/// removed costs only the bodies that link to it.
fn linker_key(linker: &Linker) -> u64 {
    hash64((
        format!("{:?}", linker.urls),
        linker.content_dir,
        linker.allow_html,
        format!("{:?}", linker.images),
    ))
}

/// The key of a page's body: everything rendering it reads (`render_work`) but where its
/// links lead (`linker_key`). Not the number of its file, which only its links' and
/// embeds' `file` hold (`Stored::take`).
/// Stored bodies are compared one to one, by a page's address, so an edit goes unseen
/// only if the old and new inputs' 64-bit hashes agree by chance.
fn page_key(linker: u64, w: &super::Work, source: &SourceFile) -> u64 {
    hash64((
        linker,
        w.text.hash64(),
        &source.path,
        w.line,
        &w.own,
        &w.reserved,
        w.excerpt,
    ))
}

/// A rendered body, or the problems in its Markdown (with what could be rendered).
type Body = Result<Arc<Rendered>, markdown::Failed>;

/// What the text of the body `html` says, read once: the language tally, the search
/// terms and, when `excerpt`, the excerpt (see `markdown::Digest`).
pub fn digest(html: &str, excerpt: bool) -> markdown::Digest {
    let text = markdown::plain_text(html);
    // Its words are read once, for both the tally and the terms.
    let (written, words) = super::search::written(&text);
    markdown::Digest {
        tally: crate::tally::Tally::of_written(words, written.iter().map(|(w, n)| (*w, *n))),
        terms: super::search::terms_of(&written),
        excerpt: if excerpt {
            super::search::excerpt(&text, 160)
        } else {
            String::new()
        },
    }
}

/// Renders one piece of Markdown of `render_bodies`' work, written in `source`.
pub(super) fn render_work(
    w: &super::Work,
    source: &SourceFile,
    linker: &Linker,
) -> Result<Rendered, markdown::Failed> {
    // Pages and initiatives' texts may hold embeds; events and measures not.
    let embeds = w.key.starts_with("page:") || w.key.starts_with("initiative:");
    let render = |text: &str| {
        markdown::render(
            text,
            source,
            w.line,
            &w.own,
            w.file,
            linker,
            &w.reserved,
            embeds,
        )
    };
    match w.text {
        // A page's text the build let go is read again for this, and let go again.
        super::WorkText::Body(p) => p.with_body(render),
        super::WorkText::Text(text) => render(text),
    }
}

/// Takes the digest of a freshly rendered body and, when `release`, lets its HTML go,
/// into `spill` where there is one (the page's job reads it back: `Prepared::body_html`).
fn digested(
    mut r: Rendered,
    work: &super::Work,
    release: bool,
    spill: Option<&super::spill::Spill>,
) -> Rendered {
    r.digest = digest(&r.html, work.excerpt);
    if release {
        r.spilled = spill.and_then(|s| s.put(&r.html));
        r.html = String::new();
        r.released = true;
    }
    r
}

/// Renders every piece of Markdown in `work` in parallel, taking from `earlier` what it
/// holds for the same text and leaving this run's bodies in it.
pub(super) fn render_bodies(
    work: &[super::Work],
    files: &[&SourceFile],
    linker: &Linker,
    mut earlier: Earlier,
) -> Vec<Body> {
    if let Earlier::Kept(c) = &mut earlier {
        c.start(
            linker.sources,
            &linker.urls.base_path,
            linker.images,
            linker.events,
        );
    }
    // Pages' keys, and what a build stored under them.
    type Taken = Option<(Rendered, crate::kept::Span)>;
    let (keys, stored): (Vec<Option<u64>>, Vec<Taken>) = match &mut earlier {
        Earlier::Stored(s) => {
            let linker = linker_key(linker);
            let keys: Vec<Option<u64>> = work
                .par_iter()
                .map(|w| {
                    let page = w.key.starts_with("page:");
                    page.then(|| page_key(linker, w, files[w.file]))
                })
                .collect();
            let taken = work
                .iter()
                .zip(&keys)
                .map(|(w, k)| s.take(&w.own, (*k)?, w.file))
                .collect();
            (keys, taken)
        }
        _ => (vec![None; work.len()], vec![None; work.len()]),
    };
    let kept = match &earlier {
        Earlier::Kept(c) => Some(&**c),
        _ => None,
    };
    // The dev server keeps every body to serve and reuse; a build need not.
    let keep = kept.is_some();
    let spill = earlier.spill().map(|s| &**s);
    // Each body, whether it was taken, and where in the stored file if from there.
    let rendered: Vec<(Body, bool, Option<crate::kept::Span>)> = work
        .par_iter()
        .zip(stored)
        .with_max_len(crate::AT_ONCE)
        .map(|(w, stored)| {
            let source = files[w.file];
            let content_rel = markdown::content_rel(source, linker);
            let leads_as_before = |(r, _): &(Rendered, _)| {
                r.links
                    .iter()
                    .all(|l| markdown::leads_as_before(l, content_rel, &w.own, linker))
            };
            if let Some((r, span)) = stored.filter(leads_as_before) {
                return (Ok(Arc::new(r)), true, Some(span));
            }
            match kept.and_then(|c| c.get(&w.key, source, w.file, w.line, &w.own)) {
                Some(r) => (Ok(r), true, None),
                None => {
                    let r = render_work(w, source, linker);
                    // Only pages are let go: they are most of a large site, and only
                    // their own page shows them (an initiative's body is on its page and
                    // in the timeline).
                    let release = !keep && w.key.starts_with("page:");
                    let r = r
                        .map(|r| digested(r, w, release, spill))
                        .map_err(|mut failed| {
                            failed.rendered = digested(failed.rendered, w, release, spill);
                            failed
                        });
                    (r.map(Arc::new), false, None)
                }
            }
        })
        .collect();
    match earlier {
        Earlier::Kept(c) => {
            for (w, (r, reused, _)) in work.iter().zip(&rendered) {
                if let (Ok(r), false) = (r, reused) {
                    c.insert(&w.key, files[w.file], w.file, w.line, &w.own, r);
                }
            }
            // Keep only what this run had, so edits that rename keys leave nothing
            // behind.
            let keys: HashSet<&str> = work.iter().map(|w| w.key.as_str()).collect();
            c.entries.retain(|k, _| keys.contains(k.as_str()));
        }
        Earlier::Stored(s) => {
            s.earlier = HashMap::new();
            s.taken = rendered.iter().filter(|(_, reused, _)| *reused).count();
            s.now = work
                .par_iter()
                .zip(&rendered)
                .zip(keys)
                .filter_map(|((w, (r, _, span)), key)| {
                    Some((w.own.clone(), key?, Arc::clone(r.as_ref().ok()?), *span))
                })
                .collect();
        }
        Earlier::Nothing | Earlier::Spilled(_) => {}
    }
    rendered.into_iter().map(|(r, _, _)| r).collect()
}

/// A prepared site without its borrows of the records and theme, kept between builds.
pub struct Kept {
    urls: Urls,
    sources: BTreeMap<String, String>,
    events: BTreeMap<String, String>,
    bodies: BTreeMap<String, Arc<Rendered>>,
    plan: BTreeMap<String, Job>,
    tags: BTreeMap<String, (String, Vec<usize>)>,
    tag_initiatives: BTreeMap<String, Vec<String>>,
    history: Option<(Arc<History>, usize)>,
    epoch: u64,
    /// What its search index was made of, for the next one to patch (`search::State`).
    search: Option<super::search::State>,
}

impl Kept {
    /// What its search index was made of, taken for a site prepared anew.
    pub fn take_search(&mut self) -> Option<super::search::State> {
        self.search.take()
    }

    pub fn plan(&self) -> &BTreeMap<String, Job> {
        &self.plan
    }

    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    pub fn history(&self) -> Option<&History> {
        self.history.as_ref().map(|(h, _)| &**h)
    }

    /// Whether `update_bodies` can work from this with `cache`: the cache still resolves
    /// links as it did when this was prepared.
    pub fn fits(&self, cache: &MarkdownCache) -> bool {
        self.epoch == cache.epoch
    }
}

impl<'a> Prepared<'a> {
    /// Takes the site apart to keep it; `cache` is the one it was prepared with.
    pub fn keep(self, cache: &MarkdownCache) -> Kept {
        Kept {
            urls: self.urls,
            sources: self.sources,
            events: self.events,
            bodies: self.bodies,
            plan: self.plan,
            tags: self.tags,
            tag_initiatives: self.tag_initiatives,
            history: self.history,
            epoch: cache.epoch,
            search: self.search_state.into_inner().ok().flatten(),
        }
    }

    /// `prepare` for a registry that differs from the one `kept` was prepared from only
    /// in the pages at `changed`, each with the address and tags it had (so the plan is
    /// as it was; the caller has checked their references): renders their bodies again
    /// and checks the links they hold and the links into their pages. On failure `kept`
    /// is returned as it was, with the problems.
    pub fn update_bodies(
        reg: &'a Registry,
        theme: &'a Theme,
        kept: Kept,
        changed: &[usize],
        cache: &mut MarkdownCache,
    ) -> Result<Prepared<'a>, (Kept, Vec<Diagnostic>)> {
        let files = markdown_files(reg);
        let linker = super::linker(reg, &kept.urls, &kept.sources, &kept.events);
        let mut fresh = Vec::new();
        let mut errors = Vec::new();
        for &i in changed {
            let (Some(w), Some(p)) = (super::page_work(reg, &kept.urls, i), reg.pages.get(i))
            else {
                continue;
            };
            let r = match render_work(&w, &p.source, &linker) {
                Ok(r) => r,
                // Its links are checked all the same, so that every problem is reported.
                Err(failed) => {
                    errors.extend(failed.errors);
                    failed.rendered
                }
            };
            let r = Arc::new(digested(r, &w, false, None));
            fresh.push((i, w.file, w.own, r));
        }
        let Kept {
            urls,
            sources,
            events,
            mut bodies,
            plan,
            tags,
            tag_initiatives,
            history,
            epoch,
            search,
        } = kept;
        let mut earlier = Vec::new();
        for (i, _, _, r) in &fresh {
            let key = format!("page:{i}");
            earlier.push((key.clone(), bodies.insert(key, Arc::clone(r))));
        }
        let prepared = Prepared {
            reg,
            theme,
            urls,
            sources,
            events,
            bodies,
            plan,
            tags,
            tag_initiatives,
            history,
            search_index: std::sync::OnceLock::new(),
            search_state: std::sync::Mutex::new(search),
            lists: std::sync::OnceLock::new(),
            spill: None,
        };
        errors.extend(prepared.check_links_into(&files, changed));
        let embeds = fresh.iter().flat_map(|(.., r)| &r.embeds);
        errors.extend(super::embed::check(reg, embeds, &files));
        if !errors.is_empty() {
            let mut kept = prepared.keep(cache);
            kept.epoch = epoch;
            for (key, body) in earlier {
                match body {
                    Some(b) => kept.bodies.insert(key, b),
                    None => kept.bodies.remove(&key),
                };
            }
            return Err((kept, errors));
        }
        for (i, f, own, r) in &fresh {
            let p = &reg.pages[*i];
            cache.insert(
                &format!("page:{i}"),
                &p.source,
                *f,
                p.source.body_line,
                own,
                r,
            );
        }
        Ok(prepared)
    }
}

#[cfg(test)]
mod tests {
    use crate::tally::{count_words, Tally};

    /// The tally a digest takes from the words it counts for the search terms is the
    /// tally of its text, read on its own: in both written standards, with digits inside
    /// words, hyphens, other spaces, capitals and accents.
    #[test]
    fn a_digests_tally_is_the_tally_of_its_text() {
        let texts = [
            "",
            "ikkje ikke",
            "Kva er dette? Eit forum – ikkje ein parallell: 2021–2023, KS2020 og «barnevern».",
            "ÉG ikkje-ikke ikkje3ikke 123 a1b2c3 eit4 4ein noko4kva",
            "Ikkje\u{a0}ein\tnoko\nkva\u{2009}dei\u{0b}desse",
            "Æ Ø Å æøå Ikkje IKKJE Også OGSÅ òg ÒG",
            include_str!("../../content/pages/om.md"),
            include_str!("../../content/pages/tilgjengelighet.md"),
            include_str!("../../content/initiatives/tillitsavtalen.md"),
        ];
        for text in texts {
            let (written, words) = super::super::search::written(text);
            assert_eq!(words, count_words(text), "{text}");
            let read = Tally::of_written(words, written.iter().map(|(w, n)| (*w, *n)));
            assert_eq!(read, Tally::of(text), "{text}");
        }
    }
}
