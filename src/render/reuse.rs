//! What the dev server keeps between builds: the Markdown rendered by an earlier
//! `prepare`, and a prepared site taken apart, so that a save that changed some pages
//! (but not their addresses or tags) costs those pages, not a pass over the whole site.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Diagnostic;
use crate::model::{Registry, SourceFile};
use crate::output::Urls;

use super::history::History;
use super::markdown::{self, Linker, Rendered};
use super::plan::Job;
use super::theme::Theme;
use super::{markdown_files, Prepared};

/// What a body was rendered from. The file's text is compared by identity: a rebuild
/// that did not re-read a file keeps the same `Arc`, so an unchanged file costs one
/// pointer comparison, and holding the `Arc` here keeps its address from being reused.
struct Entry {
    text: Arc<str>,
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
        (Arc::ptr_eq(&e.text, &source.text) && e.file == file && e.line == line && e.own == own)
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
                text: Arc::clone(&source.text),
                file,
                line,
                own: own.to_owned(),
                rendered: Arc::clone(rendered),
            },
        );
    }
}

/// A rendered body, or the problems in its Markdown (with what could be rendered).
type Body = Result<Arc<Rendered>, markdown::Failed>;

/// What the text of the body `html` says, read once: the language tally, the search
/// terms and, when `excerpt`, the excerpt (see `markdown::Digest`).
pub fn digest(html: &str, excerpt: bool) -> markdown::Digest {
    let text = markdown::plain_text(html);
    markdown::Digest {
        tally: crate::tally::Tally::of(&text),
        terms: super::search::body_terms(&text),
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
    markdown::render(
        w.text,
        source,
        w.line,
        &w.own,
        w.file,
        linker,
        &w.reserved,
        embeds,
    )
}

/// Takes the digest of a freshly rendered body and, when `release`, lets its HTML go
/// (the page's job renders it again: `Prepared::body_html`).
fn digested(mut r: Rendered, work: &super::Work, release: bool) -> Rendered {
    r.digest = digest(&r.html, work.excerpt);
    if release {
        r.html = String::new();
        r.released = true;
    }
    r
}

/// Renders every piece of Markdown in `work` in parallel, taking from `cache` what it holds for the same text and keeping the rest.
pub(super) fn render_bodies(
    work: &[super::Work],
    files: &[&SourceFile],
    linker: &Linker,
    mut cache: Option<&mut MarkdownCache>,
) -> Vec<Body> {
    if let Some(c) = cache.as_deref_mut() {
        c.start(
            linker.sources,
            &linker.urls.base_path,
            linker.images,
            linker.events,
        );
    }
    let earlier = cache.as_deref();
    // The dev server keeps every body to serve and reuse; a one-off build need not.
    let keep = earlier.is_some();
    let rendered: Vec<(Body, bool)> = work
        .par_iter()
        .map(|w| {
            let source = files[w.file];
            match earlier.and_then(|c| c.get(&w.key, source, w.file, w.line, &w.own)) {
                Some(r) => (Ok(r), true),
                None => {
                    let r = render_work(w, source, linker);
                    // Only pages are let go: they are most of a large site, and only
                    // their own page shows them (an initiative's body is on its page and
                    // in the timeline).
                    let release = !keep && w.key.starts_with("page:");
                    let r = r.map(|r| digested(r, w, release)).map_err(|mut failed| {
                        failed.rendered = digested(failed.rendered, w, release);
                        failed
                    });
                    (r.map(Arc::new), false)
                }
            }
        })
        .collect();
    if let Some(c) = cache {
        for (w, (r, reused)) in work.iter().zip(&rendered) {
            if let (Ok(r), false) = (r, reused) {
                c.insert(&w.key, files[w.file], w.file, w.line, &w.own, r);
            }
        }
        // Keep only what this run had, so edits that rename keys leave nothing behind.
        let keys: HashSet<&str> = work.iter().map(|w| w.key.as_str()).collect();
        c.entries.retain(|k, _| keys.contains(k.as_str()));
    }
    rendered.into_iter().map(|(r, _)| r).collect()
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
}

impl Kept {
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
            let r = Arc::new(digested(r, &w, false));
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
            lists: std::sync::OnceLock::new(),
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
