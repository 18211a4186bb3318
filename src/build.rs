//! `load()` then `build()`: everything is read and validated, every body rendered and
//! every link checked before one byte is written; then the site is rendered into a
//! scratch folder beside the output and swapped into place.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::config::Paths;
use crate::error::{Diagnostic, Diagnostics, Error};
use crate::model::Registry;
use crate::output::{file_for, Urls};
use crate::render::theme::Theme;
use crate::render::{self, Job};

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
            "built {} pages ({} files) from {} records, {} versions, in {} ms into {}",
            self.pages,
            self.files,
            self.records,
            self.versions,
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
}

/// Loads and checks the whole site without writing anything.
pub fn check(paths: &Paths) -> Result<Vec<Diagnostic>, Error> {
    let (reg, theme, mut warnings) = load(paths)?;
    let urls = Urls::new(reg.config.lang, "", &reg.config.base_path);
    render::prepare(&reg, &theme, urls).map_err(|e| content_error(e, &warnings))?;
    warnings.sort_by(|a, b| (&a.path, &a.location).cmp(&(&b.path, &b.location)));
    Ok(warnings)
}

/// Errors as the build reports them: with the warnings found so far, sorted by file.
pub(crate) fn content_error(errors: Vec<Diagnostic>, warnings: &[Diagnostic]) -> Error {
    let mut d = Diagnostics::default();
    d.extend(errors);
    d.extend(warnings.iter().cloned());
    Error::Content(d.sorted())
}

fn load(paths: &Paths) -> Result<(Registry, Theme, Vec<Diagnostic>), Error> {
    let (loaded, mut warnings) = crate::load::load(paths)?;
    let (reg, w) = Registry::build(loaded).map_err(|e| content_error(e, &warnings))?;
    warnings.extend(w);
    let theme = Theme::load(&reg.config)?;
    Ok((reg, theme, warnings))
}

pub fn build(paths: &Paths, options: &BuildOptions) -> Result<Summary, Error> {
    let started = Instant::now();
    check_output_folder(paths)?;
    let (reg, theme, warnings) = load(paths)?;
    let urls = Urls::new(reg.config.lang, "", &reg.config.base_path);
    let prepared = render::prepare(&reg, &theme, urls).map_err(|e| content_error(e, &warnings))?;

    let staging = crate::fs::staging_dir(&paths.out);
    crate::fs::remove_dir_if_exists(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, "create the folder", &e))?;
    let extra = options.extra.clone().unwrap_or_else(|| json!({}));

    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let total = prepared.plan.len();
    let show = options.progress && std::io::stderr().is_terminal();
    let results: Vec<Result<(), Error>> = std::thread::scope(|s| {
        if show {
            s.spawn(|| progress(&done, &finished, total));
        }
        let r = prepared
            .plan
            .par_iter()
            .map(|(path, job)| {
                let bytes = prepared.render(path, job, &extra).map_err(Error::one)?;
                crate::fs::write(&file_for(&staging, path), &bytes)?;
                done.fetch_add(1, Ordering::Relaxed);
                Ok(())
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        r
    });
    let mut errors = Diagnostics::default();
    for r in results {
        if let Err(e) = r {
            errors.extend(e.diagnostics().iter().cloned());
        }
    }
    if errors.has_errors() {
        crate::fs::remove_dir_if_exists(&staging);
        return Err(content_error(errors.items, &warnings));
    }
    crate::fs::write(
        &staging.join(MARKER),
        b"This folder is written by `mandat build` and replaced whole by the next build.\n",
    )?;
    crate::fs::swap_into_place(&staging, &paths.out)
        .inspect_err(|_| crate::fs::remove_dir_if_exists(&staging))?;

    let pages = prepared
        .plan
        .values()
        .filter(|j| j.is_html() || matches!(j, Job::NotFound))
        .count();
    let events = reg.events.len();
    Ok(Summary {
        pages,
        files: total,
        records: reg.actors.len() + reg.initiatives.len() + events + reg.pages.len(),
        versions: 0,
        millis: started.elapsed().as_millis(),
        warnings,
    })
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
