//! What the last build read of its pages' front matter, kept beside its output
//! (cache/) so that the next build parses only the front matter that changed: on a
//! large site, reading every page's YAML again is most of a rebuild's load.
//!
//! A page's fields are kept under a hash of its file's path and its front matter's text
//! (the `---` lines included), so that, as with the bodies, each page is compared only
//! with itself. With them is what the system kept of the file when it was read (its
//! size, times and inode, as `cache::fingerprint` knows files), the hash of its text and
//! where its body starts: a page whose file is still so is made without reading it
//! (`model::FileText` reads it if anything asks). They are stored once the site has
//! loaded and been checked without a mistake (a build that fails there stores nothing;
//! one that fails later stores fields read without a mistake). Reading them from YAML
//! depends on nothing but the text (the site's language is applied after), and the file
//! names the `mandat` that wrote it, so what is taken is what parsing the same text
//! gives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::fs::Stat;
use crate::kept::{self, hash64};
use crate::model::{Page, PageMeta, Reads};

/// Pages' fields by the hash of their file and front matter's text (`key`), each taken
/// (not copied) by the page that has it, so that a large site's fields are not held
/// twice while it loads; with where each is in the file read (`from`), from which `write`
/// copies the lines of the pages whose front matter is as it was.
#[derive(Default)]
pub struct Fronts {
    known: HashMap<u64, (Untaken, kept::Span, Option<Seen>)>,
    /// The key of each page's fields kept with its file (`Seen`), by `file_key`.
    by_file: HashMap<u64, u64>,
    /// How many pages took their fields from here, and how many of them were not read.
    taken: AtomicUsize,
    unread: AtomicUsize,
    /// What became of the texts of the pages made without reading their files.
    reads: Arc<Reads>,
    /// What became of the texts this build read and let go (`let_go`), read again for
    /// their bodies: apart, so that `taken` counts only the pages never read.
    let_go: Arc<Reads>,
    /// Whether pages' files are known by their `stat` as they are read, for the next
    /// build (`for_next_build`): nothing else keeps what it read.
    knows_files: bool,
    /// What the system kept of the files under `content/` as the build found them
    /// (`cache::fingerprint`), for their `stat`: each is asked for once. Let go once
    /// the site is loaded (`loaded`): 100,000 paths at 100,000 pages.
    found: Mutex<crate::fs::Found>,
    from: Option<std::fs::File>,
}

/// A page's file as the build that read it found it (if it had not been written for a
/// while: `fs::settled`): its path, what the system kept of it, the hash of its text
/// (`FileText::hash64`) and where its body starts. A file with the same `stat` has the
/// same text (the status-change time, to the nanosecond, changes with every write), so
/// its page is made from these and its kept fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The file, as its page's `source.path` shows it.
    pub path: String,
    pub stat: Stat,
    pub text: u64,
    pub body_at: usize,
    pub body_line: usize,
}

impl Seen {
    /// How `page`'s file was found, if it was read from a file (or made from one).
    fn of(page: &Page) -> Option<Seen> {
        Some(Seen {
            path: page.source.path.clone(),
            stat: page.source.text.stat().cloned()?,
            text: page.source.text.hash64(),
            body_at: page.body_at,
            body_line: page.source.body_line,
        })
    }
}

/// A line of the file: a page's key, fields and file.
type Line = (u64, Box<PageMeta>, Option<Seen>);

/// A page's fields, until the page takes them.
type Untaken = Mutex<Option<Box<PageMeta>>>;

impl Fronts {
    /// Reads what `write` wrote, from the offset `start` of its file on; a line that
    /// cannot be read is left out (its page's front matter is parsed).
    pub fn read(file: impl std::io::BufRead, start: u64) -> Fronts {
        let mut known = HashMap::new();
        kept::read(file, start, |part: Vec<(Line, kept::Span)>| {
            known.extend(
                part.into_iter()
                    .map(|((k, m, seen), span)| (k, (Mutex::new(Some(m)), span, seen))),
            );
        });
        let by_file = known
            .iter()
            .filter_map(|(key, (_, _, seen))| {
                let seen = seen.as_ref()?;
                Some((file_key(&seen.path, &seen.stat), *key))
            })
            .collect();
        Fronts {
            known,
            by_file,
            ..Fronts::default()
        }
    }

    /// The file `read` read, for `write` to copy the lines still true from.
    pub fn copying_from(self, from: Option<std::fs::File>) -> Fronts {
        Fronts { from, ..self }
    }

    /// These, for a build that keeps its pages' fields for the next: its pages' files
    /// are known by their `stat` as they are read (`Seen`), as `found` has it where it
    /// has the file (taken before it is read, as a `stat` must be).
    pub fn for_next_build(self, found: crate::fs::Found) -> Fronts {
        Fronts {
            knows_files: true,
            found: Mutex::new(found),
            ..self
        }
    }

    /// Whether pages' files are to be known by their `stat` (`for_next_build`).
    pub(super) fn knows_files(&self) -> bool {
        self.knows_files
    }

    /// The `stat` of the file at `path`, as the build found it or else as it is now.
    pub(super) fn stat_of(&self, path: &std::path::Path) -> Option<Stat> {
        let found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let stat = found.get(path).cloned();
        drop(found);
        stat.or_else(|| crate::fs::stat_of(path))
    }

    /// The site is loaded: what the build found of its files is not needed again.
    pub fn loaded(&self) {
        drop(std::mem::take(
            &mut *self.found.lock().unwrap_or_else(|e| e.into_inner()),
        ));
    }

    /// How many pages took their fields from here, and how many of those were made
    /// without reading their files (and are still not read: `reads`).
    pub fn taken(&self) -> (usize, usize) {
        let unread = self.unread.load(Ordering::Relaxed);
        (
            self.taken.load(Ordering::Relaxed),
            unread.saturating_sub(self.reads.read()),
        )
    }

    /// What became of the texts of the pages made without reading their files: the
    /// build checks that none was found changed before it keeps or publishes anything.
    pub fn reads(&self) -> &Arc<Reads> {
        &self.reads
    }

    /// Where a page's text this build read and lets go (`load`) notes that it was read
    /// again, and whether its file still held it.
    pub fn let_go(&self) -> &Arc<Reads> {
        &self.let_go
    }

    /// The file (as shown) of the first text found changed when it was read again: the
    /// build checks that there is none before it keeps or publishes anything.
    pub fn changed(&self) -> Option<String> {
        self.reads.changed().or_else(|| self.let_go.changed())
    }

    /// Writes the fields of `pages`, a line each. A page whose front matter was read
    /// before, from a file found as it is now, has the line it was read from: its key
    /// says the path and the text, its fields depend on nothing else, and the rest of the
    /// line is its file.
    pub fn write(&self, pages: &[Page], out: &mut impl std::io::Write) -> std::io::Result<()> {
        let line = |p: &Page| {
            let seen = Seen::of(p);
            match self.known.get(&p.front) {
                Some((_, span, was)) if self.from.is_some() && *was == seen => {
                    kept::Line::Copy(*span)
                }
                _ => kept::Line::Json(kept::json(&(p.front, &p.meta, &seen))),
            }
        };
        kept::write(pages, line, self.from.as_ref(), out)
    }

    /// The fields kept under `key` (`key`), if known and not yet taken.
    pub(super) fn take(&self, key: u64) -> Option<PageMeta> {
        if self.known.is_empty() {
            return None;
        }
        let meta = self.known.get(&key)?.0.lock().ok()?.take()?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        Some(*meta)
    }

    /// The fields, key and file of the page whose file, shown as `path`, was read with
    /// the `stat` it has now, if known and not yet taken: its page is made from them.
    pub(super) fn take_file(&self, path: &str, stat: &Stat) -> Option<(u64, PageMeta, Seen)> {
        if self.by_file.is_empty() {
            return None;
        }
        let key = *self.by_file.get(&file_key(path, stat))?;
        let (untaken, _, seen) = self.known.get(&key)?;
        let seen = seen
            .as_ref()
            .filter(|s| s.path == path && s.stat == *stat)?;
        let meta = untaken.lock().ok()?.take()?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        self.unread.fetch_add(1, Ordering::Relaxed);
        Some((key, *meta, seen.clone()))
    }
}

/// The key a page's fields are kept under: a hash of its file, as `source.path` shows
/// it, and the text of its front matter (the `---` lines included).
pub fn key(path: &str, front: &str) -> u64 {
    hash64((path, front))
}

fn file_key(path: &str, stat: &Stat) -> u64 {
    hash64((path, stat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Every field a page's front matter can have, and some it need not.
    const PAGES: [&str; 3] = [
        "---\ntitle: \"Om: «tillit»\"\n---\nTekst.\n",
        "---\ntitle: Tillit\ndate: 2020-09\nupdated: høsten 2021\nlang: nn\nsummary: Kort.\n\
         tags: [tillit, ks]\nauthor: Kommunikasjon\ninitiatives: [tillitsreformen]\n\
         draft: true\nweight: -3\nsource:\n  title: Avtale\n  publisher: KS\n  date: 2020\n  \
         reference: \"20/1\"\n  url: https://www.ks.no/\naliases: [/gammel/]\n---\n\nTekst.\n",
        "---\ntitle: Tom\ndate: 2005\n---\n",
    ];

    fn page(config: &Config, text: &str, fronts: &Fronts) -> Page {
        let read = super::super::parse_text_record(
            config,
            "pages/side.md",
            text.into(),
            super::super::Kind::Page,
            fronts,
        );
        match read {
            Ok(crate::load::Record::Page(p)) => *p,
            _ => panic!("not read: {text}"),
        }
    }

    /// A page read with its kept fields is the page parsed from its YAML.
    #[test]
    fn kept_fields_are_the_parsed_fields() {
        let config = Config::fallback(&crate::config::resolve_paths(None, None, None));
        let parsed: Vec<Page> = PAGES
            .iter()
            .map(|t| page(&config, t, &Fronts::default()))
            .collect();
        let mut file = Vec::new();
        Fronts::default().write(&parsed, &mut file).unwrap();
        let fronts = Fronts::read(file.as_slice(), 0);
        assert_eq!(fronts.known.len(), PAGES.len());
        for (text, p) in PAGES.iter().zip(&parsed) {
            let taken = page(&config, text, &fronts);
            assert_eq!(format!("{:?}", taken), format!("{p:?}"));
        }
        assert_eq!(fronts.taken(), (PAGES.len(), 0));
        // Another front matter is parsed.
        let other = "---\ntitle: Annen\n---\n";
        assert!(fronts.take(key("content/pages/side.md", other)).is_none());
        assert_eq!(page(&config, other, &fronts).meta.title, "Annen");
    }

    /// Written again, the fields of pages whose front matter is as it was are copied
    /// from the file they were read from, the others written: the file is what writing
    /// every page's fields gives.
    #[cfg(unix)]
    #[test]
    fn fields_still_true_are_copied_from_the_file_read() {
        use std::io::{Seek, SeekFrom, Write};
        let config = Config::fallback(&crate::config::resolve_paths(None, None, None));
        let parse = |t: &str| page(&config, t, &Fronts::default());
        let mut pages: Vec<Page> = PAGES.iter().map(|t| parse(t)).collect();
        let header = b"mandat fronts\n";
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(header).unwrap();
        Fronts::default().write(&pages, &mut file).unwrap();
        file.seek(SeekFrom::Start(header.len() as u64)).unwrap();
        let start = header.len() as u64;
        let fronts = Fronts::read(std::io::BufReader::new(&file), start)
            .copying_from(Some(file.try_clone().unwrap()));
        pages[1] = parse("---\ntitle: Endret\n---\n");
        pages.swap(0, 2);
        let written = |fronts: &Fronts| {
            let mut out = Vec::new();
            fronts.write(&pages, &mut out).unwrap();
            out
        };
        assert_eq!(written(&fronts), written(&Fronts::default()));
        // Copied, not written again: a byte changed in the file shows.
        std::os::unix::fs::FileExt::write_all_at(&file, b"X", start + 20).unwrap();
        assert_ne!(written(&fronts), written(&Fronts::default()));
    }

    /// What is kept for a front matter is what its page gets, without its YAML being
    /// read; the body and its place in the file are read from the file as ever.
    #[test]
    fn a_page_takes_the_fields_kept_for_its_front_matter() {
        let config = Config::fallback(&crate::config::resolve_paths(None, None, None));
        let text = "---\ntitle: Fil\n---\n\nBrødtekst.\n";
        let mut fronts = Fronts::default();
        let meta = PageMeta {
            title: "Kept".into(),
            ..PageMeta::default()
        };
        let front = "---\ntitle: Fil\n---\n";
        let path = page(&config, text, &fronts).source.path;
        fronts.known.insert(
            key(&path, front),
            (
                Mutex::new(Some(Box::new(meta))),
                kept::Span::default(),
                None,
            ),
        );
        // Another file with the same front matter does not take them.
        assert!(fronts.take(key("content/pages/annen.md", front)).is_none());
        let p = page(&config, text, &fronts);
        assert_eq!(p.meta.title, "Kept");
        p.with_body(|body| assert_eq!(body, "\nBrødtekst.\n"));
        assert_eq!(p.source.body_line, 4);
        // Taken once: a second page with the same front matter reads its YAML.
        assert_eq!(page(&config, text, &fronts).meta.title, "Fil");
        assert_eq!(fronts.taken(), (1, 0));
    }

    /// A page whose file is as the last build read it is made without reading it, and is
    /// the page reading it gives; a file written since (even with the same text) is read,
    /// and its line written anew, with what the system keeps of it now.
    #[cfg(unix)]
    #[test]
    fn a_page_whose_file_is_as_it_was_is_not_read() {
        use std::io::{Seek, SeekFrom};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/pages")).unwrap();
        let config = Config::fallback(&crate::config::resolve_paths(Some(root), None, None));
        let rels = ["pages/a.md", "pages/b.md", "pages/c.md"];
        for (rel, text) in rels.iter().zip(PAGES) {
            std::fs::write(root.join("content").join(rel), text).unwrap();
        }
        let read = |fronts: &Fronts| -> Vec<Page> {
            rels.iter()
                .map(|rel| {
                    let path = root.join("content").join(rel);
                    match super::super::read_text_record(
                        &config,
                        &path,
                        rel,
                        super::super::Kind::Page,
                        fronts,
                    ) {
                        Ok(crate::load::Record::Page(p)) => *p,
                        _ => panic!("not read: {rel}"),
                    }
                })
                .collect()
        };
        // Files written just now are read, and how they were found is not kept: they
        // could be written again within one tick of the file system's clock.
        let build = || Fronts::default().for_next_build(Default::default());
        let fresh = read(&build());
        assert!(fresh.iter().all(|p| p.source.text.stat().is_none()));
        std::thread::sleep(std::time::Duration::from_millis(2100));
        // Settled, they are read, and their texts let go once their front matter is: read
        // again (and let go again) to render the body, and counted apart from the pages
        // never read.
        let fronts = build();
        let parsed = read(&fronts);
        assert!(parsed.iter().all(|p| p.source.text.is_unread()));
        assert!(parsed.iter().all(|p| p.source.text.stat().is_some()));
        for (p, text) in parsed.iter().zip(PAGES) {
            assert_eq!(&*p.source.text.detached(), text);
            assert!(p.source.text.is_unread(), "let go again");
        }
        assert_eq!((fronts.taken(), fronts.let_go().read()), ((0, 0), 3));
        assert!(fronts.changed().is_none());
        // What keeps nothing for a next build (`check`, the dev server, frozen versions)
        // does not look.
        assert!(read(&Fronts::default())
            .iter()
            .all(|p| p.source.text.stat().is_none()));
        let mut file = tempfile::tempfile().unwrap();
        Fronts::default().write(&parsed, &mut file).unwrap();
        let stored = |file: &std::fs::File| {
            let mut f = file.try_clone().unwrap();
            f.seek(SeekFrom::Start(0)).unwrap();
            Fronts::read(std::io::BufReader::new(f), 0)
                .copying_from(file.try_clone().ok())
                .for_next_build(Default::default())
        };
        let fronts = stored(&file);
        let again = read(&fronts);
        assert_eq!(fronts.taken(), (3, 3));
        for (a, p) in again.iter().zip(&parsed) {
            assert!(a.source.text.is_unread(), "{}", a.source.path);
            assert_eq!(a.front, p.front);
            // Looked at, read: the same page.
            assert_eq!(format!("{a:?}"), format!("{p:?}"));
        }
        // Written again with its text as it was: read, its fields taken by its front
        // matter; a changed body is read.
        std::fs::write(root.join("content/pages/a.md"), PAGES[0]).unwrap();
        std::fs::write(
            root.join("content/pages/b.md"),
            format!("{}Mer.\n", PAGES[1]),
        )
        .unwrap();
        let fronts = stored(&file);
        let now = read(&fronts);
        assert_eq!(fronts.taken(), (3, 1));
        assert!(!now[0].source.text.is_unread() && !now[1].source.text.is_unread());
        assert!(now[2].source.text.is_unread());
        assert_ne!(now[0].source.text.stat(), parsed[0].source.text.stat());
        assert!(now[1].with_body(|body| body.ends_with("Mer.\n")));
        // The lines of the files read anew say what they are now.
        let written = |fronts: &Fronts| {
            let mut out = Vec::new();
            fronts.write(&now, &mut out).unwrap();
            out
        };
        assert_eq!(written(&fronts), written(&Fronts::default()));
        let again = stored(&{
            let mut f = tempfile::tempfile().unwrap();
            std::io::Write::write_all(&mut f, &written(&fronts)).unwrap();
            f
        });
        let last = read(&again);
        // Those two were written just now: read again.
        assert_eq!(again.taken(), (3, 1));
        assert!(last[2].source.text.is_unread());
        assert_eq!(format!("{:?}", last[1]), format!("{:?}", now[1]));
    }
}
