//! The build cache: what the outputs of the last build were made from, kept in a file
//! beside the output folder (`.<name>.cache`, like the lock file, so it is never
//! published), so that the next build takes an output nothing it depends on has changed
//! from the previous output (a hard link) instead of rendering it again.
//!
//! What an edit of pages can change is decided as the preview decides it
//! (render/plan.rs's `affected`); any other change (settings, theme, records, versions,
//! the set of pages or addresses, another `mandat`) renders everything.
//!
//! Before any of that, a build whose every input file is as the previous build read it
//! (and whose output is as that build left it) has nothing to do: it reports what the
//! previous build reported and leaves the output alone (`unchanged_site`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Diagnostic;
use crate::fs::{stat, Found, Stat};
use crate::load::Fronts;
use crate::model::{Page, PageMeta};
use crate::render::job::{Job, Target};
use crate::render::plan::PageChange;
use crate::render::reuse::Stored;
use crate::render::Prepared;
use crate::session::Sources;
use crate::summary::Summary;

/// Changes when the file's shape does.
const FORMAT: u32 = 9;

/// What one build's outputs were made from.
#[derive(Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    /// The output folder it describes (device and inode): an output put in place by
    /// anything else is never taken for it.
    output: (u64, u64),
    /// Everything the outputs depend on besides the current site's pages.
    whole: String,
    /// The current site's pages, in the registry's order.
    pages: Vec<PageEntry>,
    /// Every file the build read, and the command's options (`fingerprint`).
    fingerprint: String,
    /// The output's files as the build left them, sorted by path: a file of it is
    /// linked into the next output only if it is still so (`Written::keep`).
    files: Vec<OutputFile>,
    /// What the build reported.
    summary: Reported,
}

/// What a build reported, to be reported again by a build that finds nothing changed.
#[derive(Serialize, Deserialize)]
struct Reported {
    pages: usize,
    files: usize,
    records: usize,
    versions: usize,
    /// The warnings, each with the line it points at (not part of a diagnostic's JSON).
    warnings: Vec<(Diagnostic, Option<String>)>,
    language: crate::language::Shares,
    /// Resized copies of images the output holds.
    images: usize,
}

impl Reported {
    fn of(summary: &Summary) -> Reported {
        let crate::images::Counts { made, reused } = summary.images;
        Reported {
            pages: summary.pages,
            files: summary.files,
            records: summary.records,
            versions: summary.versions,
            warnings: summary
                .warnings
                .iter()
                .map(|w| (w.clone(), w.line_text.clone()))
                .collect(),
            language: summary.language.clone(),
            images: made + reused,
        }
    }

    /// The summary of a build that took everything from the build before it.
    fn summary(self) -> Summary {
        Summary {
            pages: self.pages,
            files: self.files,
            records: self.records,
            versions: self.versions,
            millis: 0,
            warnings: self
                .warnings
                .into_iter()
                .map(|(mut w, line)| {
                    w.line_text = line;
                    w
                })
                .collect(),
            language: self.language,
            images: crate::images::Counts {
                made: 0,
                reused: self.images,
            },
        }
    }
}

/// A page as far as other outputs depend on it (see `plan::affected`).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct PageEntry {
    path: String,
    /// Hashes of the whole file and of its front matter.
    text: String,
    front: String,
    tags: Vec<String>,
    initiatives: Vec<String>,
}

/// The file beside `out` the cache of its build is kept in.
pub fn file(out: &Path) -> PathBuf {
    crate::fs::beside(out, CACHE)
}

/// The files a build keeps beside its output for the next one: the manifest, and its
/// pages' bodies and front matter.
const CACHE: &str = "cache";
const KEPT: [&str; 3] = [CACHE, "bodies", "fronts"];

/// The first line of a file a build keeps beside its output for the next one (the
/// bodies and the fronts of its pages): what it holds, and what wrote it.
fn kept_header(what: &str) -> String {
    format!(
        "mandat {what} {FORMAT} {}\n",
        hash_of(crate::kept::hash64((binary().len(), binary())))
    )
}

/// Reads the file `.<name>.<what>` beside `out` with `read`, if this `mandat` wrote it:
/// `read` is given a reader past its first line, and where in the file that is. With the
/// file, to copy from what is still true when it is written again (kept.rs), where lines
/// can be copied: with reads at an offset, which `kept` has on Unix only.
fn read_kept<T>(
    out: &Path,
    what: &str,
    read: impl FnOnce(&mut std::io::BufReader<&std::fs::File>, u64) -> T,
) -> Option<(T, Option<std::fs::File>)> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(crate::fs::beside(out, what)).ok()?;
    let value = {
        let mut reader = std::io::BufReader::new(&file);
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        if header != kept_header(what) {
            return None;
        }
        read(&mut reader, header.len() as u64)
    };
    Some((value, cfg!(unix).then_some(file)))
}

/// Writes the file `.<name>.<what>` beside `out` whole, starting with `kept_header`.
fn keep_file(
    out: &Path,
    what: &str,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) {
    write_beside(out, what, |w| {
        use std::io::Write as _;
        w.write_all(kept_header(what).as_bytes())?;
        write(w)
    });
}

/// Writes the file `.<name>.<what>` beside `out` whole, under a name of this process
/// (`.<name>.<what>-PID`) renamed into place, or leaves it as it was: a failure only
/// costs the next build the time of making again what it holds.
fn write_beside(
    out: &Path,
    what: &str,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) {
    let path = crate::fs::beside(out, what);
    let temp = crate::fs::beside(out, &format!("{what}-{}", std::process::id()));
    let written = || -> std::io::Result<()> {
        use std::io::Write as _;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        write(&mut w)?;
        w.flush()
    };
    if written()
        .and_then(|()| std::fs::rename(&temp, &path))
        .is_err()
    {
        let _ = std::fs::remove_file(&temp);
    }
}

/// Removes what builds into `out` killed while writing left of the files kept beside it
/// (`write_beside`): those whose process is gone. Called while holding the output's
/// lock, so no other build into `out` is writing one.
pub fn remove_leftovers(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let pid = KEPT.iter().find_map(|what| {
            let pid = file_name.strip_prefix(&format!(".{name}.{what}-"))?;
            pid.parse::<u32>().ok()
        });
        let is_file = || entry.file_type().is_ok_and(|t| t.is_file());
        if pid.is_some_and(|pid| !crate::fs::process_alive(pid)) && is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What the builds into `out` stored of their pages' bodies (`reuse::Stored`): each
/// body is taken only under the key it was rendered with, so the file is good whatever
/// became of the output since.
pub fn stored_bodies(out: &Path) -> Stored {
    read_kept(out, "bodies", |r, start| Stored::read(r, start))
        .map(|(stored, file)| stored.copying_from(file))
        .unwrap_or_default()
}

/// Keeps this build's pages' bodies beside `out` for the next build.
pub fn store_bodies(out: &Path, stored: &Stored) {
    if !stored.is_empty() {
        keep_file(out, "bodies", |w| stored.write(w));
    }
}

/// What the builds into `out` read of their pages' front matter (`load::Fronts`).
pub fn stored_fronts(out: &Path) -> Fronts {
    read_kept(out, "fronts", |r, start| Fronts::read(r, start))
        .map(|(fronts, file)| fronts.copying_from(file))
        .unwrap_or_default()
}

/// Drops what the builds into `out` kept of their pages' front matter and files: one of
/// those files was found not to hold the text it was kept for, so none is trusted.
pub fn forget_fronts(out: &Path) {
    let _ = std::fs::remove_file(crate::fs::beside(out, "fronts"));
}

/// Keeps the fields of this build's pages (of the current site) beside `out` for the
/// next build, copying from `fronts` (what the build read) the lines still true.
pub fn store_fronts(out: &Path, fronts: &Fronts, sources: &Sources) {
    if let Some(reg) = sources.regs.last() {
        keep_file(out, "fronts", |w| fronts.write(&reg.pages, w));
    }
}

/// The manifest of the build that wrote `out`, if there is one and `out` is that build's
/// output. Its files are not looked at here: a build finds what of them is as that build
/// left them while it links them (`Written::keep`), and `Manifest::intact` reads the
/// whole folder where nothing is to be built.
pub fn previous(out: &Path) -> Option<Manifest> {
    let text = std::fs::read(file(out)).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    let valid = manifest.format == FORMAT
        && Some(manifest.output) == identity(out)
        && out.join(crate::fs::MARKER).is_file();
    valid.then_some(manifest)
}

/// Removes the manifest of the build that wrote `out`, as the output is about to be
/// replaced (a build that stops before writing the new one leaves no manifest, so the
/// next build renders everything). False if it is there and cannot be removed: then it
/// could outlive its output, and must not be trusted.
pub fn forget(out: &Path) -> bool {
    match std::fs::remove_file(file(out)) {
        Ok(()) => true,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

impl Manifest {
    /// Whether its build read exactly the files and options `fingerprint` stands for:
    /// then there is nothing to build.
    pub fn is_for(&self, fingerprint: &str) -> bool {
        self.fingerprint == fingerprint
    }

    /// Whether the output folder `out` holds exactly the files its build left there, as
    /// it left them: none changed, added or removed by hand since. A walk through every
    /// folder of it, for a build that would otherwise write nothing.
    pub fn intact(&self, out: &Path) -> bool {
        Written::found_in(out).is_some_and(|found| found.sorted() == self.files)
    }

    /// The output's files as its build left them, sorted by path, for `Written::keep`.
    pub fn take_files(&mut self) -> Vec<OutputFile> {
        std::mem::take(&mut self.files)
    }

    /// What its build reported.
    pub fn into_summary(self) -> Summary {
        self.summary.summary()
    }
}

/// Everything a build reads, as one key: every file and folder under `content/` (frozen
/// versions included) and `themes/`, the options that change what is written, and this
/// `mandat` itself. Two builds with the same key write the same files. With it, what the
/// system kept of each file under `content/` as the key was made (`Found`): the build
/// knows its pages' files by it, not asking for each again.
///
/// A file is known by what the system keeps of it (as git and make know their files):
/// its size, its modification time and its status-change time to the nanosecond, and its
/// inode. Saving a file, even with its old time put back, changes the status-change time,
/// which no program can set: unless it is saved again within the same tick of the file
/// system's clock. So, as git does, a key that holds a file whose status changed in the
/// last two seconds (`fs::settled`) is one no other build has: the next build builds.
pub fn fingerprint(root: &Path, options: &[&str]) -> (String, Found) {
    let mut h = DefaultHasher::new();
    FORMAT.hash(&mut h);
    binary().hash(&mut h);
    options.hash(&mut h);
    let unsettled = std::sync::atomic::AtomicBool::new(false);
    let found = std::sync::Mutex::new(Vec::new());
    tree(&root.join("content"), &unsettled, Some(&found)).hash(&mut h);
    tree(&root.join("themes"), &unsettled, None).hash(&mut h);
    if unsettled.load(std::sync::atomic::Ordering::Relaxed) {
        format!("{:?}", std::time::SystemTime::now()).hash(&mut h);
    }
    let mut g = DefaultHasher::new();
    (0x6669_6e67_u64, h.finish()).hash(&mut g);
    let key = format!("{:016x}{:016x}", h.finish(), g.finish());
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    (key, found.into_iter().collect())
}

/// Every file below `dir` (links included, not followed), by its path below it with `/`
/// between folders, and what the system keeps of it; its subfolders read in parallel.
fn files_below(dir: &Path, rel: &str) -> Option<Vec<OutputFile>> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .collect();
    let found: Vec<Option<Vec<OutputFile>>> = entries
        .par_iter()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if e.file_type().ok()?.is_dir() {
                files_below(&e.path(), &path)
            } else {
                Some(vec![(path, stat(&e.metadata().ok()?, false))])
            }
        })
        .collect();
    found.into_iter().try_fold(Vec::new(), |mut all, f| {
        all.extend(f?);
        Some(all)
    })
}

/// The files a build put in its output, each with what the system kept of it as it was
/// put there: its size, times and inode, which a file changed by hand since no longer
/// has. (Not the status-change time: removing the previous output, whose unchanged files
/// the new one links to, changes it.) An empty folder is not recorded, as it changes
/// nothing a reader is sent.
#[derive(Default)]
pub struct Written {
    files: Vec<OutputFile>,
    /// A file that could not be read back: then the output is read (`store`).
    unknown: bool,
}

impl Written {
    /// The files in the folder `out` as they are now.
    fn found_in(out: &Path) -> Option<Written> {
        Some(Written {
            files: files_below(out, "")?,
            unknown: false,
        })
    }

    /// Puts the previous output's file `rel` (in the folder `from`) at `rel` in `to`: a
    /// hard link to it, or a copy where the system has none. Only if it is as the previous
    /// build left it, by `left` (its files, sorted by path): `None` for a file changed or
    /// removed by hand since, which is then written anew. Otherwise what to record of the
    /// file put there (`add`): as it was left, for a hard link, which is the same file;
    /// as it is now, for a copy.
    pub fn keep(
        left: &[OutputFile],
        from: &crate::fs::Folder,
        to: &crate::fs::Folder,
        rel: &str,
    ) -> Option<OutputFile> {
        let i = left.binary_search_by(|f| f.0.as_str().cmp(rel)).ok()?;
        let as_left = left.get(i)?;
        if from.stat(rel)? != as_left.1 {
            return None;
        }
        Some(match to.take(from, rel)? {
            crate::fs::Taken::Linked => as_left.clone(),
            crate::fs::Taken::Copied(stat) => (rel.to_owned(), stat),
        })
    }

    pub fn add(&mut self, file: Option<OutputFile>) {
        match file {
            Some(f) => self.files.push(f),
            None => self.unknown = true,
        }
    }

    /// The files, sorted by path.
    fn sorted(mut self) -> Vec<OutputFile> {
        self.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.files
    }
}

/// A hash of the names and `stat` (status-change time included) of everything below
/// `dir` (nothing, for a folder that is not there), its subfolders walked in parallel:
/// most of the time is the system's. Sets `unsettled` for anything whose status changed
/// too recently to be known by it (on Unix, where the `stat` has that time). Each file
/// and its `stat` go to `found`, if given.
fn tree(
    dir: &Path,
    unsettled: &std::sync::atomic::AtomicBool,
    found: Option<&std::sync::Mutex<Vec<(PathBuf, Stat)>>>,
) -> u64 {
    let Ok(read) = std::fs::read_dir(dir) else {
        return u64::from(dir.exists());
    };
    let mut entries: Vec<std::fs::DirEntry> = read.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    let (hashes, files): (Vec<u64>, Vec<Option<(PathBuf, Stat)>>) = entries
        .par_iter()
        .map(|e| {
            let mut h = DefaultHasher::new();
            e.file_name().hash(&mut h);
            let link = e.file_type().is_ok_and(|t| t.is_symlink());
            // Through a link, the file it leads to: that is what the build reads. Anything
            // else is looked up in its folder, not by its whole path again.
            let m = if link {
                std::fs::metadata(e.path()).ok()
            } else {
                e.metadata().ok()
            };
            let found_here = m.as_ref().map(|m| stat(m, true));
            #[cfg(unix)]
            if found_here.as_ref().is_some_and(|s| !crate::fs::settled(s)) {
                unsettled.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            found_here.hash(&mut h);
            if link {
                std::fs::read_link(e.path()).ok().hash(&mut h);
                // A linked folder may lead anywhere, itself included: what is in it is
                // not followed, and a site with one never counts as unchanged.
                if m.as_ref().is_some_and(std::fs::Metadata::is_dir) {
                    format!("{:?}", std::time::SystemTime::now()).hash(&mut h);
                }
            } else if m.as_ref().is_some_and(std::fs::Metadata::is_dir) {
                tree(&e.path(), unsettled, found).hash(&mut h);
            }
            let file = (found.is_some() && m.is_some_and(|m| m.is_file()))
                .then(|| found_here.map(|s| (e.path(), s)))
                .flatten();
            (h.finish(), file)
        })
        .unzip();
    if let Some(found) = found {
        let files = files.into_iter().flatten();
        found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(files);
    }
    let mut h = DefaultHasher::new();
    hashes.hash(&mut h);
    h.finish()
}

/// A file of an output folder: its path below the folder, with `/` between folders, and
/// what the system keeps of it.
pub type OutputFile = (String, Stat);

/// This `mandat`: another build of it may render differently under the same version.
/// When the running program cannot be found, a key no other run has: then nothing an
/// earlier run kept (cache, bodies, front matter) is taken.
fn binary() -> &'static str {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        let version = env!("CARGO_PKG_VERSION");
        let found = std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .and_then(|m| Some((m.len(), m.modified().ok()?)));
        match found {
            Some(file) => format!("{version} {file:?}"),
            None => {
                let now = std::time::SystemTime::now();
                format!("{version} unknown {} {now:?}", std::process::id())
            }
        }
    })
}

/// Writes the manifest of the build now at `out` (after the swap), with what it read
/// (`fingerprint`) and reported; a failure only costs the next build its cache. Gives
/// it back, for a caller about to end to leave to the system.
pub fn store(
    out: &Path,
    inputs: Inputs,
    fingerprint: String,
    summary: &Summary,
    written: Written,
) -> Option<Manifest> {
    let files = if written.unknown {
        Written::found_in(out)?
    } else {
        written
    };
    let manifest = Manifest {
        format: FORMAT,
        output: identity(out)?,
        whole: inputs.whole,
        pages: inputs.pages,
        fingerprint,
        files: files.sorted(),
        summary: Reported::of(summary),
    };
    // Written as it is serialized: at 100,000 pages the manifest is tens of MB.
    write_beside(out, CACHE, |w| Ok(serde_json::to_writer(w, &manifest)?));
    Some(manifest)
}

#[cfg(unix)]
fn identity(out: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(out).ok()?;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// What this build's outputs are made from: the key of everything but the current
/// site's pages, and those pages (serialized, to be stored once the build is in place).
pub struct Inputs {
    whole: String,
    pages: Vec<PageEntry>,
}

impl Inputs {
    pub fn of(sources: &Sources, prepared: &[Prepared], extra: &Value) -> Inputs {
        let (whole, pages) = rayon::join(
            || whole(sources, prepared, extra),
            || {
                sources
                    .current()
                    .pages
                    .par_iter()
                    .map(|p| PageEntry {
                        path: p.source.path.clone(),
                        text: hash_of(p.source.text.hash64()),
                        front: hash_of(p.front),
                        tags: p.meta.tags.clone(),
                        initiatives: p.meta.initiatives.clone(),
                    })
                    .collect()
            },
        );
        Inputs { whole, pages }
    }

    /// Which of `outputs` (every output of every site, as the build renders them) are
    /// as the previous build wrote them, by what `before` says it was made from. None
    /// when anything but pages changed, or, on a site with frozen versions, when pages
    /// came, went or moved (`whole`).
    pub fn unchanged(
        &self,
        before: Option<&Manifest>,
        prepared: &[Prepared],
        outputs: &[(&Prepared, &String, &Job)],
    ) -> Vec<bool> {
        let none = || vec![false; outputs.len()];
        let Some(before) = before else {
            return none();
        };
        let Some(current) = prepared.last() else {
            return none();
        };
        let pages = &current.reg.pages;
        if before.whole != self.whole {
            return none();
        }
        // The pages as they were, as far as `affected` looks at them: each changed one
        // with its old tags and initiatives, each added one as it is, and each removed one
        // where it was, with its tags and initiatives (and nothing else).
        let was: rustc_hash::FxHashMap<&str, &PageEntry> =
            before.pages.iter().map(|p| (p.path.as_str(), p)).collect();
        let is: rustc_hash::FxHashSet<&str> = self.pages.iter().map(|p| p.path.as_str()).collect();
        let mut olds: Vec<(Option<usize>, Page, bool)> = Vec::new();
        for (i, (now, page)) in self.pages.iter().zip(pages).enumerate() {
            match was.get(now.path.as_str()) {
                Some(old) if old.text == now.text => {}
                Some(old) => {
                    let meta = PageMeta {
                        tags: old.tags.clone(),
                        initiatives: old.initiatives.clone(),
                        ..page.meta.clone()
                    };
                    let as_was = Page {
                        meta,
                        ..page.clone()
                    };
                    olds.push((Some(i), as_was, old.front != now.front));
                }
                None => olds.push((Some(i), page.clone(), true)),
            }
        }
        let content = format!("{}/", current.reg.config.display_dir);
        for gone in before
            .pages
            .iter()
            .filter(|p| !is.contains(p.path.as_str()))
        {
            // Where it was listed: its address, as its file's place gives it.
            let rel = gone.path.strip_prefix(&content).unwrap_or(&gone.path);
            let (slug_path, is_section) = crate::load::page_path(rel);
            let removed = Page {
                meta: PageMeta {
                    tags: gone.tags.clone(),
                    initiatives: gone.initiatives.clone(),
                    ..PageMeta::default()
                },
                lang: current.reg.config.lang,
                slug_path,
                is_section,
                body_at: 0,
                front: 0,
                source: crate::model::SourceFile {
                    path: gone.path.clone(),
                    text: crate::model::FileText::from(""),
                    body_line: 1,
                },
            };
            olds.push((None, removed, true));
        }
        let changes: Vec<PageChange> = olds
            .iter()
            .map(|(i, old, front)| PageChange {
                index: *i,
                old,
                new: i.and_then(|i| pages.get(i)).unwrap_or(old),
                front: *front,
            })
            .collect();
        let touched = current.touched(&changes);
        outputs
            .par_iter()
            .map(|(p, _, job)| {
                let is_current = std::ptr::eq(*p, current);
                match job {
                    // Copies of files the cache does not follow: compared byte by byte.
                    Job::Asset(_) => false,
                    _ if !is_current => true,
                    // The list of versions tells what changed in the current site.
                    Job::Versions => changes.is_empty(),
                    _ => !current.affected(job, &changes, &touched),
                }
            })
            .collect()
    }
}

/// The key of everything the outputs depend on besides the current site's pages.
fn whole(sources: &Sources, prepared: &[Prepared], extra: &Value) -> String {
    let mut h = DefaultHasher::new();
    FORMAT.hash(&mut h);
    binary().hash(&mut h);
    extra.to_string().hash(&mut h);
    format!("{:?}", sources.versions).hash(&mut h);
    let last = sources.regs.len().saturating_sub(1);
    for (i, reg) in sources.regs.iter().enumerate() {
        format!("{:?}", reg.config).hash(&mut h);
        let files = reg
            .actors
            .values()
            .map(|a| &a.source)
            .chain(reg.initiatives.values().map(|i| &i.source))
            .chain(&reg.event_sources);
        for f in files {
            f.path.hash(&mut h);
            f.text.hash64().hash(&mut h);
        }
        if i < last {
            for p in &reg.pages {
                p.source.path.hash(&mut h);
                p.source.text.hash64().hash(&mut h);
            }
        }
    }
    // The theme: the site's own files (the built-in theme is part of the binary).
    let themes = sources.current().config.root.join("themes");
    for entry in walkdir::WalkDir::new(&themes)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        entry.path().hash(&mut h);
        if entry.file_type().is_file() {
            std::fs::read(entry.path()).ok().hash(&mut h);
        }
    }
    // Every address and what is published there; files copied as they are by their
    // size and time, as any page showing them might depend on them. On a site without
    // frozen versions, not what pages come and go with (`unchanged` follows them); with
    // them, every address, as each version's page names the same page in the others.
    let versioned = prepared.len() > 1;
    for p in prepared {
        // Every page's footer links the accessibility statement, if there is one.
        p.statement().hash(&mut h);
        for (path, job) in &p.plan {
            let shown = match job {
                _ if versioned => format!("{job:?}"),
                Job::Page(_)
                | Job::Tag(_)
                | Job::More(..)
                | Job::Redirect(Target::Page(_))
                | Job::SitemapPart(_)
                | Job::SearchPart(_) => continue,
                // A section by its folder: a new folder is listed in the one above it,
                // and may be in the menu.
                Job::Section(folder, index) => format!("section {folder} {}", index.is_some()),
                _ => format!("{job:?}"),
            };
            path.hash(&mut h);
            shown.hash(&mut h);
            if let Job::Asset(file) = job {
                let m = std::fs::metadata(file).ok();
                format!("{:?}", m.map(|m| (m.len(), m.modified().ok()))).hash(&mut h);
            }
        }
    }
    format!("{:016x}", h.finish())
}

/// A hash as the manifest writes it. Hashes are compared one to one (a page's as the
/// previous build read it and as it is now), so an edit goes unseen only if the two
/// 64-bit hashes agree by chance.
fn hash_of(hash: u64) -> String {
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_files(out: &Path, rels: &[&str]) -> Written {
        let folder = crate::fs::Folder::create(out).unwrap();
        let mut written = Written::default();
        for rel in rels {
            written.add(Some((
                rel.to_string(),
                folder.write(rel, rel.as_bytes()).unwrap(),
            )));
        }
        written
    }

    /// The fingerprint finds every file under `content/` (through a link, the file it
    /// leads to) as `fs::stat_of` does, and no folder; nothing under `themes/`.
    #[test]
    fn the_fingerprint_finds_each_file_as_its_stat_says() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        write_files(&content, &["site.yaml", "pages/a.md", "pages/b/c.md"]);
        write_files(
            &root.path().join("themes"),
            &["default/templates/page.html"],
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink(content.join("pages/a.md"), content.join("pages/l.md")).unwrap();
        let (_, found) = fingerprint(root.path(), &[]);
        let mut files: Vec<&PathBuf> = found.keys().collect();
        files.sort();
        let mut expected = vec!["pages/a.md", "pages/b/c.md", "site.yaml"];
        if cfg!(unix) {
            expected.insert(2, "pages/l.md");
        }
        let expected: Vec<PathBuf> = expected.iter().map(|r| content.join(r)).collect();
        assert_eq!(files, expected.iter().collect::<Vec<_>>());
        for file in &expected {
            assert_eq!(
                found.get(file).cloned(),
                crate::fs::stat_of(file),
                "{file:?}"
            );
        }
    }

    /// What a build records of the files it puts in its output is what reading the
    /// folder finds, until a file in it is changed, added or removed.
    #[test]
    fn the_files_written_are_what_reading_the_output_finds() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let left = write_files(&out, &["index.html", "a/index.html", "a/b/c.json"]).sorted();
        let found = || Written::found_in(&out).unwrap().sorted();
        assert_eq!(found(), left);
        std::fs::write(out.join("a/b/d.txt"), "added by hand").unwrap();
        assert_ne!(found(), left);
        std::fs::remove_file(out.join("a/b/d.txt")).unwrap();
        assert_eq!(found(), left);
        std::fs::write(out.join("a/index.html"), "changed by hand").unwrap();
        assert_ne!(found(), left);
    }

    /// A file of the previous output is linked into the new one as its build left it,
    /// and recorded so, which is what reading the new output finds; one changed or
    /// removed by hand since is not taken, and is written anew.
    #[test]
    fn a_file_is_kept_from_the_previous_output_only_as_its_build_left_it() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        let rels = ["index.html", "a/index.html", "a/b/c.json", "b/index.html"];
        let left = write_files(&old, &rels).sorted();
        std::fs::write(old.join("a/b/c.json"), "changed by hand").unwrap();
        std::fs::remove_file(old.join("b/index.html")).unwrap();
        let mut written = Written::default();
        let mut kept = Vec::new();
        let from = crate::fs::Folder::open(&old).unwrap();
        let to = crate::fs::Folder::create(&new).unwrap();
        for rel in rels {
            match Written::keep(&left, &from, &to, rel) {
                Some(file) => {
                    kept.push(rel);
                    written.add(Some(file));
                }
                None => assert!(
                    !new.join(rel).exists(),
                    "{rel} is not put in the new output"
                ),
            }
        }
        assert_eq!(kept, ["index.html", "a/index.html"]);
        assert_eq!(
            Written::found_in(&new).unwrap().sorted(),
            written.sorted(),
            "what is recorded of the kept files is what the new output holds"
        );
    }
}
