//! A record file's text. Read with its file, or, for a page whose file is as the
//! previous build read it (`load::Fronts`), known by the hash of what that build read and
//! read only if something asks for it: a diagnostic that points into it, or a body that
//! must be rendered again. On a large site, one edit then reads the pages it needs, not
//! all. A build also lets a page's text go once it has the front matter (`load`), and
//! reads it again only while it renders the body (`FileText::detached`).

use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// Where an unread text is read from, the path its problems are shown under, and
    /// where it says it was read (boxed: most texts are read with their files, and a
    /// large site has many).
    unread: Option<Box<(PathBuf, String, Arc<Reads>)>>,
    /// Whether it has been read from its file (`Reads` counts each text once, however
    /// often it is read detached).
    read: AtomicBool,
}

/// What became of one build's unread texts: how many were read after all, and the first
/// whose file, when it was, no longer held the text the earlier build saw (or could not
/// be read). A build that made pages from what that build saw of such a file has mixed
/// two versions of it: it must not publish or keep what it made.
#[derive(Debug, Default)]
pub struct Reads {
    read: AtomicUsize,
    changed: Mutex<Option<String>>,
}

impl Reads {
    /// How many unread texts were read.
    pub fn read(&self) -> usize {
        self.read.load(Ordering::Relaxed)
    }

    /// The path (as shown) of the first file found changed when it was read.
    pub fn changed(&self) -> Option<String> {
        self.changed.lock().ok().and_then(|c| c.clone())
    }

    /// Notes a read of the text shown as `shown` (counted when it is the text's `first`),
    /// and whether the file held the text it was known by.
    fn note(&self, shown: &str, same: bool, first: bool) {
        self.read.fetch_add(usize::from(first), Ordering::Relaxed);
        if !same {
            if let Ok(mut changed) = self.changed.lock() {
                changed.get_or_insert_with(|| shown.to_owned());
            }
        }
    }
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
    /// `stat` and its text hashed to `hash`. Read the first time it is looked at, and
    /// noted in `reads`, with whether it still hashes to `hash` (a file that cannot be
    /// read by then reads as empty, and does not).
    pub fn unread(
        path: PathBuf,
        shown: String,
        (stat, hash): (Stat, u64),
        reads: Arc<Reads>,
    ) -> FileText {
        FileText(Arc::new(Inner {
            text: OnceLock::new(),
            hash,
            stat: Some(stat),
            unread: Some(Box::new((path, shown, reads))),
            read: AtomicBool::new(false),
        }))
    }

    fn new(text: Arc<str>, stat: Option<Stat>) -> FileText {
        let hash = hash_of(&text);
        FileText(Arc::new(Inner {
            text: OnceLock::from(text),
            hash,
            stat,
            unread: None,
            read: AtomicBool::new(false),
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

    /// The text, read from its file if it has not been, and then not kept: a build that
    /// let its pages' texts go once it had their front matter (`load`) reads each again
    /// only while it renders the body, or compares it with a frozen version's.
    pub fn detached(&self) -> Arc<str> {
        match self.0.text.get() {
            Some(text) => Arc::clone(text),
            None => self.read_unread(),
        }
    }

    /// Reads an unread text from its file, noting in its `Reads` whether the file still
    /// holds the text it was known by (a file that cannot be read reads as empty).
    fn read_unread(&self) -> Arc<str> {
        let Some(unread) = &self.0.unread else {
            return Arc::from("");
        };
        let (path, shown, reads) = &**unread;
        let text = crate::fs::read_shared_text(path, shown).ok();
        let same = text.as_deref().is_some_and(|t| hash_of(t) == self.0.hash)
            && !crate::fs::faulty("unread-changed");
        let first = !self.0.read.swap(true, Ordering::Relaxed);
        reads.note(shown, same, first);
        text.unwrap_or_else(|| Arc::from(""))
    }
}

fn hash_of(text: &str) -> u64 {
    crate::kept::hash64(text)
}

impl Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.text.get_or_init(|| self.read_unread())
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
        let reads = Arc::new(Reads::default());
        let unread = |path: &Path, hash| {
            FileText::unread(
                path.to_owned(),
                "side.md".into(),
                (stat, hash),
                Arc::clone(&reads),
            )
        };
        let text = unread(&path, read.hash64());
        assert!(text.is_unread());
        assert_eq!(text.hash64(), read.hash64());
        assert_eq!(reads.read(), 0);
        assert_eq!(text, read);
        assert!(!text.is_unread());
        assert!(!FileText::same(&text, &read));
        assert!(FileText::same(&text, &text.clone()));
        assert_eq!((reads.read(), reads.changed()), (1, None));
        // Changed since the build that read it: read as it is now, and noted.
        std::fs::write(&path, "---\ntitle: Ny\n---\n").unwrap();
        assert_eq!(&*unread(&path, read.hash64()), "---\ntitle: Ny\n---\n");
        assert_eq!((reads.read(), reads.changed()), (2, Some("side.md".into())));
        // Gone by the time it is looked at: empty, and noted.
        let gone = Arc::new(Reads::default());
        let missing = dir.path().join("borte.md");
        let text = FileText::unread(missing, "borte.md".into(), (stat, 1), Arc::clone(&gone));
        assert_eq!(&*text, "");
        assert_eq!(gone.changed(), Some("borte.md".into()));
    }

    /// Read detached, an unread text is read each time and never kept, with each read
    /// checked and noted as when it is looked at; a text already read is given as it is.
    #[test]
    fn a_detached_read_does_not_keep_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("side.md");
        std::fs::write(&path, "---\ntitle: Side\n---\nTekst.\n").unwrap();
        let read = FileText::read(&path, "side.md", crate::fs::stat_of(&path)).unwrap();
        let stat = read.stat().cloned().unwrap();
        let reads = Arc::new(Reads::default());
        let text = FileText::unread(
            path.clone(),
            "side.md".into(),
            (stat, read.hash64()),
            Arc::clone(&reads),
        );
        // Counted once, as the one text it is.
        for _ in 0..2 {
            assert_eq!(&*text.detached(), &*read);
            assert!(text.is_unread());
            assert_eq!((reads.read(), reads.changed()), (1, None));
        }
        assert!(Arc::ptr_eq(&read.detached(), &read.detached()));
        std::fs::write(&path, "---\ntitle: Ny\n---\n").unwrap();
        assert_eq!(&*text.detached(), "---\ntitle: Ny\n---\n");
        assert_eq!(reads.changed(), Some("side.md".into()));
    }

    #[test]
    fn texts_compare_by_what_they_say() {
        assert_eq!(FileText::from("a"), FileText::from(String::from("a")));
        assert_ne!(FileText::from("a"), FileText::from("b"));
        assert_eq!(FileText::from("a").hash64(), FileText::from("a").hash64());
    }
}
