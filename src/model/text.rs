//! A record file's text. Read with its file, or, for a page whose file is as the
//! previous build read it (`load::Fronts`), known by the hash of what that build read and
//! read only if something asks for it: a diagnostic that points into it, or a body that
//! must be rendered again. On a large site, one edit then reads one page, not all.

use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::error::Diagnostic;
use crate::fs::Stat;

/// The text of a file (BOM stripped, CRLF made LF: `fs::read_shared_text`), shared by
/// every clone. Compared by hash first, then by text.
#[derive(Clone)]
pub struct FileText(Arc<Inner>);

struct Inner {
    text: OnceLock<Arc<str>>,
    /// `hash64` of the text.
    hash: u64,
    /// What the system kept of the file when it was read, for the next build to know it
    /// by (none for text not read from a file).
    stat: Option<Stat>,
    /// Where an unread text is read from, and the path its problems are shown under
    /// (boxed: most texts are read with their files, and a large site has many).
    unread: Option<Box<(PathBuf, String)>>,
}

impl FileText {
    /// Reads the file at `path`, shown as `shown`, found with `stat` (`fs::stat_of`)
    /// just before: a file written since has a later one, which the next build will not
    /// take for this text.
    pub fn read(path: &Path, shown: &str, stat: Option<Stat>) -> Result<FileText, Diagnostic> {
        let text = crate::fs::read_shared_text(path, shown)?;
        Ok(FileText::new(text, stat))
    }

    /// A text not read yet: the file at `path` as a build read it, when its `stat` was
    /// `stat` and its text hashed to `hash`. Read the first time it is looked at; a file
    /// that cannot be read by then reads as empty (the next build sees the change).
    pub fn unread(path: PathBuf, shown: String, stat: Stat, hash: u64) -> FileText {
        FileText(Arc::new(Inner {
            text: OnceLock::new(),
            hash,
            stat: Some(stat),
            unread: Some(Box::new((path, shown))),
        }))
    }

    fn new(text: Arc<str>, stat: Option<Stat>) -> FileText {
        let hash = hash_of(&text);
        FileText(Arc::new(Inner {
            text: OnceLock::from(text),
            hash,
            stat,
            unread: None,
        }))
    }

    /// A hash of the text, known without reading it.
    pub fn hash64(&self) -> u64 {
        self.0.hash
    }

    /// What the system kept of the file as it was read (or as the build that read it
    /// found it).
    pub fn stat(&self) -> Option<&Stat> {
        self.0.stat.as_ref()
    }

    /// Whether the text has not been read (yet).
    pub fn is_unread(&self) -> bool {
        self.0.text.get().is_none()
    }

    /// Whether `a` and `b` are clones of one text.
    pub fn same(a: &FileText, b: &FileText) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

fn hash_of(text: &str) -> u64 {
    crate::kept::hash64(text)
}

impl Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.text.get_or_init(|| {
            self.0
                .unread
                .as_ref()
                .and_then(|u| crate::fs::read_shared_text(&u.0, &u.1).ok())
                .unwrap_or_else(|| Arc::from(""))
        })
    }
}

impl PartialEq for FileText {
    fn eq(&self, other: &FileText) -> bool {
        FileText::same(self, other) || (self.hash64() == other.hash64() && **self == **other)
    }
}

impl fmt::Debug for FileText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl From<Arc<str>> for FileText {
    fn from(text: Arc<str>) -> FileText {
        FileText::new(text, None)
    }
}

impl From<&str> for FileText {
    fn from(text: &str) -> FileText {
        FileText::new(Arc::from(text), None)
    }
}

impl From<String> for FileText {
    fn from(text: String) -> FileText {
        FileText::new(Arc::from(text), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unread text is read when first looked at, and is then what reading gives;
    /// its hash is known before.
    #[test]
    fn an_unread_text_is_read_when_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("side.md");
        std::fs::write(&path, "\u{feff}---\r\ntitle: Side\r\n---\r\nTekst.\r\n").unwrap();
        let stat = crate::fs::stat_of(&path);
        let read = FileText::read(&path, "content/pages/side.md", stat).unwrap();
        assert_eq!(&*read, "---\ntitle: Side\n---\nTekst.\n");
        assert!(read.stat().is_some());
        let stat = read.stat().cloned().unwrap();
        let unread = FileText::unread(path.clone(), "side.md".into(), stat, read.hash64());
        assert!(unread.is_unread());
        assert_eq!(unread.hash64(), read.hash64());
        assert_eq!(unread, read);
        assert!(!unread.is_unread());
        assert!(!FileText::same(&unread, &read));
        assert!(FileText::same(&unread, &unread.clone()));
        // Gone by the time it is looked at: empty.
        let gone = FileText::unread(
            dir.path().join("borte.md"),
            "borte.md".into(),
            Stat::default(),
            1,
        );
        assert_eq!(&*gone, "");
    }

    #[test]
    fn texts_compare_by_what_they_say() {
        assert_eq!(FileText::from("a"), FileText::from(String::from("a")));
        assert_ne!(FileText::from("a"), FileText::from("b"));
        assert_eq!(FileText::from("a").hash64(), FileText::from("a").hash64());
    }
}
