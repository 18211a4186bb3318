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
//! previous build reported and leaves the output alone (`Manifest::is_for` and
//! `Manifest::intact`, asked by build.rs).
//!
//! Here: the manifest and the other files a build keeps for the next. In its own files:
//! the key of everything a build reads (fingerprint.rs), what each output was made from
//! (inputs.rs), and the output's files as the build left them (written.rs).

mod fingerprint;
mod inputs;
mod written;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::load::Fronts;
use crate::render::reuse::Stored;
use crate::render::search::State;
use crate::session::Sources;
use crate::summary::Summary;

pub use fingerprint::fingerprint;
pub use inputs::Inputs;
use inputs::PageEntry;
pub use written::{OutputFile, Written};

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

/// The file beside `out` the cache of its build is kept in.
pub fn file(out: &Path) -> PathBuf {
    crate::fs::beside(out, CACHE)
}

/// The files a build keeps beside its output for the next one: the manifest, its pages'
/// bodies and front matter, and what its search indexes were made of.
const CACHE: &str = "cache";
const KEPT: [&str; 4] = [CACHE, "bodies", "fronts", SEARCH];
const SEARCH: &str = "search";

/// The first line of a file a build keeps beside its output for the next one (the
/// bodies and the fronts of its pages, the search indexes): what it holds, and what
/// wrote it.
fn kept_header(what: &str) -> String {
    let binary = fingerprint::binary();
    format!(
        "mandat {what} {FORMAT} {}\n",
        hash_of(crate::kept::hash64((binary.len(), binary)))
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

/// What the search indexes of the last build into `out` were made of, by the address of
/// their search page (`search::State`): each is good whatever became of the output
/// since, as it describes the index of documents it names by their hashes. Each site's
/// part is framed by its length and a hash of its bytes: a part whose bytes are not as
/// written is left out, and one whose length is not, with those after it.
pub fn stored_search(out: &Path) -> BTreeMap<String, State> {
    let read = |r: &mut std::io::BufReader<&std::fs::File>, _| {
        use std::io::Read as _;
        let mut all = Vec::new();
        r.read_to_end(&mut all).ok()?;
        Some(all)
    };
    let Some((Some(all), _)) = read_kept(out, SEARCH, read) else {
        return BTreeMap::new();
    };
    let mut states = BTreeMap::new();
    let mut rest = all.as_slice();
    while let Some((len, after)) = rest.split_first_chunk::<8>() {
        let Some((hash, after)) = after.split_first_chunk::<8>() else {
            break;
        };
        let Some((blob, after)) = usize::try_from(u64::from_le_bytes(*len))
            .ok()
            .and_then(|n| after.split_at_checked(n))
        else {
            break;
        };
        rest = after;
        if framed_hash(blob) != *hash {
            continue;
        }
        if let Some((site, state)) = State::from_bytes(blob) {
            states.insert(site, state);
        }
    }
    states
}

/// The hash a part of the kept search indexes is framed with (a slice's hash takes in
/// its length too).
fn framed_hash(blob: &[u8]) -> [u8; 8] {
    crate::kept::hash64(blob).to_le_bytes()
}

/// Keeps what this build's search indexes were made of beside `out`, for the next
/// build, by the address of their search page.
pub fn store_search(out: &Path, states: &[(String, State)]) {
    keep_file(out, SEARCH, |w| {
        use std::io::Write as _;
        for (site, state) in states {
            let blob = state.to_bytes(site);
            w.write_all(&(blob.len() as u64).to_le_bytes())?;
            w.write_all(&framed_hash(&blob))?;
            w.write_all(&blob)?;
        }
        Ok(())
    });
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

/// A hash as the manifest writes it. Hashes are compared one to one (a page's as the
/// previous build read it and as it is now), so an edit goes unseen only if the two
/// 64-bit hashes agree by chance.
fn hash_of(hash: u64) -> String {
    format!("{hash:016x}")
}
