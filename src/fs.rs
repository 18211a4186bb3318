//! File access with the path in every error, the editor-temp-file test, and the
//! atomic swap that keeps the previous output whole when a build fails.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{io_diagnostic, Diagnostic, Error};

mod folder;
pub use folder::{Folder, Taken};

/// Marks a folder as one mandat wrote, so it may be replaced by the next build.
pub const MARKER: &str = ".mandat-output";

/// A hash of `bytes` (FNV-1a, 64 bits), stable across builds and platforms: enough to tell
/// versions of a file apart, for names that change when the content does.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Files editors write beside the real one while saving: never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        // Office's lock file beside an open document, and the folder notes of Windows.
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".kate-swp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
}

/// Most text files a site has (a page, a record) fit in this many bytes.
const TEXT_FILE: usize = 16 * 1024;

/// Reads the file at `path` into `bytes` (emptied first), into room for most text files
/// without asking the file's size first: one system call fewer for each of a large
/// site's pages. (A `File` read to its end asks it; through `take` it is read as any
/// reader is.)
fn read_into(path: &Path, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    bytes.clear();
    bytes.reserve(TEXT_FILE);
    fs::File::open(path)?.take(u64::MAX).read_to_end(bytes)?;
    Ok(())
}

/// `read_shared_text`, for a file read once (the settings, the list of versions).
pub fn read_text(path: &Path, display: &str) -> Result<String, Diagnostic> {
    read_shared_text(path, display).map(|text| String::from(&*text))
}

/// What the system keeps of a file that changes when it is written.
#[cfg(unix)]
pub type Stat = [i64; 7];
#[cfg(not(unix))]
pub type Stat = String;

/// Files found under a folder (through a link, the file it leads to), each with what the
/// system kept of it then, its status-change time included: as `stat_of` gives. The
/// build cache's fingerprint finds them; loading then knows each page's file by it.
pub type Found = rustc_hash::FxHashMap<PathBuf, Stat>;

/// `Stat` of `m`, with its status-change time when `changed_time`.
#[cfg(unix)]
pub fn stat(m: &fs::Metadata, changed_time: bool) -> Stat {
    use std::os::unix::fs::MetadataExt;
    let kind = if m.is_file() {
        Kind::File
    } else if m.is_dir() {
        Kind::Folder
    } else {
        Kind::Other
    };
    #[allow(clippy::cast_possible_wrap)]
    stat_of_parts(
        m.len() as i64,
        (m.mtime(), m.mtime_nsec()),
        changed_time.then(|| (m.ctime(), m.ctime_nsec())),
        m.ino() as i64,
        kind,
    )
}

/// What a file is, as its `Stat` says.
#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File = 0,
    Folder = 1,
    /// A link (not followed), a pipe, a device.
    Other = 2,
}

/// `Stat` of a file of `len` bytes, modified and status-changed at those (seconds,
/// nanoseconds) (the latter left out as zero when `None`), with that inode and kind:
/// the one place its fields are put in order, whichever call the system answered.
#[cfg(unix)]
pub fn stat_of_parts(
    len: i64,
    modified: (i64, i64),
    changed: Option<(i64, i64)>,
    inode: i64,
    kind: Kind,
) -> Stat {
    let changed = changed.unwrap_or((0, 0));
    [
        len,
        modified.0,
        modified.1,
        changed.0,
        changed.1,
        inode,
        kind as i64,
    ]
}

/// The kind of file `stat` is of.
#[cfg(unix)]
pub fn kind_of(stat: &Stat) -> Kind {
    match stat[6] {
        0 => Kind::File,
        1 => Kind::Folder,
        _ => Kind::Other,
    }
}

#[cfg(not(unix))]
pub fn stat(m: &fs::Metadata, _: bool) -> Stat {
    format!("{} {:?} {}", m.len(), m.modified().ok(), m.is_dir())
}

/// `Stat` of the file at `path` (through a link, of the file it leads to, which is what
/// is read), with its status-change time.
pub fn stat_of(path: &Path) -> Option<Stat> {
    fs::metadata(path).ok().map(|m| stat(&m, true))
}

/// How long ago a file must have been written for its `Stat` to stand for its text.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether a file found with `stat` had its status last changed (by a write, a rename, a
/// new time set) at least `SETTLED` ago: then a later write gives it another `stat`, as
/// its status-change time moves on (no program can set it; the modification time can be
/// set anywhere, so it is not looked at). A file written just before it was found could
/// be written again within the same tick of the file system's clock (a few
/// milliseconds; two seconds on FAT), keeping its size, times and inode: so, as git
/// does, such a `stat` is not taken to mean the text (the next build reads the file).
/// Without the status-change time and inode, as off Unix, it never is.
#[cfg(unix)]
pub fn settled(stat: &Stat) -> bool {
    let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return false;
    };
    let before = now.saturating_sub(SETTLED);
    let before = (
        i64::try_from(before.as_secs()).unwrap_or(i64::MAX),
        i64::from(before.subsec_nanos()),
    );
    // The status-change time, in seconds and nanoseconds.
    (stat[3], stat[4]) < before
}

#[cfg(not(unix))]
pub fn settled(_: &Stat) -> bool {
    false
}

/// Reads a text file: UTF-8 checked (with the line of the first bad byte), BOM stripped,
/// CRLF made LF so lines and columns match what the editor shows. Read into a buffer
/// each thread keeps, so that each of a site's many record files costs one allocation,
/// of its own size, and not the several of growing, shrinking and sharing a buffer of
/// its own.
pub fn read_shared_text(path: &Path, display: &str) -> Result<Arc<str>, Diagnostic> {
    thread_local! {
        static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BYTES.with_borrow_mut(|bytes| {
        read_into(path, bytes).map_err(|e| read_error(path, display, &e))?;
        let text = Arc::from(&*decode(bytes, display)?);
        // A large file's room is not kept.
        if bytes.capacity() > 64 * TEXT_FILE {
            *bytes = Vec::new();
        }
        Ok(text)
    })
}

fn read_error(path: &Path, display: &str, e: &std::io::Error) -> Diagnostic {
    let mut d = io_diagnostic(path, "read the file", e);
    d.path = display.to_owned();
    d
}

/// The text of a file's `bytes` (see `read_shared_text`), borrowed where nothing is
/// changed.
fn decode<'b>(bytes: &'b [u8], display: &str) -> Result<Cow<'b, str>, Diagnostic> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.valid_up_to();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            return Err(Diagnostic::error(display, "the file is not valid UTF-8 text")
                .at(&lossy, line, column, 1)
                .hint("save the file with the encoding UTF-8 (in most editors: \"Save with encoding\" or \"Reopen with encoding\")"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    })
}

/// Writes `bytes` to `path`, creating the folders above it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| write_error(parent, "create the folder", &e))?;
    }
    fs::write(path, bytes).map_err(|e| write_error(path, "write the file", &e))
}

/// An error writing `path`. A full disk fails every file of a build the same way: the
/// message names the output folder, not the file in the hidden staging folder, so that
/// the thousands of failures are one message (equal diagnostics are reported once).
pub fn write_error(path: &Path, action: &str, err: &std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::StorageFull {
        let out = output_of(path);
        let shown = out.as_deref().unwrap_or(path);
        return Error::one(
            Diagnostic::error(
                shown.display().to_string(),
                "the disk is full: there is no room to write the site",
            )
            .hint("free some space on the disk (a build needs about as much room again as the site takes) and build again; the previous output is unchanged"),
        );
    }
    Error::io(path, action, err)
}

/// The output folder a file in a staging folder (`.NAME.tmp-PID/…`) is written for.
fn output_of(path: &Path) -> Option<PathBuf> {
    path.ancestors().find_map(|dir| {
        let name = dir.file_name()?.to_str()?;
        let (out, pid) = name.strip_prefix('.')?.rsplit_once(".tmp-")?;
        (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .then(|| dir.with_file_name(out))
    })
}

/// Refuses an output the build must not write: a file that is not a folder (it would be
/// moved aside), or a folder inside the site's content or themes, or holding the site,
/// compared as real paths so that a `content` reached through a link is caught too.
pub fn check_output(root: &Path, out: &Path) -> Result<(), Error> {
    if let Ok(meta) = fs::metadata(out) {
        if !meta.is_dir() {
            return Err(Error::Usage(format!(
                "refusing to write the site into {}: it is a file, not a folder; choose a folder with --out (a new one is created)",
                out.display()
            )));
        }
    }
    let real_out = real_path(out);
    let real_root = real_path(root);
    let inside = |dir: &str| real_out.starts_with(real_path(&root.join(dir)));
    if real_root.starts_with(&real_out) || inside("content") || inside("themes") {
        return Err(Error::Usage(format!(
            "refusing to write the site into {}: it is inside the site's content or themes folder (or holds the site), so every build would copy itself; choose another --out folder",
            out.display()
        )));
    }
    Ok(())
}

/// `path` with every link and `..` resolved, as far as it exists; the rest (a folder
/// the build will create) appended as written.
fn real_path(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                at = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Held while a build writes into and replaces an output folder. A second build into the
/// same folder waits for it: each links unchanged files from the output it found there,
/// so two at once could mix their files. Released when dropped.
pub struct OutputLock {
    _file: fs::File,
}

/// How long a build waits for another build into the same folder.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Takes the lock on `out` (the file `.<name>.lock` beside it), calling `waiting` once
/// if another build holds it, and failing after `LOCK_WAIT`.
pub fn lock_output(out: &Path, waiting: impl FnOnce()) -> Result<OutputLock, Error> {
    let path = beside(out, "lock");
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", &e))?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, "create the lock file beside the output", &e))?;
    let started = std::time::Instant::now();
    let mut waiting = Some(waiting);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(OutputLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => {
                return Err(Error::io(&path, "lock the output folder", &e))
            }
        }
        if let Some(say) = waiting.take() {
            say();
        }
        if started.elapsed() > LOCK_WAIT {
            return Err(Error::Io(format!(
                "another build into {} has not finished in {} minutes; stop it, or build into another --out folder",
                out.display(),
                LOCK_WAIT.as_secs() / 60
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A scratch folder beside `out`, on the same file system so the swap is a rename.
pub fn staging_dir(out: &Path) -> PathBuf {
    sibling(out, "tmp")
}

fn sibling(out: &Path, what: &str) -> PathBuf {
    beside(out, &format!("{what}-{}", std::process::id()))
}

/// The hidden file or folder `.<name>.<what>` beside the output folder `out`: its lock,
/// its scratch folder, what a build keeps for the next (cache/).
pub fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{what}"))
}

/// Puts the finished `staging` folder in place of `out`. Where the system can, the two
/// are exchanged in one step, so there is no moment without an `out`; otherwise the old
/// output is moved aside first and put back if the swap fails. Once the new one is in
/// place, the old one is returned for the caller to remove (see `remove_in_background`).
pub fn swap_into_place(staging: &Path, out: &Path) -> Result<Option<PathBuf>, Error> {
    // Named for this moment too, not only this process: in a container every build is
    // process 1, and a removal cut short must not block the next build's rename.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let old = sibling(out, &format!("old-{nanos}"));
    let had_old = fs::symlink_metadata(out).is_ok();
    if had_old {
        match exchange(staging, out) {
            Ok(()) => {
                fault("swap-exchanged");
                // `staging` now holds the previous output: give it the name of one.
                return Ok(Some(if fs::rename(staging, &old).is_ok() {
                    old
                } else {
                    staging.to_path_buf()
                }));
            }
            Err(e) if is_busy(&e) => return Err(busy(out, &e)),
            // No exchange on this system or file system: two renames.
            Err(_) => {}
        }
        fs::rename(out, &old).map_err(|e| match is_busy(&e) {
            true => busy(out, &e),
            false => Error::io(out, "move the previous output aside", &e),
        })?;
    }
    if let Err(e) = fs::rename(staging, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(match is_busy(&e) {
            true => busy(out, &e),
            false => Error::io(out, "put the new output in place", &e),
        });
    }
    Ok(had_old.then_some(old))
}

/// Exchanges two paths in one step (Linux's renameat2 with RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // The system call itself: musl, which the static release binary is linked with,
    // has no renameat2 function (nor has glibc before 2.28).
    // SAFETY: both are valid NUL-terminated paths that outlive the call; renameat2 only
    // reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD as libc::c_long,
            a.as_ptr(),
            libc::AT_FDCWD as libc::c_long,
            b.as_ptr(),
            libc::RENAME_EXCHANGE as libc::c_long,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// A folder that is a mount point cannot be renamed or exchanged ("Device or resource
/// busy").
fn is_busy(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::ResourceBusy
}

fn busy(out: &Path, e: &std::io::Error) -> Error {
    let mut d = io_diagnostic(out, "put the new output in place", e);
    d.hint = Some(format!(
        "{} is probably a mount point, which cannot be replaced whole: build into a folder inside it (--out {}), or use a folder that is not a mount point",
        out.display(),
        out.join("site").display()
    ));
    Error::one(d)
}

/// For tests that must stop a command at a given moment, as `kill -9` would: aborts
/// when the variable MANDAT_FAULT names `point`. Costs one look-up of the variable.
pub fn fault(point: &str) {
    if faulty(point) {
        std::process::abort();
    }
}

/// For tests that must make something go wrong that cannot be made to on purpose (a
/// file changed between two reads of one build): whether MANDAT_FAULT names `point`.
pub fn faulty(point: &str) -> bool {
    std::env::var_os("MANDAT_FAULT").is_some_and(|v| v == point)
}

/// The hidden command a build starts to remove the previous output after it has exited.
pub const REMOVE_COMMAND: &str = "remove-previous-output";

/// Removes previous outputs moved aside by `swap_into_place` (and any a killed removal
/// left behind beside `out`) in a process of its own, so the build is done as soon as
/// the new output is in place: removing ten thousand files takes the disk as long as
/// writing them. Removes them here if no process can be started.
pub fn remove_in_background(out: &Path, old: Option<PathBuf>) {
    // The folder just moved aside is among the leftovers.
    let mut dirs = leftovers(out);
    dirs.extend(old.filter(|o| !dirs.contains(o)));
    if dirs.is_empty() {
        return;
    }
    let started = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg(REMOVE_COMMAND)
            .args(&dirs)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if started.is_none() {
        remove_previous_outputs(&dirs);
    }
}

/// Previous outputs of `out` still beside it: `.NAME.old-PID` folders, and the staging
/// folders (`.NAME.tmp-PID`) of builds whose process is gone (killed mid-build), which
/// are marked and renamed as previous outputs so the same removal takes them.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let prefix = format!(".{name}.old-");
    let staging = format!(".{name}.tmp-");
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&prefix) {
            found.push(entry.path());
        } else if let Some(pid) = file_name.strip_prefix(&staging) {
            let gone = pid.parse::<u32>().is_ok_and(|pid| !process_alive(pid));
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if gone && is_dir && write(&entry.path().join(MARKER), b"").is_ok() {
                let old = parent.join(format!("{prefix}stale-{pid}"));
                if fs::rename(entry.path(), &old).is_ok() {
                    found.push(old);
                }
            }
        }
    }
    found
}

/// Whether process `pid` is running. This process counts as running (its staging
/// folder is its own), and so does any process that cannot be asked.
pub(crate) fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Removes each of `dirs` that is a previous output: a `.NAME.old-PID` folder holding
/// the marker file of a mandat build. Anything else is left alone, so the hidden command
/// cannot be made to remove other folders.
pub fn remove_previous_outputs(dirs: &[PathBuf]) {
    for dir in dirs {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        let is_old = name.is_some_and(|n| n.starts_with('.') && n.contains(".old-"));
        let Ok(meta) = fs::symlink_metadata(dir) else {
            continue;
        };
        if !is_old {
            continue;
        }
        // An output folder that was a link: the link goes, not what it points to.
        if meta.file_type().is_symlink() {
            let _ = fs::remove_file(dir);
            continue;
        }
        // An output folder that was empty when the first build took it has no marker.
        if fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) {
            let _ = fs::remove_dir(dir);
            continue;
        }
        if !dir.join(MARKER).is_file() {
            continue;
        }
        // The marker goes last, so that a removal cut short leaves a folder the next
        // build still knows as a previous output.
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.filter_map(Result::ok) {
                if entry.file_name() == MARKER {
                    continue;
                }
                let path = entry.path();
                let _ = match entry.file_type() {
                    Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
                    _ => fs::remove_file(&path),
                };
            }
        }
        let _ = fs::remove_dir_all(dir);
    }
}

/// Removes a folder if it is there (a failed build's staging folder).
pub fn remove_dir_if_exists(dir: &Path) {
    if dir.exists() {
        let _ = fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file is read whole whatever its size: empty, within the room made for it, or
    /// larger; in a thread's buffer too, after a larger file and after one too large
    /// to keep the room of.
    #[test]
    fn reads_a_text_file_of_any_size_whole() {
        let dir = tempfile::tempdir().unwrap();
        for len in [
            0,
            5,
            TEXT_FILE - 1,
            TEXT_FILE,
            TEXT_FILE + 1,
            5 * TEXT_FILE + 3,
            70 * TEXT_FILE,
            2,
        ] {
            let text: String = "æøå barnevern\n".chars().cycle().take(len).collect();
            let path = dir.path().join(format!("{len}.md"));
            std::fs::write(&path, &text).unwrap();
            assert_eq!(read_text(&path, "content/x.md").unwrap(), text, "{len}");
            let shared = read_shared_text(&path, "content/x.md").unwrap();
            assert_eq!(&*shared, text, "{len}");
        }
    }

    #[test]
    fn knows_editor_temp_files() {
        for n in [
            ".om.md.swp",
            "om.md~",
            "#om.md#",
            ".#om.md",
            "4913",
            "om.md.tmp",
        ] {
            assert!(is_editor_temp(n), "{n}");
        }
        assert!(!is_editor_temp("om.md"));
    }

    #[test]
    fn reads_bom_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\n").unwrap();
        assert_eq!(read_text(&p, "a.md").unwrap(), "---\ntitle: A\n---\n");
        assert_eq!(
            &*read_shared_text(&p, "a.md").unwrap(),
            "---\ntitle: A\n---\n"
        );
    }

    #[test]
    fn names_the_line_of_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, b"---\ntitle: \xff\n---\n").unwrap();
        let d = read_text(&p, "a.md").unwrap_err();
        assert_eq!(d.position(), "a.md:2:8");
        let d = read_shared_text(&p, "a.md").unwrap_err();
        assert_eq!(d.position(), "a.md:2:8");
        // A file that is not there is named as the writer knows it.
        let d = read_shared_text(&dir.path().join("b.md"), "content/b.md").unwrap_err();
        assert_eq!(d.path, "content/b.md");
    }

    #[test]
    fn only_previous_outputs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let old = sibling(&out, "old");
        let unmarked = dir.path().join(".output.old-1");
        let other = dir.path().join("site");
        for d in [&old, &unmarked, &other] {
            fs::create_dir(d).unwrap();
        }
        fs::write(old.join(MARKER), "").unwrap();
        fs::write(unmarked.join("notat.txt"), "ikke mandat sitt").unwrap();
        fs::create_dir(old.join("om")).unwrap();
        fs::write(old.join("om/index.html"), "gammel").unwrap();
        fs::write(other.join(MARKER), "").unwrap();
        let empty = dir.path().join(".output.old-2");
        fs::create_dir(&empty).unwrap();
        let target = dir.path().join("releases");
        fs::create_dir(&target).unwrap();
        fs::write(target.join(MARKER), "").unwrap();
        fs::write(target.join("index.html"), "live").unwrap();
        let link = dir.path().join(".output.old-3");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(leftovers(&out).len() >= 3);
        remove_previous_outputs(&[
            old.clone(),
            unmarked.clone(),
            other.clone(),
            empty.clone(),
            link.clone(),
        ]);
        assert!(!old.exists(), "a marked .output.old-PID folder goes");
        assert!(!empty.exists(), "an empty one goes");
        #[cfg(unix)]
        {
            assert!(
                !link.exists() && link.symlink_metadata().is_err(),
                "a link goes"
            );
            assert!(
                target.join("index.html").is_file(),
                "what it pointed to stays"
            );
        }
        assert!(unmarked.exists(), "a folder without the marker stays");
        assert!(
            other.exists(),
            "a folder not named like a previous output stays"
        );
    }

    #[test]
    fn a_full_disk_is_named_by_the_output_folder() {
        let out = Path::new("/srv/site/output");
        let file = staging_dir(out).join("aktorer/ks/index.html");
        assert_eq!(output_of(&file).as_deref(), Some(out));
        assert_eq!(output_of(Path::new("/srv/site/output/index.html")), None);
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let a = write_error(&file, "write the file", &full);
        let b = write_error(
            &staging_dir(out).join("om/index.html"),
            "write the file",
            &full,
        );
        assert_eq!(
            a.diagnostics(),
            b.diagnostics(),
            "one message for every file"
        );
        assert_eq!(a.diagnostics()[0].path, "/srv/site/output");
    }

    #[test]
    fn check_output_refuses_files_and_folders_inside_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content/pages")).unwrap();
        let file = dir.path().join("fil");
        fs::write(&file, "x").unwrap();
        assert!(check_output(&root, &file).is_err());
        assert!(check_output(&root, &root.join("content/pages/ut/ny")).is_err());
        assert!(check_output(&root, &root.join("output")).is_ok());
        assert!(check_output(&root, &dir.path().join("ut")).is_ok());
        assert!(
            check_output(&root, dir.path()).is_err(),
            "a folder holding the site"
        );
    }

    #[test]
    fn swap_replaces_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        let staging = staging_dir(&out);
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("index.html"), "new").unwrap();
        let old = swap_into_place(&staging, &out)
            .unwrap()
            .expect("the old output");
        assert!(!out.join("stale.html").exists());
        assert_eq!(fs::read_to_string(old.join("stale.html")).unwrap(), "old");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!staging.exists());
    }
}
