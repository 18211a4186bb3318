//! The dev server's builds, held in memory: the whole site rendered once, then after each
//! save only the files that depend on what changed (depends.rs says which). A save that
//! changed pages but not their addresses or tags is the quick case: those pages are read
//! and checked, their bodies rendered and their links checked, without reading or
//! preparing the rest of the site again. A build that fails changes nothing: the server
//! keeps answering from the last good site.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde_json::Value;

use crate::build::content_error;
use crate::config::{Config, Paths};
use crate::error::{Diagnostic, Error};
use crate::load::{self, LoadCache};
use crate::model::{Page, Registry};
use crate::output::Urls;
use crate::render::reuse::{Kept, MarkdownCache};
use crate::render::theme::Theme;
use crate::render::{self, Job, Prepared};

use super::depends::{self, PageChange};

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
    reg: Registry,
    /// Its prepared site, taken apart (`None` only while a quick build borrows it).
    kept: Option<Kept>,
    site: Arc<Site>,
    warnings: Vec<Diagnostic>,
    /// Which load of the theme it was rendered with.
    theme_load: u64,
    /// Each page's place in `reg.pages`, by its file (`content/pages/om.md`).
    pages: HashMap<String, usize>,
}

pub struct Engine {
    paths: Paths,
    /// Merged into every template's context: the live-reload script.
    extra: Value,
    load: LoadCache,
    markdown: MarkdownCache,
    /// The theme by name, and how many times a theme has been loaded.
    theme: Option<(String, Theme)>,
    theme_loads: u64,
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
            load: LoadCache::default(),
            markdown: MarkdownCache::default(),
            theme: None,
            theme_loads: 0,
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
    /// it that kept its address and tags (so the plan of the site is as it was). `None`
    /// when that is not so.
    fn rebuild_pages(
        &mut self,
        started: Instant,
        early: impl FnOnce(&Built),
    ) -> Option<Result<Built, Error>> {
        let changed = self.dirty.as_ref()?;
        let good = self.good.as_mut()?;
        let (_, theme) = self.theme.as_ref()?;
        if good.theme_load != self.theme_loads || !good.kept.as_ref()?.fits(&self.markdown) {
            return None;
        }
        let root = &self.paths.root;
        let mut swapped: Vec<(usize, Page, bool)> = Vec::new();
        for path in changed {
            let display = path
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let i = *good.pages.get(&display)?;
            let page = match self.load.reread_page(&good.reg.config, path)? {
                Ok(page) => page,
                Err(d) => return Some(Err(content_error(vec![d], &good.warnings))),
            };
            let old = &good.reg.pages[i];
            if page.source.text == old.source.text {
                continue;
            }
            if page.slug_path != old.slug_path
                || page.is_section != old.is_section
                || page.meta.draft
                || page.meta.tags != old.meta.tags
            {
                return None;
            }
            let front = depends::front_matter(&page) != depends::front_matter(old);
            let problems = good.reg.check_page(&page);
            if !problems.is_empty() {
                return Some(Err(content_error(problems, &good.warnings)));
            }
            swapped.push((i, page, front));
        }
        // The new pages go into the registry; the old ones are kept to put back on failure.
        let kept = good.kept.take()?;
        for (i, page, _) in &mut swapped {
            std::mem::swap(&mut good.reg.pages[*i], page);
        }
        let indexes: Vec<usize> = swapped.iter().map(|(i, ..)| *i).collect();
        let prepared =
            match Prepared::update_bodies(&good.reg, theme, kept, &indexes, &mut self.markdown) {
                Ok(p) => p,
                Err((kept, errors)) => {
                    good.kept = Some(kept);
                    for (i, page, _) in &mut swapped {
                        std::mem::swap(&mut good.reg.pages[*i], page);
                    }
                    return Some(Err(content_error(errors, &good.warnings)));
                }
            };
        let changes: Vec<PageChange> = swapped
            .iter()
            .map(|(i, old, front)| PageChange {
                index: *i,
                old,
                new: &good.reg.pages[*i],
                front: *front,
            })
            .collect();
        // The edited pages are shown first; what lists or indexes them (their section,
        // tags, feeds, and the search index, which reads every page) follows.
        let (now, later): (Vec<_>, Vec<_>) = affected_jobs(&prepared, Some(&changes))
            .into_iter()
            .partition(|(_, job)| matches!(job, Job::Page(i) if indexes.contains(i)));
        let total = prepared.plan.len();
        let mut site = Arc::clone(&good.site);
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
                    warnings: good.warnings.clone(),
                });
            }
            let (files, count) = render_jobs(&prepared, jobs, &self.extra, Some(&site));
            let files = match files {
                Ok(files) => files,
                Err(errors) => {
                    failed = Some(errors);
                    break;
                }
            };
            self.generation += 1;
            rendered += count;
            site = Arc::new(Site {
                generation: self.generation,
                files,
                assets: good.site.assets.clone(),
            });
        }
        if let Some(errors) = failed {
            // The registry goes back to the last good build's pages, so the next save
            // of these files is seen as a change; the next build starts afresh (its
            // bodies and the site served may already show part of this one).
            drop(prepared);
            drop(changes);
            for (i, page, _) in &mut swapped {
                std::mem::swap(&mut good.reg.pages[*i], page);
            }
            good.kept = None;
            return Some(Err(content_error(errors, &good.warnings)));
        }
        good.kept = Some(prepared.keep(&self.markdown));
        good.site = Arc::clone(&site);
        Some(Ok(Built {
            site,
            rendered,
            total,
            millis: started.elapsed().as_millis(),
            warnings: good.warnings.clone(),
        }))
    }

    /// Reads what changed, checks the whole site and renders what depends on the change
    /// (everything when the theme, the settings or the set of files changed).
    fn rebuild_all(
        &mut self,
        changed: Option<&BTreeSet<PathBuf>>,
        started: Instant,
    ) -> Result<Built, Error> {
        let config = Config::load(&self.paths).map_err(Error::one)?;
        let themes = self.paths.root.join("themes");
        let theme_touched = changed.is_none_or(|c| c.iter().any(|p| p.starts_with(&themes)));
        if theme_touched || self.theme.as_ref().is_none_or(|(n, _)| *n != config.theme) {
            self.theme = None;
            self.theme = Some((config.theme.clone(), Theme::load(&config)?));
            self.theme_loads += 1;
        }
        let Some((_, theme)) = &self.theme else {
            return Err(Error::Usage("the theme could not be loaded".into()));
        };
        let (loaded, mut warnings) = load::load_reusing(config, &mut self.load, changed)?;
        let (reg, w) = Registry::build(loaded).map_err(|e| content_error(e, &warnings))?;
        warnings.extend(w);
        let urls = Urls::new(reg.config.lang, "", &reg.config.base_path);
        let prepared = render::prepare_reusing(&reg, theme, urls, Some(&mut self.markdown))
            .map_err(|e| content_error(e, &warnings))?;

        let good = self
            .good
            .as_ref()
            .filter(|g| g.theme_load == self.theme_loads);
        let changes = good.and_then(|g| {
            let plan = g.kept.as_ref()?.plan();
            page_changes(&g.reg, plan, &reg, &prepared.plan)
        });
        let jobs = affected_jobs(&prepared, changes.as_deref());
        let base = good.filter(|_| changes.is_some()).map(|g| &g.site);
        let (files, rendered) = render_jobs(&prepared, &jobs, &self.extra, base);
        let files = files.map_err(|e| content_error(e, &warnings))?;
        drop(changes);
        let total = prepared.plan.len();
        let kept = prepared.keep(&self.markdown);
        let pages = reg
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source.path.clone(), i))
            .collect();
        self.generation += 1;
        let site = Arc::new(Site {
            generation: self.generation,
            files,
            assets: theme.assets.clone(),
        });
        self.good = Some(Good {
            reg,
            kept: Some(kept),
            site: Arc::clone(&site),
            warnings: warnings.clone(),
            theme_load: self.theme_loads,
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

/// The outputs to render: those `changes` may alter, or all when `None`.
fn affected_jobs<'p>(
    prepared: &'p Prepared,
    changes: Option<&[PageChange]>,
) -> Vec<(&'p String, &'p Job)> {
    let pages = &prepared.reg.pages;
    match changes {
        Some(changes) => prepared
            .plan
            .iter()
            .filter(|(_, job)| {
                changes
                    .iter()
                    .any(|c| depends::affected(job, c, |i| &pages[i]))
            })
            .collect(),
        None => prepared.plan.iter().collect(),
    }
}

/// Renders `jobs` in parallel into a copy of `base`'s files (or a new set), and says how
/// many were rendered; on failure, every problem.
fn render_jobs(
    prepared: &Prepared,
    jobs: &[(&String, &Job)],
    extra: &Value,
    base: Option<&Arc<Site>>,
) -> (Result<HashMap<String, Content>, Vec<Diagnostic>>, usize) {
    let rendered: Vec<Result<(String, Content), Diagnostic>> = jobs
        .par_iter()
        .map(|(path, job)| {
            let content = match job {
                Job::Asset(file) => Content::File(file.clone()),
                _ => Content::Bytes(Arc::new(prepared.render(path, job, extra)?)),
            };
            Ok(((*path).clone(), content))
        })
        .collect();
    let mut files = match base {
        Some(site) => site.files.clone(),
        None => HashMap::with_capacity(prepared.plan.len()),
    };
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
        (Ok(files), jobs.len())
    } else {
        (Err(errors), jobs.len())
    }
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
    let same = |a: &crate::model::SourceFile, b: &crate::model::SourceFile| {
        Arc::ptr_eq(&a.text, &b.text) || a.text == b.text
    };
    let same_records = old_plan == new_plan
        && same(&old.config.source, &new.config.source)
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
        && old.pages.len() == new.pages.len();
    if !same_records {
        return None;
    }
    let mut changes = Vec::new();
    for (index, (o, n)) in old.pages.iter().zip(&new.pages).enumerate() {
        if o.source.path != n.source.path {
            return None;
        }
        if !same(&o.source, &n.source) {
            changes.push(PageChange {
                index,
                old: o,
                new: n,
                front: depends::front_matter(o) != depends::front_matter(n),
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
