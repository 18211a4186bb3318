//! File access with the path in every error, the editor-temp-file test, and the
//! atomic swap that keeps the previous output whole when a build fails.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{io_diagnostic, Diagnostic, Error};

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
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_owned()
    })
}

/// Writes `bytes` to `path`, creating the folders above it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", &e))?;
    }
    fs::write(path, bytes).map_err(|e| Error::io(path, "write the file", &e))
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
/// first and only removed once the new one is in place; if the swap fails it is put back.
pub fn swap_into_place(staging: &Path, out: &Path) -> Result<(), Error> {
    let old = sibling(out, "old");
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
    if had_old {
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, "remove the previous output", &e))?;
    }
    Ok(())
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
    fn swap_replaces_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        let staging = staging_dir(&out);
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("index.html"), "new").unwrap();
        swap_into_place(&staging, &out).unwrap();
        assert!(!out.join("stale.html").exists());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!staging.exists());
    }
}
