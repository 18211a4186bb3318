//! The files of an output folder as a build left them, each with what the system keeps
//! of it: recorded in the manifest, so that the next build links a file into its output
//! only if it is still as it was left (`Written::keep`), and finds an output changed by
//! hand (`Manifest::intact`).

use std::path::Path;

use rayon::prelude::*;

use crate::fs::{stat, Stat};

/// A file of an output folder: its path below the folder, with `/` between folders, and
/// what the system keeps of it.
pub type OutputFile = (String, Stat);

/// The files a build put in its output, each with what the system kept of it as it was
/// put there: its size, times and inode, which a file changed by hand since no longer
/// has. (Not the status-change time: removing the previous output, whose unchanged files
/// the new one links to, changes it.) An empty folder is not recorded, as it changes
/// nothing a reader is sent.
#[derive(Default)]
pub struct Written {
    files: Vec<OutputFile>,
    /// A file that could not be read back: then the output is read (`store`).
    pub(super) unknown: bool,
}

impl Written {
    /// The files in the folder `out` as they are now.
    pub(super) fn found_in(out: &Path) -> Option<Written> {
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
    pub(super) fn sorted(mut self) -> Vec<OutputFile> {
        self.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.files
    }
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
