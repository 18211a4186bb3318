//! File access with the path in every error, the editor-temp-file test, and the
//! atomic swap that keeps the previous output whole when a build fails.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{io_diagnostic, Diagnostic, Error};

/// Marks a folder as one mandat wrote, so it may be replaced by the next build.
pub const MARKER: &str = ".mandat-output";

/// Files editors write beside the real one while saving: never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
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

/// Reads a text file: UTF-8 checked (with the line of the first bad byte), BOM stripped,
/// CRLF made LF so lines and columns match what the editor shows.
pub fn read_text(path: &Path, display: &str) -> Result<String, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| {
        let mut d = io_diagnostic(path, "read the file", &e);
        d.path = display.to_owned();
        d
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            return Err(Diagnostic::error(display, "the file is not valid UTF-8 text")
                .at(&lossy, line, column, 1)
                .hint("save the file with the encoding UTF-8 (in most editors: \"Save with encoding\" or \"Reopen with encoding\")"));
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

/// Writes `bytes` to `path`, creating the folders above it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", &e))?;
    }
    fs::write(path, bytes).map_err(|e| Error::io(path, "write the file", &e))
}

/// Writes `bytes` to `path` like `write`, unless the previous build's file `old` holds
/// exactly these bytes: then `path` becomes a hard link to it. Most files of a rebuild
/// are unchanged, and a link is far cheaper for the disk than a new file, both now and
/// when the previous output is removed (its unchanged files' blocks stay in use).
pub fn write_or_link(path: &Path, bytes: &[u8], old: Option<&Path>) -> Result<(), Error> {
    if let Some(old) = old {
        let same = fs::metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(old).is_ok_and(|b| b == bytes);
        if same {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| Error::io(parent, "create the folder", &e))?;
            }
            // A file system without hard links gets a copy written instead.
            if fs::hard_link(old, path).is_ok() {
                return Ok(());
            }
        }
    }
    write(path, bytes)
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
    let name = out
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let path = out.with_file_name(format!(".{name}.lock"));
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
    let name = out
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Puts the finished `staging` folder in place of `out`. The old output is moved aside
/// first and put back if the swap fails; once the new one is in place, it is returned
/// for the caller to remove (see `remove_in_background`).
pub fn swap_into_place(staging: &Path, out: &Path) -> Result<Option<PathBuf>, Error> {
    // Named for this moment too, not only this process: in a container every build is
    // process 1, and a removal cut short must not block the next build's rename.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let old = sibling(out, &format!("old-{nanos}"));
    let had_old = out.exists();
    if had_old {
        fs::rename(out, &old).map_err(|e| Error::io(out, "move the previous output aside", &e))?;
    }
    if let Err(e) = fs::rename(staging, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(Error::io(out, "put the new output in place", &e));
    }
    Ok(had_old.then_some(old))
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

/// Previous outputs of `out` still beside it: `.NAME.old-PID` folders.
fn leftovers(out: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Vec::new();
    };
    let prefix = format!(".{}.old-", name.to_string_lossy());
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    fs::read_dir(parent)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
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
    }

    #[test]
    fn names_the_line_of_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, b"---\ntitle: \xff\n---\n").unwrap();
        let d = read_text(&p, "a.md").unwrap_err();
        assert_eq!(d.position(), "a.md:2:8");
    }

    #[test]
    fn unchanged_files_are_linked_changed_ones_written() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.html");
        fs::write(&old, "same").unwrap();
        let linked = dir.path().join("new/a/index.html");
        write_or_link(&linked, b"same", Some(&old)).unwrap();
        let written = dir.path().join("new/b/index.html");
        write_or_link(&written, b"other", Some(&old)).unwrap();
        let fresh = dir.path().join("new/c/index.html");
        write_or_link(&fresh, b"same", Some(&dir.path().join("missing"))).unwrap();

        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            assert_eq!(
                fs::metadata(&linked).unwrap().ino(),
                fs::metadata(&old).unwrap().ino()
            );
            assert_ne!(
                fs::metadata(&written).unwrap().ino(),
                fs::metadata(&old).unwrap().ino()
            );
        }
        assert_eq!(fs::read_to_string(&linked).unwrap(), "same");
        assert_eq!(fs::read_to_string(&written).unwrap(), "other");
        assert_eq!(fs::read_to_string(&fresh).unwrap(), "same");
        assert_eq!(
            fs::read_to_string(&old).unwrap(),
            "same",
            "the old file is untouched"
        );
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
