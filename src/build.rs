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

use crate::cache::Written;
use crate::config::Paths;
use crate::error::{Diagnostic, Diagnostics, Error};
use crate::fs::write_error;
use crate::fs::MARKER;
use crate::output::file_below;
use crate::render::reuse::Earlier;
use crate::render::{self, job::Job};
use crate::session::{self, content_error, Loading};
use crate::summary::Summary;

/// Options that change what is written, not what is checked.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Extra values for every template (the dev server's live-reload script).
    pub extra: Option<Value>,
    /// Show progress on a terminal when the build takes more than a second.
    pub progress: bool,
    /// The process ends after this build (the command line): the previous output's
    /// removal is left to a process of its own, and what the build read and made to the
    /// system, which takes it back at once rather than piece by piece (some 50 ms at
    /// 10,000 pages). Otherwise (the dev server) both are done before `build` returns.
    pub one_off: bool,
    /// Render every output, whatever the build cache says is unchanged (`--no-cache`).
    pub no_cache: bool,
}

pub fn build(paths: &Paths, options: &BuildOptions) -> Result<Summary, Error> {
    let started = Instant::now();
    let mut phases = Phases::new(started);
    check_output_folder(paths)?;
    // Held until the new output is in place: no other build swaps its output in while
    // this one links files from the previous one.
    let _lock = crate::fs::lock_output(&paths.out, || {
        eprintln!(
            "waiting for another build into {} to finish…",
            paths.out.display()
        )
    })?;
    let extra = options.extra.clone().unwrap_or_else(|| json!({}));
    // Every file this build reads and what else changes what it writes; and what the
    // previous build into this folder read and reported.
    let ((fingerprint, content_files), mut before) = rayon::join(
        || {
            let options = [&extra.to_string(), paths.base_url.as_deref().unwrap_or("")];
            crate::cache::fingerprint(&paths.root, &options)
        },
        || crate::cache::previous(&paths.out).filter(|_| !options.no_cache),
    );
    // Nothing read has changed: then nothing is built, if the output is as it was left.
    if let Some(before) = before.take_if(|b| b.is_for(&fingerprint) && b.intact(&paths.out)) {
        let mut summary = before.into_summary();
        phases.done("nothing changed since the previous build");
        summary.millis = started.elapsed().as_millis();
        return Ok(summary);
    }
    phases.done("compare the files with the previous build's");
    // What the previous build kept of its pages: their front matter for the load, and
    // their bodies, read while the site loads (`--no-cache`: nothing).
    let earlier = (!options.no_cache).then_some(paths.out.as_path());
    let (loaded, mut stored) = rayon::join(
        || {
            let kept = earlier.map(crate::cache::stored_fronts).unwrap_or_default();
            let fronts = Arc::new(kept.for_next_build(content_files));
            (
                session::load(paths, Loading::Files(Arc::clone(&fronts))),
                fronts,
            )
        },
        || earlier.map(crate::cache::stored_bodies).unwrap_or_default(),
    );
    let (sources, fronts) = loaded;
    fronts.loaded();
    let sources = sources.map_err(|e| changed_first(e, &fronts, &paths.out))?;
    phases.done("load and check records");
    if phases.on() {
        let pages = sources.regs.last().map_or(0, |r| r.pages.len());
        let (taken, _) = fronts.taken();
        eprintln!("{taken} of {pages} pages' front matter taken from the previous build");
    }
    let warnings = &sources.warnings;
    stored.spill = crate::render::spill::Spill::beside(&paths.out).map(Arc::new);
    let (prepared, language, found) =
        session::prepare_checked(&sources, Earlier::Stored(&mut stored))
            .map_err(|e| changed_first(e, &fronts, &paths.out))?;
    phases.done("render bodies, check links");
    if phases.on() {
        let (pages, taken) = stored.counts();
        eprintln!("{taken} of {pages} pages' bodies taken from the previous build");
    }
    let plan = session::outputs(&prepared);

    let staging = crate::fs::staging_dir(&paths.out);
    crate::fs::remove_dir_if_exists(&staging);
    let new = crate::fs::Folder::create(&staging)
        .map_err(|e| Error::io(&staging, "create the folder", &e))?;
    // The previous output (a folder mandat wrote: checked above), whose unchanged files
    // the new one links to instead of writing them again.
    let previous = paths.out.join(MARKER).is_file().then_some(&paths.out);
    let from = previous.and_then(|p| crate::fs::Folder::open(p).ok());
    // Every file of the new output is put there so: linked from the previous output if
    // it holds these bytes, else written; and recorded as put there, for the cache.
    let put = |rel: &str, bytes: &[u8], from: Option<&crate::fs::Folder>| {
        let stat = new
            .write_or_take(rel, bytes, from)
            .map_err(|e| write_error(&new.path_of(rel), "write the file", &e))?;
        Ok::<_, Error>((rel.to_owned(), stat))
    };
    // Which outputs are as the previous output has them, by what it was made from. The
    // output is about to be replaced: its manifest goes first (a build that failed on
    // the content before this point keeps it, and the next build its cache).
    let mut before = before.filter(|_| previous.is_some() && crate::cache::forget(&paths.out));
    // Its files as its build left them: a file still so is linked from it.
    let left = before
        .as_mut()
        .map(crate::cache::Manifest::take_files)
        .unwrap_or_default();
    let inputs = crate::cache::Inputs::of(&sources, &prepared, &extra);
    let unchanged = inputs.unchanged(before.as_ref(), &prepared, &plan);
    // What the previous build's pages were is not needed again: let go now (beside the
    // work, as it is 100,000 small pieces at 100,000 pages), not held through the peak.
    if let Some(before) = before {
        rayon::spawn(move || drop(before));
    }
    phases.done("compare with the build cache");
    if phases.on() {
        let n = unchanged.iter().filter(|u| **u).count();
        eprintln!(
            "{n} of {} outputs unchanged since the previous build",
            plan.len()
        );
    }

    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let total = plan.len();
    let show = options.progress && std::io::stderr().is_terminal();
    let results: Vec<Result<Option<crate::cache::OutputFile>, Error>> = std::thread::scope(|s| {
        if show {
            s.spawn(|| progress(&done, &finished, total));
        }
        // The unchanged outputs are linked from the previous output while what several
        // outputs share (the search index) is made: the one is mostly the system's work,
        // the other the processors'.
        let (linked, ()): (Vec<Option<_>>, ()) = rayon::join(
            || {
                plan.par_iter()
                    .zip(&unchanged)
                    .map(|((_, path, _), unchanged)| {
                        let from = from.as_ref().filter(|_| *unchanged)?;
                        let kept = Written::keep(&left, from, &new, &file_below(path))?;
                        done.fetch_add(1, Ordering::Relaxed);
                        Some(kept)
                    })
                    .collect()
            },
            || {
                // What the previous build's search indexes were made of, for each to
                // patch its own: read here, beside the linking, as only they need it.
                let before = earlier.map(crate::cache::stored_search).unwrap_or_default();
                render::search_from(&prepared, before);
                for p in &prepared {
                    p.ready();
                }
            },
        );
        phases.done("search index, and unchanged outputs linked");
        if phases.on() {
            let (taken, docs) = prepared
                .iter()
                .filter_map(|p| p.search_index.get())
                .fold((0, 0), |(t, d), i| (t + i.taken, d + i.layout.docs));
            eprintln!("{taken} of {docs} search documents' words taken from the previous build");
        }
        // What the search indexes were made of, for the next build (good whatever this
        // one's end: it describes the index of the documents it names).
        let made: Vec<(String, crate::render::search::State)> = prepared
            .iter()
            .filter_map(|p| Some((p.urls.search(), p.search_state.lock().ok()?.take()?)))
            .collect();
        s.spawn(move || crate::cache::store_search(&paths.out, &made));
        // This build's pages' bodies and fields, for the next build (good whatever this
        // one's end), written while the pages are: not to slow what they all wait for.
        // Not if a page's body was rendered from a file that changed since the previous
        // build read it: its key says the text that build read (`FileText::unread`).
        s.spawn(|| {
            if fronts.changed().is_none() {
                crate::cache::store_bodies(&paths.out, &stored);
            }
        });
        s.spawn(|| crate::cache::store_fronts(&paths.out, &fronts, &sources));
        let r = plan
            .par_iter()
            .zip(linked)
            .map_init(
                || (render::Contexts::default(), Vec::with_capacity(64 * 1024)),
                |(contexts, bytes), ((prepared, path, job), linked)| {
                    if let Some(file) = linked {
                        return Ok(Some(file));
                    }
                    let began = phases.on().then(Instant::now);
                    prepared
                        .render_into(contexts, path, job, &extra, bytes)
                        .map_err(Error::one)?;
                    if let Some(began) = began {
                        phases.job(path, began.elapsed());
                    }
                    let file = put(&file_below(path), bytes, from.as_ref())?;
                    done.fetch_add(1, Ordering::Relaxed);
                    Ok(Some(file))
                },
            )
            .collect();
        finished.store(true, Ordering::Relaxed);
        r
    });
    phases.done("render and write pages");
    drop(from);
    phases.slowest();
    if phases.on() {
        let pages = sources.regs.last().map_or(0, |r| r.pages.len());
        let (_, unread) = fronts.taken();
        eprintln!("{unread} of {pages} pages' files not read: as the previous build read them");
    }
    let mut errors = Diagnostics::default();
    if let Some(changed) = changed_while_built(&fronts, &paths.out) {
        errors.push(changed);
    }
    // What each file is as it was put in the output, for the build cache.
    let mut written = Written::default();
    for r in results {
        match r {
            Ok(file) => written.add(file),
            Err(e) => errors.extend(e.diagnostics().iter().cloned()),
        }
    }
    if errors.has_errors() {
        // The folder's open files let go first: removing the new output needs some.
        drop(new);
        crate::fs::remove_dir_if_exists(&staging);
        return Err(content_error(errors.items, warnings));
    }
    // The old addresses as nginx rules, for deploy/nginx.conf (hidden from readers).
    if let Some(current) = prepared.last() {
        let rules = render::aliases::nginx(current);
        written.add(Some(put(
            render::aliases::REDIRECTS_FILE,
            rules.as_bytes(),
            None,
        )?));
    }
    let marker =
        b"This folder is written by `mandat build` and replaced whole by the next build.\n";
    written.add(Some(put(MARKER, marker, None)?));
    drop(new);
    let old = crate::fs::swap_into_place(&staging, &paths.out)
        .inspect_err(|_| crate::fs::remove_dir_if_exists(&staging))?;
    phases.done("swap into place");

    let pages = plan
        .iter()
        .filter(|(_, _, j)| j.is_html() || matches!(j, Job::NotFound))
        .count();
    let summary = Summary {
        pages,
        files: total,
        records: sources.records(),
        versions: sources.versions.len(),
        millis: started.elapsed().as_millis(),
        warnings: {
            let mut all = Diagnostics::default();
            all.extend(sources.warnings.iter().cloned().chain(found));
            all.sorted()
        },
        language,
        images: crate::images::counts(),
    };
    let stored_cache = crate::cache::store(&paths.out, inputs, fingerprint, &summary, written);
    phases.done("store the build cache");
    // Last, so that it does not take the processors from the work above.
    if options.one_off {
        crate::fs::remove_in_background(&paths.out, old);
    } else if let Some(old) = old {
        crate::fs::remove_previous_outputs(&[old]);
    }
    crate::cache::remove_leftovers(&paths.out);
    phases.done("remove the previous output");
    if options.one_off {
        std::mem::forget(plan);
        std::mem::forget(prepared);
        std::mem::forget(stored);
        std::mem::forget(sources);
        std::mem::forget(stored_cache);
    }
    Ok(summary)
}

/// A page whose file was read again (its body rendered, a warning pointing into it) and
/// found not to hold the text the page was made from: made from what the previous build
/// saw of the file, or from the front matter this build read before it let the text go
/// (`load`). What was made mixes two versions of the file. Said first; and, for a page
/// made from the previous build's record, nothing kept of the pages' files is trusted
/// again (the next build reads them all), as the record itself may be what is wrong (a
/// file system whose clock is behind this machine's). A file this build read and found
/// changed has another `stat` by now, which the next build sees.
fn changed_while_built(fronts: &crate::load::Fronts, out: &Path) -> Option<Diagnostic> {
    let path = fronts.changed()?;
    if fronts.reads().changed().is_some() {
        crate::cache::forget_fronts(out);
    }
    Some(
        Diagnostic::error(path, "the file changed while the site was being built")
            .hint("build again"),
    )
}

/// `e`, with a file found changed while the site was being built said first: the
/// problems found after it may come from two versions of it.
fn changed_first(e: Error, fronts: &crate::load::Fronts, out: &Path) -> Error {
    match (changed_while_built(fronts, out), e) {
        (Some(changed), Error::Content(mut all)) => {
            all.insert(0, changed);
            Error::Content(all)
        }
        (_, e) => e,
    }
}

/// With `MANDAT_TIMINGS` set, how long each phase of the build took, on standard error:
/// for profiling, not part of the command line's contract.
struct Phases {
    last: Option<Instant>,
    /// The processor time the process had used at `last`, where the system tells.
    cpu: Option<Duration>,
    /// How long each output took to render, when on.
    jobs: std::sync::Mutex<Vec<(Duration, String)>>,
}

impl Phases {
    fn new(started: Instant) -> Self {
        let on = std::env::var_os("MANDAT_TIMINGS").is_some_and(|v| !v.is_empty());
        Phases {
            last: on.then_some(started),
            cpu: on.then(cpu_time).flatten(),
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
            // The eight slowest, and the search index's files wherever they rank.
            let shown = kinds
                .iter()
                .enumerate()
                .filter(|(i, (kind, _))| *i < 8 || *kind == "sok")
                .map(|(_, k)| k);
            for (kind, (took, n)) in shown {
                eprintln!("{:>6} ms    /{kind}/… ({n} files)", took.as_millis());
            }
        }
    }

    fn done(&mut self, what: &str) {
        if let Some(last) = self.last {
            let (now, cpu) = (Instant::now(), cpu_time());
            let mut notes = Vec::new();
            if let Some(mb) = peak_memory() {
                notes.push(format!("peak memory so far {mb} MB"));
            }
            // How many processors the phase kept busy on average: below the machine's
            // count, part of it ran alone (rayon's workers spin a little before they
            // sleep, which counts as busy).
            if let (Some(cpu), Some(before)) = (cpu, self.cpu) {
                let busy =
                    cpu.saturating_sub(before).as_secs_f64() / (now - last).as_secs_f64().max(1e-6);
                notes.push(format!("{busy:.1} processors busy"));
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            eprintln!("{:>6} ms  {what}{notes}", (now - last).as_millis());
            (self.last, self.cpu) = (Some(now), cpu);
        }
    }
}

/// The most memory the process has held so far, in MB, where the system tells (Linux).
fn peak_memory() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// The processor time the process has used so far (user and system), where the system
/// tells (Unix).
fn cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
        // SAFETY: getrusage fills the struct it is given, and says whether it did.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: filled, as getrusage returned 0.
        let usage = unsafe { usage.assume_init() };
        let micros = |t: libc::timeval| {
            u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000 + u64::try_from(t.tv_usec).unwrap_or(0)
        };
        Some(Duration::from_micros(
            micros(usage.ru_utime) + micros(usage.ru_stime),
        ))
    }
    #[cfg(not(unix))]
    None
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
