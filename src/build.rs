//! `load()` then `build()`: everything is read and validated, every body rendered and
//! every link checked before one byte is written; then the site is rendered into a
//! scratch folder beside the output and swapped into place.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::config::Paths;
use crate::error::{Diagnostic, Diagnostics, Error, Severity};
use crate::model::Registry;
use crate::output::{file_for, Urls};
use crate::render::changes;
use crate::render::history::{self, History, Site};
use crate::render::theme::Theme;
use crate::render::{self, Around, Job, Prepared};
use crate::versions::Version;

/// Marks a folder as one mandat wrote, so it may be replaced by the next build.
pub const MARKER: &str = ".mandat-output";

#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub records: usize,
    pub versions: usize,
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
}

impl Summary {
    pub fn line(&self, out: &Path) -> String {
        format!(
            "built {} pages ({} files) from {} records, {} version{}, in {} ms into {}",
            self.pages,
            self.files,
            self.records,
            self.versions,
            if self.versions == 1 { "" } else { "s" },
            self.millis,
            out.display()
        )
    }
}

/// Options that change what is written, not what is checked.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Extra values for every template (the dev server's live-reload script).
    pub extra: Option<Value>,
    /// Show progress on a terminal when the build takes more than a second.
    pub progress: bool,
    /// Leave the previous output's removal to a process of its own (the command line);
    /// otherwise it is removed before `build` returns.
    pub remove_in_background: bool,
}

/// Loads and checks the whole site, with its versions, without writing anything: every
/// problem, and warnings (actors nothing refers to, pages nothing links to).
pub fn check(paths: &Paths) -> Result<Vec<Diagnostic>, Error> {
    let sites = load(paths)?;
    let prepared = prepare_all(&sites).map_err(|e| content_error(e, &sites.warnings))?;
    let mut all = Diagnostics::default();
    all.extend(sites.warnings.iter().cloned());
    if let Some(current) = prepared.last() {
        all.extend(crate::check::orphaned_pages(current));
    }
    Ok(all.sorted())
}

/// Errors as the build reports them: with the warnings found so far, sorted by file.
pub(crate) fn content_error(errors: Vec<Diagnostic>, warnings: &[Diagnostic]) -> Error {
    let mut d = Diagnostics::default();
    d.extend(errors);
    d.extend(warnings.iter().cloned());
    Error::Content(d.sorted())
}

/// The current site and its frozen versions, loaded and checked, with the one theme
/// they are all rendered with.
struct Sites {
    /// The versions oldest first, then the current site.
    regs: Vec<Registry>,
    versions: Vec<Version>,
    theme: Theme,
    warnings: Vec<Diagnostic>,
}

/// Reads and checks everything, going on past a broken file so that one run reports
/// every independent problem: the records, the references, the theme. When any of that
/// failed, the link checks (which need records and theme) run here too, so their
/// problems join the rest; otherwise the caller runs them as it prepares the build.
fn load(paths: &Paths) -> Result<Sites, Error> {
    let (loaded, mut warnings) = crate::load::load_all(paths)?;
    let (reg, found) = Registry::check_all(loaded);
    warnings.extend(found);
    let failed = warnings.iter().any(|d| d.severity == Severity::Error);
    let theme = match Theme::load(&reg.config) {
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
    let mut regs = crate::versions::load(paths, &reg.config, &versions)
        .map_err(|e| content_error(e, &warnings))?;
    regs.push(reg);
    Ok(Sites {
        regs,
        versions,
        theme,
        warnings,
    })
}

/// Prepares every site in parallel, then ties them together: the history every page's
/// version switcher reads, and what changed from each site to the next.
fn prepare_all(sites: &Sites) -> Result<Vec<Prepared<'_>>, Vec<Diagnostic>> {
    let names: Vec<String> = sites.versions.iter().map(|v| v.name.clone()).collect();
    let last = sites.regs.len() - 1;
    let results: Vec<Result<Prepared, Vec<Diagnostic>>> = sites
        .regs
        .par_iter()
        .enumerate()
        .map(|(i, reg)| {
            let prefix = names
                .get(i)
                .map_or_else(String::new, |n| Urls::version_prefix(n));
            let urls = Urls::new(reg.config.lang, &prefix, &reg.config.base_path);
            let around = if names.is_empty() {
                Around::default()
            } else {
                history::around(&urls, i == last, &names)
            };
            render::prepare_in(reg, &sites.theme, urls, &around, None)
        })
        .collect();
    let mut prepared = Vec::new();
    let mut errors = Vec::new();
    for r in results {
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
    errors.extend(history::reserved(&prepared[last]));
    if !errors.is_empty() {
        return Err(errors);
    }
    let all_changes: Vec<Option<changes::Changes>> = (0..prepared.len())
        .into_par_iter()
        .map(|i| {
            let before = i.checked_sub(1)?;
            let (a, b) = (&prepared[before], &prepared[i]);
            Some(changes::compare((a.reg, &a.urls), (b.reg, &b.urls)))
        })
        .collect();
    let mut list: Vec<Site> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| match sites.versions.get(i) {
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

pub fn build(paths: &Paths, options: &BuildOptions) -> Result<Summary, Error> {
    let started = Instant::now();
    let mut phases = Phases::new(started);
    check_output_folder(paths)?;
    let sites = load(paths)?;
    phases.done("load and check records");
    let warnings = &sites.warnings;
    let prepared = prepare_all(&sites).map_err(|e| content_error(e, warnings))?;
    phases.done("render bodies, check links");
    let mut plan: Vec<(&Prepared, &String, &Job)> = prepared
        .iter()
        .flat_map(|p| p.plan.iter().map(move |(path, job)| (p, path, job)))
        .collect();
    // The long jobs first, so that no core is left waiting for one at the end.
    plan.sort_by_key(|(_, _, job)| match job {
        Job::SearchIndex | Job::Roles | Job::Timeline => 0,
        Job::Home
        | Job::Tag(_)
        | Job::Section(..)
        | Job::Records
        | Job::Sitemap
        | Job::Calendar
        | Job::Atom => 1,
        _ => 2,
    });

    let staging = crate::fs::staging_dir(&paths.out);
    crate::fs::remove_dir_if_exists(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, "create the folder", &e))?;
    let extra = options.extra.clone().unwrap_or_else(|| json!({}));
    // The previous output (a folder mandat wrote: checked above), whose unchanged files
    // the new one links to instead of writing them again.
    let previous = paths.out.join(MARKER).is_file().then_some(&paths.out);

    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let total = plan.len();
    let show = options.progress && std::io::stderr().is_terminal();
    let results: Vec<Result<(), Error>> = std::thread::scope(|s| {
        if show {
            s.spawn(|| progress(&done, &finished, total));
        }
        let r = plan
            .par_iter()
            .map_init(
                || (render::Contexts::default(), Vec::with_capacity(64 * 1024)),
                |(contexts, bytes), (prepared, path, job)| {
                    let began = phases.on().then(Instant::now);
                    prepared
                        .render_into(contexts, path, job, &extra, bytes)
                        .map_err(Error::one)?;
                    if let Some(began) = began {
                        phases.job(path, began.elapsed());
                    }
                    let old = previous.map(|p| file_for(p, path));
                    crate::fs::write_or_link(&file_for(&staging, path), bytes, old.as_deref())?;
                    done.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                },
            )
            .collect();
        finished.store(true, Ordering::Relaxed);
        r
    });
    phases.done("render and write pages");
    phases.slowest();
    let mut errors = Diagnostics::default();
    for r in results {
        if let Err(e) = r {
            errors.extend(e.diagnostics().iter().cloned());
        }
    }
    if errors.has_errors() {
        crate::fs::remove_dir_if_exists(&staging);
        return Err(content_error(errors.items, warnings));
    }
    crate::fs::write(
        &staging.join(MARKER),
        b"This folder is written by `mandat build` and replaced whole by the next build.\n",
    )?;
    let old = crate::fs::swap_into_place(&staging, &paths.out)
        .inspect_err(|_| crate::fs::remove_dir_if_exists(&staging))?;
    if options.remove_in_background {
        crate::fs::remove_in_background(&paths.out, old);
    } else if let Some(old) = old {
        crate::fs::remove_previous_outputs(&[old]);
    }
    phases.done("swap into place");

    let pages = plan
        .iter()
        .filter(|(_, _, j)| j.is_html() || matches!(j, Job::NotFound))
        .count();
    let reg = &sites.regs[sites.regs.len() - 1];
    Ok(Summary {
        pages,
        files: total,
        records: reg.actors.len() + reg.initiatives.len() + reg.events.len() + reg.pages.len(),
        versions: sites.versions.len(),
        millis: started.elapsed().as_millis(),
        warnings: sites.warnings.clone(),
    })
}

/// With `MANDAT_TIMINGS` set, how long each phase of the build took, on standard error:
/// for profiling, not part of the command line's contract.
struct Phases {
    last: Option<Instant>,
    /// How long each output took to render, when on.
    jobs: std::sync::Mutex<Vec<(Duration, String)>>,
}

impl Phases {
    fn new(started: Instant) -> Self {
        let on = std::env::var_os("MANDAT_TIMINGS").is_some_and(|v| !v.is_empty());
        Phases {
            last: on.then_some(started),
            jobs: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn on(&self) -> bool {
        self.last.is_some()
    }

    fn job(&self, path: &str, took: Duration) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.push((took, path.to_owned()));
        }
    }

    /// The outputs that took longest to render.
    fn slowest(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.sort_by_key(|j| std::cmp::Reverse(j.0));
            for (took, path) in jobs.iter().take(5) {
                eprintln!("{:>6} ms    {path}", took.as_millis());
            }
            // And by kind: the first part of the address.
            let mut kinds: BTreeMap<&str, (Duration, usize)> = BTreeMap::new();
            for (took, path) in jobs.iter() {
                let kind = path.trim_start_matches('/').split('/').next().unwrap_or("");
                let k = kinds.entry(kind).or_default();
                k.0 += *took;
                k.1 += 1;
            }
            let mut kinds: Vec<_> = kinds.into_iter().collect();
            kinds.sort_by_key(|k| std::cmp::Reverse((k.1).0));
            for (kind, (took, n)) in kinds.iter().take(8) {
                eprintln!("{:>6} ms    /{kind}/… ({n} files)", took.as_millis());
            }
        }
    }

    fn done(&mut self, what: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!("{:>6} ms  {what}", (now - last).as_millis());
            self.last = Some(now);
        }
    }
}

fn progress(done: &AtomicUsize, finished: &AtomicBool, total: usize) {
    let start = Instant::now();
    let mut shown = false;
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        if start.elapsed() > Duration::from_secs(1) {
            eprint!("\rwriting {}/{total} files", done.load(Ordering::Relaxed));
            shown = true;
        }
    }
    if shown {
        eprint!("\r\x1b[2K");
    }
}

/// Refuses an output folder the swap would destroy: the site itself, a folder holding
/// it, or a folder mandat did not write.
fn check_output_folder(paths: &Paths) -> Result<(), Error> {
    crate::fs::check_output(&paths.root, &paths.out)?;
    let out = &paths.out;
    let root = &paths.root;
    if root.starts_with(out)
        || out.starts_with(root.join("content"))
        || out.starts_with(root.join("themes"))
    {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it would replace the site's own files; choose another --out folder",
            out.display()
        )));
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::Usage(format!(
                "refusing to replace {}: it holds files mandat did not write; empty it, remove it or choose another --out folder",
                out.display()
            )));
        }
    }
    Ok(())
}
