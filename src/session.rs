//! One build session, for `build`, `check` and `serve` alike: load the current site and
//! its frozen versions and check them, prepare each (bodies, links, the plan of outputs),
//! tie them together (version switcher, what changed), and list the outputs to render.
//! What is done with the rendered bytes is the caller's: `build` writes them to a folder,
//! `serve` keeps them in memory. Both render every output through `Prepared::render_into`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, Paths};
use crate::error::{Diagnostic, Diagnostics, Error, Severity};
use crate::language::Shares;
use crate::load::LoadCache;
use crate::model::Registry;
use crate::output::Urls;
use crate::render::changes;
use crate::render::history::{self, History, Site};
use crate::render::job::Job;
use crate::render::plan::Around;
use crate::render::reuse::{Earlier, MarkdownCache};
use crate::render::theme::Theme;
use crate::render::{self, Prepared};
use crate::versions::Version;

/// The current site and its frozen versions, loaded and checked, with the one theme
/// they are all rendered with.
pub struct Sources {
    /// The versions oldest first, then the current site.
    pub regs: Vec<Registry>,
    pub versions: Vec<Version>,
    pub theme: Arc<Theme>,
    /// Warnings found loading and checking (errors fail the session instead).
    pub warnings: Vec<Diagnostic>,
}

impl Sources {
    pub fn current(&self) -> &Registry {
        // `load` always pushes the current site last.
        &self.regs[self.regs.len() - 1]
    }

    pub fn current_mut(&mut self) -> &mut Registry {
        let last = self.regs.len() - 1;
        &mut self.regs[last]
    }

    /// The records of the current site: what the summary line counts.
    pub fn records(&self) -> usize {
        let reg = self.current();
        reg.actors.len() + reg.initiatives.len() + reg.events.len() + reg.pages.len()
    }
}

/// What the preview keeps from one session to the next, so that a save costs what it
/// changed: the files read, the theme and the Markdown rendered (with its digests).
/// A one-off build has none of it.
#[derive(Default)]
pub struct Caches {
    load: LoadCache,
    versions: BTreeMap<String, LoadCache>,
    pub markdown: MarkdownCache,
    theme: Option<(String, Arc<Theme>)>,
    /// How many times a theme has been loaded: outputs rendered with another load of
    /// the theme are never reused.
    pub theme_loads: u64,
}

impl Caches {
    /// Reads again one page file of the current site that the last load found (see
    /// `LoadCache::reread_page`).
    pub fn reread_page(
        &mut self,
        config: &Config,
        path: &std::path::Path,
    ) -> Option<Result<crate::model::Page, Vec<Diagnostic>>> {
        self.load.reread_page(config, path)
    }

    /// The theme `config` names, loaded again only when a file under themes/ changed or
    /// the site names another.
    fn theme(
        &mut self,
        config: &Config,
        changed: Option<&BTreeSet<PathBuf>>,
    ) -> Result<Arc<Theme>, Error> {
        let themes = config.root.join("themes");
        let touched = changed.is_none_or(|c| c.iter().any(|p| p.starts_with(&themes)));
        match &self.theme {
            Some((name, theme)) if !touched && *name == config.theme => Ok(Arc::clone(theme)),
            _ => {
                self.theme = None;
                let theme = Arc::new(Theme::load(config)?);
                self.theme = Some((config.theme.clone(), Arc::clone(&theme)));
                self.theme_loads += 1;
                Ok(theme)
            }
        }
    }
}

/// Errors as a session reports them: with the warnings found so far, sorted by file.
pub fn content_error(errors: Vec<Diagnostic>, warnings: &[Diagnostic]) -> Error {
    let mut d = Diagnostics::default();
    d.extend(errors);
    d.extend(warnings.iter().cloned());
    Error::Content(d.sorted())
}

/// Where `load` reads the site from.
pub enum Loading<'c> {
    /// Every file, each page's fields taken from what an earlier build kept of them
    /// where its front matter is the same.
    Files(Arc<crate::load::Fronts>),
    /// The dev server's caches, reading again only the files in `changed` (all when
    /// `None`).
    Kept(&'c mut Caches, Option<&'c BTreeSet<PathBuf>>),
}

/// Reads and checks everything, going on past a broken file so that one run reports
/// every independent problem: the records, the references, the theme. When any of that
/// failed, the link checks (which need records and theme) run here too, so their
/// problems join the rest; otherwise `prepare` runs them.
pub fn load(paths: &Paths, from: Loading) -> Result<Sources, Error> {
    let ((reg, found), mut warnings, theme, caches, changed) = match from {
        // The theme is read and parsed while the files are: neither needs the other.
        Loading::Files(fronts) => {
            let theme = |config: &Config| Theme::load(config).map(Arc::new);
            let ((loaded, warnings), theme) = crate::load::load_all_beside(paths, fronts, theme)?;
            (Registry::check_all(loaded), warnings, theme, None, None)
        }
        Loading::Kept(caches, changed) => {
            let (loaded, warnings) =
                crate::load::load_all_reusing(paths, &mut caches.load, changed)?;
            let checked = Registry::check_all(loaded);
            let theme = caches.theme(&checked.0.config, changed);
            (checked, warnings, theme, Some(caches), changed)
        }
    };
    warnings.extend(found);
    let failed = warnings.iter().any(|d| d.severity == Severity::Error);
    let theme = match theme {
        Ok(theme) if !failed => theme,
        Ok(theme) => {
            let urls = Urls::new(reg.config.lang, "", &reg.config.base_path);
            let errors = render::prepare(&reg, &theme, urls)
                .err()
                .unwrap_or_default();
            return Err(content_error(errors, &warnings));
        }
        Err(e) => return Err(content_error(e.diagnostics().to_vec(), &warnings)),
    };
    let versions = crate::versions::list(&paths.root).map_err(|e| content_error(e, &warnings))?;
    let caches = caches.map(|c| &mut c.versions);
    let mut regs = crate::versions::load(paths, &reg.config, &versions, caches, changed)
        .map_err(|e| content_error(e, &warnings))?;
    regs.push(reg);
    Ok(Sources {
        regs,
        versions,
        theme,
        warnings,
    })
}

/// Prepares every site in parallel, then ties them together: the history every page's
/// version switcher reads, and what changed from each site to the next. `earlier` holds
/// the current site's bodies from an earlier run: the preview's cache, or what the
/// previous build stored.
pub fn prepare<'a>(
    sources: &'a Sources,
    earlier: Earlier,
) -> Result<Vec<Prepared<'a>>, Vec<Diagnostic>> {
    let names: Vec<String> = sources.versions.iter().map(|v| v.name.clone()).collect();
    let last = sources.regs.len() - 1;
    // Frozen versions take nothing from an earlier run, but spill where the site does.
    let spill = earlier.spill().cloned();
    let one = |i: usize, earlier: Earlier| {
        let reg = &sources.regs[i];
        let prefix = names
            .get(i)
            .map_or_else(String::new, |n| Urls::version_prefix(n));
        let urls = Urls::new(reg.config.lang, &prefix, &reg.config.base_path);
        let around = if names.is_empty() {
            Around::default()
        } else {
            history::around(&urls, i == last, &names)
        };
        render::prepare_in(reg, &sources.theme, urls, &around, earlier)
    };
    let (versions, current): (Vec<Result<Prepared, Vec<Diagnostic>>>, _) = rayon::join(
        || {
            (0..last)
                .into_par_iter()
                .map(|i| one(i, spill.clone().map_or(Earlier::Nothing, Earlier::Spilled)))
                .collect()
        },
        || one(last, earlier),
    );
    let mut prepared = Vec::new();
    let mut errors = Vec::new();
    for r in versions.into_iter().chain([current]) {
        match r {
            Ok(p) => prepared.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if names.is_empty() {
        return Ok(prepared);
    }
    let errors = history::reserved(&prepared[last]);
    if !errors.is_empty() {
        return Err(errors);
    }
    let all_changes: Vec<Option<changes::Changes>> = (0..prepared.len())
        .into_par_iter()
        .map(|i| Some(compare(&prepared[i.checked_sub(1)?], &prepared[i])))
        .collect();
    let mut list: Vec<Site> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| match sources.versions.get(i) {
            Some(v) => Site::of(p, Some(&v.name), Some(v.date), v.label.as_deref()),
            None => Site::of(p, None, None, None),
        })
        .collect();
    for (site, c) in list.iter_mut().zip(all_changes) {
        site.changes = c;
    }
    let history = Arc::new(History { sites: list });
    for (i, p) in prepared.iter_mut().enumerate() {
        p.history = Some((Arc::clone(&history), i));
    }
    Ok(prepared)
}

/// What changed from the site `before` to the site `after`.
pub fn compare(before: &Prepared, after: &Prepared) -> changes::Changes {
    changes::compare((before.reg, &before.urls), (after.reg, &after.urls))
}

/// Every output of every site, the long jobs first, so that no core is left waiting for
/// one at the end.
pub fn outputs<'p>(prepared: &'p [Prepared<'p>]) -> Vec<(&'p Prepared<'p>, &'p String, &'p Job)> {
    let mut plan: Vec<(&Prepared, &String, &Job)> = prepared
        .iter()
        .flat_map(|p| p.plan.iter().map(move |(path, job)| (p, path, job)))
        .collect();
    plan.sort_by_key(|(_, _, job)| job.cost());
    plan
}

/// Loads and prepares the whole site and reports every problem and warning, without
/// rendering anything: `mandat check`. Adds the warnings only `check` gives (pages no
/// link leads to).
pub fn check(paths: &Paths) -> Result<Vec<Diagnostic>, Error> {
    check_with_language(paths).map(|(warnings, _)| warnings)
}

/// `check`, with the share of each written standard on the published pages.
pub fn check_with_language(paths: &Paths) -> Result<(Vec<Diagnostic>, Shares), Error> {
    let sources = load(paths, Loading::Files(Default::default()))?;
    let (prepared, shares, found) = prepare_checked(&sources, Earlier::Nothing)?;
    let mut all = Diagnostics::default();
    all.extend(sources.warnings.iter().cloned());
    all.extend(found);
    if let Some(current) = prepared.last() {
        all.extend(crate::check::orphaned_pages(current));
        all.extend(crate::check::contact(current));
    }
    Ok((all.sorted(), shares))
}

/// A site prepared as every command needs it: `prepare`, then what a public body's site
/// is held to (`public_site`): the sites, the share of each written standard, and the
/// warnings found on it.
pub fn prepare_checked<'a>(
    sources: &'a Sources,
    earlier: Earlier,
) -> Result<(Vec<Prepared<'a>>, Shares, Vec<Diagnostic>), Error> {
    let prepared = prepare(sources, earlier).map_err(|e| content_error(e, &sources.warnings))?;
    let (shares, found) = public_site(&prepared, &sources.warnings)?;
    Ok((prepared, shares, found))
}

/// What a public body's site is held to, for `build` and `check`: the publisher is a
/// known actor and every text is in a standard the site lists (errors); the share of
/// each standard, the quota and texts that read as the other standard (warnings).
fn public_site(
    prepared: &[Prepared],
    warnings: &[Diagnostic],
) -> Result<(Shares, Vec<Diagnostic>), Error> {
    let Some(current) = prepared.last() else {
        return Ok((Shares::default(), Vec::new()));
    };
    let texts = crate::language::texts(current);
    let mut errors = crate::language::unlisted(current, &texts);
    errors.extend(crate::check::publisher(current));
    if !errors.is_empty() {
        return Err(content_error(errors, warnings));
    }
    let shares = crate::language::shares(current, &texts);
    let mut found = crate::language::warnings(current, &texts, &shares);
    found.extend(crate::advice::warnings(current.reg));
    Ok((shares, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The site in `content/`, loaded.
    fn real_site() -> Sources {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let paths = crate::config::resolve_paths(Some(root), None, None);
        load(&paths, Loading::Files(Default::default())).expect("the real site loads")
    }

    /// A build lets each page's text go once it has read the front matter (the real
    /// site's files were written well before the tests run: `fs::settled`), and reads
    /// it again only while it renders the body: no page's text is held once every page
    /// is written, and each file was found as it was read.
    #[test]
    fn a_build_holds_no_page_text() {
        // The real site, and the fixture whose pages have old addresses (`aliases:`).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        builds_holding_no_page_text(root);
        let aliased = builds_holding_no_page_text(&root.join("tests/fixtures/basic"));
        assert!(aliased > 0);
    }

    /// Builds the site at `root` as `a_build_holds_no_page_text` asks; how many of its
    /// pages have old addresses.
    fn builds_holding_no_page_text(root: &std::path::Path) -> usize {
        let paths = crate::config::resolve_paths(Some(root), None, None);
        let fronts = crate::load::Fronts::default().for_next_build(Default::default());
        let fronts = Arc::new(fronts);
        let sources = load(&paths, Loading::Files(Arc::clone(&fronts))).expect("loads");
        let reg = sources.current();
        let held = || {
            reg.pages
                .iter()
                .filter(|p| !p.source.text.is_unread())
                .count()
        };
        assert_eq!(held(), 0, "let go once loaded");
        let (prepared, ..) = prepare_checked(&sources, Earlier::Nothing).expect("prepared");
        let current = &prepared[prepared.len() - 1];
        let mut contexts = render::Contexts::default();
        let mut out = Vec::new();
        for (path, job) in &current.plan {
            current
                .render_into(&mut contexts, path, job, &serde_json::json!({}), &mut out)
                .expect("rendered");
        }
        assert_eq!(held(), 0, "not held once the pages are written");
        assert!(fronts.changed().is_none());
        assert!(fronts.let_go().read() >= reg.pages.len());
        reg.pages
            .iter()
            .filter(|p| !p.meta.aliases.is_empty())
            .count()
    }

    /// A one-off build lets pages' HTML go after taking their digests, and renders each
    /// again when it writes the page: what it renders then is what the dev server, which
    /// keeps every body, shows.
    #[test]
    fn a_released_body_is_rendered_again_as_it_was() {
        let sources = real_site();
        let released = prepare(&sources, Earlier::Nothing).expect("prepared");
        let mut cache = MarkdownCache::default();
        let kept = prepare(&sources, Earlier::Kept(&mut cache)).expect("prepared");
        let (released, kept) = (&released[released.len() - 1], &kept[kept.len() - 1]);
        let mut pages = 0;
        for (key, r) in &released.bodies {
            let k = &kept.bodies[key];
            assert!(!k.released, "{key}: the dev server keeps its bodies");
            assert_eq!(r.released, key.starts_with("page:"), "{key}: only pages go");
            assert_eq!(released.body_html(key, r), kept.body_html(key, k), "{key}");
            assert_eq!(r.digest.tally, k.digest.tally, "{key}");
            assert_eq!(r.digest.terms, k.digest.terms, "{key}");
            assert_eq!(r.digest.excerpt, k.digest.excerpt, "{key}");
            pages += usize::from(r.released && !k.html.is_empty());
        }
        assert!(pages >= 5, "the real site's pages have bodies: {pages}");
        // An excerpt is kept only where search results show it: pages without a summary.
        let reg = sources.current();
        for (i, page) in reg.pages.iter().enumerate() {
            let Some(r) = released.bodies.get(&format!("page:{i}")) else {
                continue;
            };
            let shown = page.meta.summary.is_none() && !page.with_body(|b| b.trim().is_empty());
            assert_eq!(!r.digest.excerpt.is_empty(), shown, "{}", page.source.path);
        }
        let embeds = released.bodies.values().filter(|r| !r.embeds.is_empty());
        assert!(embeds.count() > 0, "and one has an embed");
    }

    /// A build puts the HTML it lets go in a file beside its output and reads each body
    /// back when it writes the page: what it reads is what rendering the body again, and
    /// the dev server, give; for its frozen versions too.
    #[cfg(unix)]
    #[test]
    fn a_spilled_body_is_read_back_as_it_was_rendered() {
        use crate::render::reuse::Stored;
        let sources = real_site();
        let dir = tempfile::tempdir().expect("temp dir");
        let spill = crate::render::spill::Spill::beside(&dir.path().join("output"));
        let spill = Arc::new(spill.expect("a spill file"));
        let mut stored = Stored::default();
        stored.spill = Some(Arc::clone(&spill));
        let spilled = prepare(&sources, Earlier::Stored(&mut stored)).expect("prepared");
        let again = prepare(&sources, Earlier::Nothing).expect("prepared");
        let mut cache = MarkdownCache::default();
        let kept = prepare(&sources, Earlier::Kept(&mut cache)).expect("prepared");
        let (spilled, again) = (&spilled[spilled.len() - 1], &again[again.len() - 1]);
        let kept = &kept[kept.len() - 1];
        let mut read_back = 0;
        for (key, r) in &spilled.bodies {
            let page = key.starts_with("page:");
            assert_eq!(r.released, page, "{key}: only pages go");
            assert_eq!(
                r.spilled.is_some(),
                page,
                "{key}: and every page is spilled"
            );
            assert!(
                again.bodies[key].spilled.is_none(),
                "{key}: not without a file"
            );
            let html = kept.body_html(key, &kept.bodies[key]);
            if let Some(at) = r.spilled {
                assert_eq!(spill.get(at).as_deref(), Some(&*html), "{key}: in the file");
                let read = spilled.spilled_html(r);
                assert_eq!(read.as_deref(), Some(&*html), "{key}: and read from it");
                read_back += usize::from(!html.is_empty());
            }
            assert_eq!(spilled.body_html(key, r), html, "{key}");
            assert_eq!(again.body_html(key, &again.bodies[key]), html, "{key}");
        }
        assert!(
            read_back >= 5,
            "the real site's pages are read back: {read_back}"
        );
        // Its frozen versions spill too, and read back what rendering again gives.
        let (all, again_all) = (
            prepare(&sources, Earlier::Stored(&mut stored)).expect("prepared"),
            prepare(&sources, Earlier::Nothing).expect("prepared"),
        );
        assert!(all.len() > 1, "the real site has a frozen version");
        let mut frozen = 0;
        for (site, again) in all.iter().zip(&again_all).take(all.len() - 1) {
            for (key, r) in &site.bodies {
                if !key.starts_with("page:") {
                    continue;
                }
                let html = again.body_html(key, &again.bodies[key]);
                let read = site.spilled_html(r);
                assert_eq!(read.as_deref(), Some(&*html), "{key} in a version");
                frozen += usize::from(!html.is_empty());
            }
        }
        assert!(frozen >= 5, "the version's pages are read back: {frozen}");
    }

    /// A build stores its pages' bodies without their HTML, and the next build takes
    /// each back as it was rendered (links, headings, embeds, digest), so that the site
    /// it prepares is the one rendering every body again gives.
    #[test]
    fn stored_bodies_are_taken_back_as_they_were_rendered() {
        use crate::render::reuse::Stored;
        let sources = real_site();
        let mut first = Stored::default();
        let fresh = prepare(&sources, Earlier::Stored(&mut first)).expect("prepared");
        let pages = sources.current().pages.len();
        assert_eq!(
            first.counts(),
            (pages, 0),
            "the first build renders every page"
        );
        let mut file = Vec::new();
        first.write(&mut file).expect("written");
        let text = String::from_utf8(file).expect("UTF-8");
        assert_eq!(text.lines().count(), pages);
        assert!(!text.contains("<p>"), "stored without their HTML");

        let mut second = Stored::read(text.as_bytes(), 0);
        let again = prepare(&sources, Earlier::Stored(&mut second)).expect("prepared");
        assert_eq!(second.counts(), (pages, pages), "the next takes every page");
        // The dev server keeps every body's HTML as it rendered it.
        let mut cache = MarkdownCache::default();
        let kept = prepare(&sources, Earlier::Kept(&mut cache)).expect("prepared");
        let (fresh, again) = (&fresh[fresh.len() - 1], &again[again.len() - 1]);
        let kept = &kept[kept.len() - 1];
        for (key, r) in &fresh.bodies {
            let taken = &again.bodies[key];
            assert_eq!(format!("{r:?}"), format!("{taken:?}"), "{key}");
            assert_eq!(taken.released, key.starts_with("page:"), "{key}");
            let html = kept.body_html(key, &kept.bodies[key]);
            assert_eq!(again.body_html(key, taken), html, "{key}");
        }

        // A line that cannot be read (cut off, written by hand) costs its page only.
        let cut = text.lines().enumerate().map(|(i, l)| match i {
            0 => &l[..l.len() / 2],
            1 => "nonsense",
            _ => l,
        });
        let cut = cut.map(|l| format!("{l}\n")).collect::<String>();
        let mut damaged = Stored::read(cut.as_bytes(), 0);
        prepare(&sources, Earlier::Stored(&mut damaged)).expect("prepared");
        assert_eq!(damaged.counts(), (pages, pages - 2));
    }

    /// A page whose text changed, or which starts on another line of its file (its links'
    /// places differ), is rendered again; the others are taken.
    #[test]
    fn a_stored_body_is_not_taken_for_a_page_whose_text_or_place_changed() {
        use crate::render::reuse::Stored;
        let mut sources = real_site();
        let (text, words) = {
            let mut first = Stored::default();
            let fresh = prepare(&sources, Earlier::Stored(&mut first)).expect("prepared");
            let mut file = Vec::new();
            first.write(&mut file).expect("written");
            let words = fresh[fresh.len() - 1].bodies["page:0"].digest.tally.words;
            (String::from_utf8(file).expect("UTF-8"), words)
        };
        let reg = sources.regs.last_mut().expect("a site");
        let pages = reg.pages.len();
        let edited = &mut reg.pages[0].source;
        edited.text = format!("{}\n\nTre nye ord.\n", &*edited.text).into();
        reg.pages[1].source.body_line += 1;
        let mut stored = Stored::read(text.as_bytes(), 0);
        let prepared = prepare(&sources, Earlier::Stored(&mut stored)).expect("prepared");
        assert_eq!(stored.counts(), (pages, pages - 2));
        let body = &prepared[prepared.len() - 1].bodies["page:0"];
        assert_eq!(
            body.digest.tally.words,
            words + 3,
            "the edited text is read"
        );
    }
}
