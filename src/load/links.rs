//! Symbolic links inside the site: followed when they stay inside the site folder,
//! refused (without reading what they point to) when they lead out of it.
//! `ln -s /etc/passwd content/pages/passwd.txt` must never publish the password file.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;

/// The folders a link may lead into: the site root, and the real place of the folder
/// being walked (a `content` that is itself a link to elsewhere is still the site's).
#[derive(Debug, Clone)]
pub struct Allowed {
    roots: Vec<PathBuf>,
}

impl Allowed {
    /// Links below `dir` may lead into `root` or into `dir` itself, compared as canonical
    /// paths (every link and `..` resolved), so `content/x -> ../../etc` is caught.
    pub fn new(root: &Path, dir: &Path) -> Allowed {
        let roots = [root, dir]
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        Allowed { roots }
    }

    /// `Ok` when `path` is not a link, or a link whose target lies inside the site;
    /// otherwise where it leads. Nothing of the target is read: only its path is resolved.
    pub fn check(&self, path: &Path) -> Result<(), Escape> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => self.check_link(path),
            _ => Ok(()),
        }
    }

    fn check_link(&self, link: &Path) -> Result<(), Escape> {
        let written = std::fs::read_link(link).unwrap_or_default();
        let escape = || Escape {
            link: link.to_path_buf(),
            target: written.clone(),
        };
        // A target that does not exist is reported by the walk (as a dangling link).
        let Ok(real) = std::fs::canonicalize(link) else {
            return Ok(());
        };
        if self.roots.iter().any(|r| real.starts_with(r)) {
            Ok(())
        } else {
            Err(escape())
        }
    }
}

/// A link that leads out of the site: the link and its target as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escape {
    pub link: PathBuf,
    pub target: PathBuf,
}

impl Escape {
    /// The error, with the link named as the user knows it (`content/pages/x.txt`).
    pub fn diagnostic(&self, shown: &str) -> Diagnostic {
        Diagnostic::error(
            shown,
            format!(
                "this shortcut (symbolic link) points to {}, outside the site folder, so it is not read",
                self.target.display()
            ),
        )
        .hint(format!(
            "mandat publishes only files inside the site folder: copy the file into the site instead of linking to it, or remove the shortcut {shown}"
        ))
    }
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the shortcut (symbolic link) {} points to {}, outside the site folder",
            self.link.display(),
            self.target.display()
        )
    }
}

/// What a walk of a site folder finds: an entry, a link that leads out of the site,
/// or a folder that could not be read.
#[derive(Debug)]
pub enum Problem {
    Walk(walkdir::Error),
    Escape(Escape),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Walk(e) => write!(f, "{e}"),
            Problem::Escape(e) => write!(f, "{e}"),
        }
    }
}

/// Walks `dir` in file-name order, following links that stay inside the site and
/// refusing the others: an outside folder is not entered, an outside file not listed.
/// `keep` filters entries (and so folders' contents) as `walkdir`'s `filter_entry`.
pub fn walk<P>(dir: &Path, allowed: Allowed, keep: P) -> Walk<P>
where
    P: FnMut(&walkdir::DirEntry) -> bool,
{
    Walk {
        inner: walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(keep),
        allowed,
    }
}

pub struct Walk<P> {
    inner: walkdir::FilterEntry<walkdir::IntoIter, P>,
    allowed: Allowed,
}

impl<P> Iterator for Walk<P>
where
    P: FnMut(&walkdir::DirEntry) -> bool,
{
    type Item = Result<walkdir::DirEntry, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        let entry = match self.inner.next()? {
            Ok(e) => e,
            Err(e) => return Some(Err(Problem::Walk(e))),
        };
        // Only links need resolving; walkdir knows which entries are links already.
        if entry.path_is_symlink() {
            if let Err(escape) = self.allowed.check_link(entry.path()) {
                if entry.file_type().is_dir() {
                    self.inner.skip_current_dir();
                }
                return Some(Err(Problem::Escape(escape)));
            }
        }
        Some(Ok(entry))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn follows_links_inside_and_refuses_links_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "hemmelig").unwrap();
        std::fs::create_dir(outside.path().join("dir")).unwrap();
        std::fs::write(outside.path().join("dir/a.md"), "x").unwrap();
        let site = tempfile::tempdir().unwrap();
        let content = site.path().join("content");
        std::fs::create_dir_all(content.join("pages")).unwrap();
        std::fs::write(site.path().join("notes.md"), "inne").unwrap();
        symlink(
            outside.path().join("secret"),
            content.join("pages/secret.txt"),
        )
        .unwrap();
        symlink(outside.path().join("dir"), content.join("pages/dir")).unwrap();
        symlink("../../notes.md", content.join("pages/notes.md")).unwrap();
        let allowed = Allowed::new(site.path(), &content);
        let mut files = Vec::new();
        let mut escapes = Vec::new();
        for item in walk(&content, allowed.clone(), |_| true) {
            match item {
                Ok(e) if e.file_type().is_file() => files.push(e.file_name().to_owned()),
                Ok(_) => {}
                Err(Problem::Escape(e)) => escapes.push(e.link),
                Err(Problem::Walk(e)) => panic!("{e}"),
            }
        }
        assert_eq!(files, ["notes.md"], "the link inside the site is followed");
        assert_eq!(
            escapes,
            [content.join("pages/dir"), content.join("pages/secret.txt")]
        );
        assert!(allowed.check(&content.join("pages/secret.txt")).is_err());
        assert!(allowed.check(&content.join("pages/notes.md")).is_ok());
    }
}
