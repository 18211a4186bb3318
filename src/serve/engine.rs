//! The dev server's builds, held in memory: the build session every command runs
//! (crate::session), its outputs kept as bytes instead of written, and after each save
//! only the outputs that depend on what changed rendered again (render/plan.rs says which;
//! the rest is taken from the last build). A save that changed pages but not their
//! addresses or tags is the quick case: those pages are read and checked, their bodies
//! rendered and their links checked, without reading or preparing the rest of the site
//! again. A build that fails changes nothing: the server keeps answering from the last
//! good site.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde_json::Value;

use crate::config::Paths;
use crate::error::{Diagnostic, Error};
use crate::model::{Page, Registry, SourceFile};
use crate::render::history::History;
use crate::render::job::Job;
use crate::render::plan::PageChange;
use crate::render::reuse::{Earlier, Kept};
use crate::render::{Contexts, Prepared};
use crate::session::{self, content_error, Caches, Sources};

/// A finished build: what the server answers from. Replaced whole, never changed.
pub struct Site {
    /// Counts builds, so a page can tell whether it is older than the site.
    pub generation: u64,
    /// Site path (`/`, `/initiativ/x/`, `/assets/style.1a2b.css`) to its content.
    pub files: HashMap<String, Content>,
    /// The theme's assets (`style.css`) by their addresses, to swap stylesheets in place.
    pub assets: BTreeMap<String, String>,
}

#[derive(Clone, PartialEq, Eq)]
pub enum Content {
    Bytes(Arc<Vec<u8>>),
    /// A file from content/pages/, sent as it is when asked for.
    File(PathBuf),
}

/// A build that succeeded.
pub struct Built {
    pub site: Arc<Site>,
    /// How many files were rendered, of how many the site has.
    pub rendered: usize,
    pub total: usize,
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
}

/// The last build that succeeded: what later builds are compared with and start from.
struct Good {
    sources: Sources,
    /// Each site's prepared state taken apart, versions first (`None` only while a quick
    /// build borrows it).
    kept: Vec<Option<Kept>>,
    site: Arc<Site>,
    /// Which load of the theme it was rendered with.
    theme_load: u64,
    /// Each page of the current site: its place in its registry, by its file
    /// (`content/pages/om.md`).
    pages: HashMap<String, usize>,
}

/// One output to render: the site it belongs to, its address and what it is.
type Output<'p> = (&'p Prepared<'p>, &'p String, &'p Job);

pub struct Engine {
    paths: Paths,
    /// Merged into every template's context: the live-reload script.
    extra: Value,
    caches: Caches,
    good: Option<Good>,
    /// Every file changed since the last good build (`None`: any): a build that failed
    /// leaves its changes to the next.
    dirty: Option<BTreeSet<PathBuf>>,
    generation: u64,
}

impl Engine {
    pub fn new(paths: Paths, extra: Value) -> Engine {
        Engine {
            paths,
            extra,
            caches: Caches::default(),
            good: None,
            dirty: None,
            generation: 0,
        }
    }

    /// Builds the site again after the files in `changed` changed (`None`: read
    /// everything). On success the result is the new last good build.
    pub fn rebuild(&mut self, changed: Option<&BTreeSet<PathBuf>>) -> Result<Built, Error> {
        self.rebuild_then(changed, |_| {})
    }

    /// As `rebuild`; when only pages changed, `early` is first given the site with the
    /// edited pages up to date, so they can be shown while what lists them (sections,
    /// tags, feeds, the search index, which reads every page) is made again. The result
    /// is a later generation.
    pub fn rebuild_then(
        &mut self,
        changed: Option<&BTreeSet<PathBuf>>,
        early: impl FnOnce(&Built),
    ) -> Result<Built, Error> {
        let started = Instant::now();
        match (&mut self.dirty, changed) {
            (Some(dirty), Some(changed)) => dirty.extend(changed.iter().cloned()),
            (dirty, _) => *dirty = None,
        }
        let result = match self.rebuild_pages(started, early) {
            Some(result) => result,
            None => self.rebuild_all(changed, started),
        };
        if result.is_ok() {
            self.dirty = Some(BTreeSet::new());
        }
        result
    }

    /// The quick build, when every file changed since the last good build is a page of
    /// the current site that kept its address and tags (so the plan of the site is as it
    /// was). `None` when that is not so.
    fn rebuild_pages(
        &mut self,
        started: Instant,
        early: impl FnOnce(&Built),
    ) -> Option<Result<Built, Error>> {
        let changed = self.dirty.as_ref()?;
        let good = self.good.as_mut()?;
        let last = good.kept.len().checked_sub(1)?;
        if good.theme_load != self.caches.theme_loads
            || !good.kept[last].as_ref()?.fits(&self.caches.markdown)
        {
            return None;
        }
        let root = &self.paths.root;
        let warnings = good.sources.warnings.clone();
        let mut swapped: Vec<(usize, Page, bool)> = Vec::new();
        for path in changed {
            let display = path
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let i = *good.pages.get(&display)?;
            let reg = good.sources.current();
            let page = match self.caches.reread_page(&reg.config, path)? {
                Ok(page) => page,
                Err(d) => return Some(Err(content_error(d, &warnings))),
            };
            let old = &reg.pages[i];
            if page.source.text == old.source.text {
                continue;
            }
            if page.slug_path != old.slug_path
                || page.is_section != old.is_section
                || page.meta.draft
                || page.meta.tags != old.meta.tags
                || page.meta.aliases != old.meta.aliases
            {
                return None;
            }
            let front = page.front != old.front;
            let problems = reg.check_page(&page);
            if !problems.is_empty() {
                return Some(Err(content_error(problems, &warnings)));
            }
            swapped.push((i, page, front));
        }
        // The new pages go into the registry; the old ones are kept to put back on failure.
        let kept = good.kept[last].take()?;
        let swap = |good: &mut Good, swapped: &mut Vec<(usize, Page, bool)>| {
            for (i, page, _) in swapped.iter_mut() {
                std::mem::swap(&mut good.sources.current_mut().pages[*i], page);
            }
        };
        swap(good, &mut swapped);
        let indexes: Vec<usize> = swapped.iter().map(|(i, ..)| *i).collect();
        let Good {
            sources,
            kept: all_kept,
            site: good_site,
            ..
        } = &mut *good;
        let updated = Prepared::update_bodies(
            sources.current(),
            &sources.theme,
            kept,
            &indexes,
            &mut self.caches.markdown,
        );
        let mut prepared = match updated {
            Ok(p) => p,
            Err((kept, errors)) => {
                all_kept[last] = Some(kept);
                swap(good, &mut swapped);
                return Some(Err(content_error(errors, &warnings)));
            }
        };
        // What changed since the version before is worked out again with the new pages.
        if let (Some((history, me)), Some(Some(before))) =
            (&prepared.history, last.checked_sub(1).map(|b| &all_kept[b]))
        {
            let mut history = (**history).clone();
            if let Some(site) = history.sites.get_mut(*me) {
                site.changes = Some(crate::render::changes::compare(
                    (&sources.regs[last - 1], before.urls()),
                    (sources.current(), &prepared.urls),
                ));
            }
            prepared.history = Some((Arc::new(history), *me));
        }
        let changes: Vec<PageChange> = swapped
            .iter()
            .map(|(i, old, front)| PageChange {
                index: Some(*i),
                old,
                new: &sources.current().pages[*i],
                front: *front,
            })
            .collect();
        // The edited pages are shown first; what lists or indexes them (their section,
        // tags, feeds, and the search index, which reads every page) follows.
        let (now, later): (Vec<_>, Vec<_>) = affected_jobs(&prepared, Some(&changes))
            .into_iter()
            .map(|(path, job)| (&prepared, path, job))
            .partition(|(_, _, job)| matches!(job, Job::Page(i) if indexes.contains(i)));
        let total = good_total(all_kept, &prepared);
        let mut site = Arc::clone(good_site);
        let mut rendered = 0;
        let mut early = Some(early);
        let mut failed = None;
        for jobs in [now, later].iter() {
            if jobs.is_empty() {
                continue;
            }
            if let Some(early) = early.take_if(|_| rendered > 0) {
                early(&Built {
                    site: Arc::clone(&site),
                    rendered,
                    total,
                    millis: started.elapsed().as_millis(),
                    warnings: warnings.clone(),
                });
            }
            let files = match render_jobs(jobs, &self.extra, site.files.clone()) {
                Ok(files) => files,
                Err(errors) => {
                    failed = Some(errors);
                    break;
                }
            };
            self.generation += 1;
            rendered += jobs.len();
            site = Arc::new(Site {
                generation: self.generation,
                files,
                assets: good_site.assets.clone(),
            });
        }
        if let Some(errors) = failed {
            // The registry goes back to the last good build's pages, so the next save
            // of these files is seen as a change; the next build starts afresh (its
            // bodies and the site served may already show part of this one).
            drop(prepared);
            drop(changes);
            swap(good, &mut swapped);
            good.kept[last] = None;
            return Some(Err(content_error(errors, &warnings)));
        }
        let kept = prepared.keep(&self.caches.markdown);
        drop(changes);
        good.kept[last] = Some(kept);
        good.site = Arc::clone(&site);
        Some(Ok(Built {
            site,
            rendered,
            total,
            millis: started.elapsed().as_millis(),
            warnings,
        }))
    }

    /// Runs the build session again, reading what changed, and renders what depends on
    /// the change: everything when the theme, the settings, the set of pages or the
    /// versions changed; otherwise what the changed pages and versions show.
    fn rebuild_all(
        &mut self,
        changed: Option<&BTreeSet<PathBuf>>,
        started: Instant,
    ) -> Result<Built, Error> {
        let sources = session::load(
            &self.paths,
            session::Loading::Kept(&mut self.caches, changed),
        )?;
        // The publisher, the written standards and the quota are checked as `build` does.
        let (prepared, _, found) =
            session::prepare_checked(&sources, Earlier::Kept(&mut self.caches.markdown))?;
        // What the last good build's search indexes were made of, for each to patch its
        // own, as a build does.
        if let Some(good) = self.good.as_mut() {
            let kept = good.kept.iter_mut().flatten();
            let before = kept.filter_map(|k| Some((k.urls().search(), k.take_search()?)));
            crate::render::search_from(&prepared, before.collect());
        }

        let good = self
            .good
            .as_ref()
            .filter(|g| g.theme_load == self.caches.theme_loads);
        let (jobs, reused) = match good {
            Some(good) => to_render(good, &sources, &prepared),
            None => (session::outputs(&prepared), Vec::new()),
        };
        let mut files = HashMap::with_capacity(jobs.len() + reused.len());
        if let Some(good) = good {
            for path in reused {
                if let Some(content) = good.site.files.get(path) {
                    files.insert(path.clone(), content.clone());
                }
            }
        }
        let rendered = jobs.len();
        let files = render_jobs(&jobs, &self.extra, files)
            .map_err(|e| content_error(e, &sources.warnings))?;
        let total = prepared.iter().map(|p| p.plan.len()).sum();
        let kept: Vec<Option<Kept>> = prepared
            .into_iter()
            .map(|p| Some(p.keep(&self.caches.markdown)))
            .collect();
        let pages = sources
            .current()
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.path.clone(), i))
            .collect();
        self.generation += 1;
        let site = Arc::new(Site {
            generation: self.generation,
            files,
            assets: sources.theme.assets.clone(),
        });
        let mut warnings = sources.warnings.clone();
        warnings.extend(found);
        self.good = Some(Good {
            sources,
            kept,
            site: Arc::clone(&site),
            theme_load: self.caches.theme_loads,
            pages,
        });
        Ok(Built {
            site,
            rendered,
            total,
            millis: started.elapsed().as_millis(),
            warnings,
        })
    }
}

/// How many files the site has: every site's plan, the current one being `current`.
fn good_total(kept: &[Option<Kept>], current: &Prepared) -> usize {
    let versions: usize = kept
        .iter()
        .take(kept.len().saturating_sub(1))
        .flatten()
        .map(|k| k.plan().len())
        .sum();
    versions + current.plan.len()
}

/// Which outputs of the new session must be rendered and which (by address) can be
/// taken from the last good build, made with the same theme. Nothing is taken when the
/// sites came or went or changed their addresses (every page's version switcher lists
/// them). A version is rendered again when its files changed; its what-changed page also
/// when the site before it changed. The current site renders what its changed pages
/// show when only pages changed (render/plan.rs), and everything otherwise.
fn to_render<'p>(
    good: &'p Good,
    sources: &Sources,
    prepared: &'p [Prepared<'p>],
) -> (Vec<Output<'p>>, Vec<&'p String>) {
    let everything = || (session::outputs(prepared), Vec::new());
    let last = prepared.len() - 1;
    if good.kept.len() != prepared.len() || good.sources.versions != sources.versions {
        return everything();
    }
    let mut plans = Vec::with_capacity(prepared.len());
    for (k, p) in good.kept.iter().zip(prepared) {
        match k {
            Some(k) if *k.plan() == p.plan => plans.push(k.plan()),
            _ => return everything(),
        }
    }
    // The switcher on every page shows each site's name, date, label and `as_of`.
    fn places(h: Option<&History>) -> Option<Vec<impl PartialEq + '_>> {
        h.map(|h| h.sites.iter().map(|s| s.place()).collect())
    }
    let old_history = good.kept[last].as_ref().and_then(|k| k.history());
    let new_history = prepared[last].history.as_ref().map(|(h, _)| &**h);
    if places(old_history) != places(new_history) {
        return everything();
    }
    let same: Vec<bool> = (0..prepared.len())
        .map(|i| same_records(&good.sources.regs[i], &sources.regs[i], true))
        .collect();
    let current_changes = page_changes(
        &good.sources.regs[last],
        plans[last],
        &sources.regs[last],
        &prepared[last].plan,
    )
    .map(|changes| {
        let touched = prepared[last].touched(&changes);
        (changes, touched)
    });
    let mut jobs = Vec::new();
    let mut reused = Vec::new();
    for (i, p) in prepared.iter().enumerate() {
        let before_same = i == 0 || same[i - 1];
        for (path, job) in &p.plan {
            let render = if i < last {
                !same[i] || (!before_same && *job == Job::Changes)
            } else {
                match &current_changes {
                    Some((changes, touched)) => {
                        (!before_same && *job == Job::Changes)
                            || (*job == Job::Versions && !same.iter().all(|s| *s))
                            || p.affected(job, changes, touched)
                    }
                    None => true,
                }
            };
            if render {
                jobs.push((p, path, job));
            } else {
                reused.push(path);
            }
        }
    }
    jobs.sort_by_key(|(_, _, job)| job.cost());
    (jobs, reused)
}

/// The outputs to render: those `changes` may alter, or all when `None`.
fn affected_jobs<'p>(
    prepared: &'p Prepared,
    changes: Option<&[PageChange]>,
) -> Vec<(&'p String, &'p Job)> {
    match changes {
        Some(changes) => {
            let touched = prepared.touched(changes);
            prepared
                .plan
                .iter()
                .filter(|(_, job)| prepared.affected(job, changes, &touched))
                .collect()
        }
        None => prepared.plan.iter().collect(),
    }
}

/// Renders `jobs` in parallel, as a build does, into `files`; on failure, every problem.
fn render_jobs(
    jobs: &[Output],
    extra: &Value,
    mut files: HashMap<String, Content>,
) -> Result<HashMap<String, Content>, Vec<Diagnostic>> {
    // What several outputs share is made first, as `build` does (render/mod.rs: `ready`).
    let mut ready: Vec<&Prepared> = Vec::new();
    for (prepared, _, job) in jobs {
        if matches!(job, Job::SearchIndex | Job::SearchPart(_))
            && !ready.iter().any(|p| std::ptr::eq(*p, *prepared))
        {
            prepared.ready();
            ready.push(prepared);
        }
    }
    let rendered: Vec<Result<(String, Content), Diagnostic>> = jobs
        .par_iter()
        .map_init(
            || (Contexts::default(), Vec::new()),
            |(contexts, out), (prepared, path, job)| {
                let content = match job {
                    Job::Asset(file) => Content::File(file.clone()),
                    _ => {
                        prepared.render_into(contexts, path, job, extra, out)?;
                        Content::Bytes(Arc::new(std::mem::take(out)))
                    }
                };
                Ok(((*path).clone(), content))
            },
        )
        .collect();
    let mut errors = Vec::new();
    for r in rendered {
        match r {
            Ok((path, content)) => {
                files.insert(path, content);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Whether two loads of a site read the same files with the same text (`pages`: its
/// pages too).
fn same_records(old: &Registry, new: &Registry, pages: bool) -> bool {
    let same = |a: &SourceFile, b: &SourceFile| a.text == b.text;
    same(&old.config.source, &new.config.source)
        && old.actors.len() == new.actors.len()
        && old
            .actors
            .values()
            .zip(new.actors.values())
            .all(|(a, b)| a.id == b.id && same(&a.source, &b.source))
        && old.initiatives.len() == new.initiatives.len()
        && old
            .initiatives
            .values()
            .zip(new.initiatives.values())
            .all(|(a, b)| a.id == b.id && same(&a.source, &b.source))
        && old.event_sources.len() == new.event_sources.len()
        && old
            .event_sources
            .iter()
            .zip(&new.event_sources)
            .all(|(a, b)| same(a, b))
        && old.assets == new.assets
        // An image's size is written into every page that shows it.
        && old.images == new.images
        && old.pages.len() == new.pages.len()
        && (!pages
            || old
                .pages
                .iter()
                .zip(&new.pages)
                .all(|(a, b)| a.source.path == b.source.path && same(&a.source, &b.source)))
}

/// The pages whose files changed, when nothing else did: the same records, theme and
/// settings, and every output at the same address from the same source. `None` when
/// more changed, and everything must be rendered again.
fn page_changes<'a>(
    old: &'a Registry,
    old_plan: &BTreeMap<String, Job>,
    new: &'a Registry,
    new_plan: &BTreeMap<String, Job>,
) -> Option<Vec<PageChange<'a>>> {
    if old_plan != new_plan || !same_records(old, new, false) {
        return None;
    }
    let mut changes = Vec::new();
    for (index, (o, n)) in old.pages.iter().zip(&new.pages).enumerate() {
        if o.source.path != n.source.path {
            return None;
        }
        if o.source.text != n.source.text {
            changes.push(PageChange {
                index: Some(index),
                old: o,
                new: n,
                front: o.front != n.front,
            });
        }
    }
    Some(changes)
}

/// What the open pages should do after a build.
#[derive(Debug, PartialEq, Eq)]
pub enum Reload {
    /// Reload every page.
    All,
    /// Reload the pages at these site paths (none: only clear a shown error).
    Paths(Vec<String>),
    /// Only stylesheets changed: each old address with its new one.
    Styles(BTreeMap<String, String>),
}

impl Site {
    /// How many pages (HTML files) the site has.
    pub fn pages(&self) -> usize {
        self.files
            .keys()
            .filter(|p| p.ends_with('/') || p.ends_with(".html"))
            .count()
    }

    /// What pages showing `shown` should do to show this site, after the files in
    /// `changed` (`None`: any file) changed under `root`.
    pub fn reload_from(
        &self,
        shown: &Site,
        changed: Option<&BTreeSet<PathBuf>>,
        root: &Path,
    ) -> Reload {
        const MOST: usize = 200;
        let themes = root.join("themes");
        let styles_only = changed.is_some_and(|c| {
            !c.is_empty()
                && c.iter()
                    .all(|p| p.starts_with(&themes) && p.extension().is_some_and(|e| e == "css"))
        });
        if styles_only {
            return Reload::Styles(
                self.assets
                    .iter()
                    .filter_map(|(name, new)| {
                        let old = shown.assets.get(name)?;
                        (old != new).then(|| (old.clone(), new.clone()))
                    })
                    .collect(),
            );
        }
        if shown.files.keys().any(|k| !self.files.contains_key(k)) {
            return Reload::All;
        }
        let mut paths = Vec::new();
        for (path, content) in &self.files {
            let file_changed = match content {
                Content::File(f) => changed.is_none_or(|c| c.contains(f)),
                Content::Bytes(_) => false,
            };
            let before = shown.files.get(path);
            let same = match (before, content) {
                (Some(Content::Bytes(a)), Content::Bytes(b)) => Arc::ptr_eq(a, b) || a == b,
                (Some(a), b) => a == b,
                (None, _) => false,
            };
            if same && !file_changed {
                continue;
            }
            if path.ends_with('/') || path.ends_with(".html") {
                paths.push(path.clone());
            } else if matches!(content, Content::File(_)) || path.starts_with("/assets/") {
                // An image or stylesheet: any page may show it.
                return Reload::All;
            }
        }
        if paths.len() > MOST {
            return Reload::All;
        }
        paths.sort();
        Reload::Paths(paths)
    }
}
