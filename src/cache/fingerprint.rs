//! The key of everything a build reads: every file and folder under `content/` and
//! `themes/` as the system keeps them, the options that change what is written, and
//! this `mandat`. Two builds with the same key write the same files, so a build that
//! finds the key of the previous one, with its output as that build left it
//! (`Manifest::intact`), has nothing to do.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::FORMAT;
use crate::fs::{stat, Found, Stat};

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

/// This `mandat`: another build of it may render differently under the same version.
/// When the running program cannot be found, a key no other run has: then nothing an
/// earlier run kept (cache, bodies, front matter) is taken.
pub(super) fn binary() -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write_files(dir: &Path, rels: &[&str]) {
        for rel in rels {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, rel).unwrap();
        }
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
}
