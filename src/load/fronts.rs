//! What the last build read of its pages' front matter, kept beside its output
//! (cache.rs) so that the next build parses only the front matter that changed: on a
//! large site, reading every page's YAML again is most of a rebuild's load.
//!
//! A page's fields are kept under a hash of its file's path and its front matter's text
//! (the `---` lines included), so that, as with the bodies, each page is compared only
//! with itself. They are stored once the site has loaded and been checked without a
//! mistake (a build that fails there stores nothing; one that fails later stores fields
//! read without a mistake). Reading them from YAML depends on nothing but the text (the
//! site's language is applied after), and the file names the `mandat` that wrote it,
//! so what is taken is what parsing the same text gives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::kept::{self, hash64};
use crate::model::{Page, PageMeta};

/// Pages' fields by the hash of their file and front matter's text (`key`), each taken
/// (not copied) by the page that has it, so that a large site's fields are not held
/// twice while it loads; with where each is in the file read (`from`), from which `write`
/// copies the lines of the pages whose front matter is as it was.
#[derive(Default)]
pub struct Fronts {
    known: HashMap<u64, (Untaken, kept::Span)>,
    /// How many pages took their fields from here.
    taken: AtomicUsize,
    from: Option<std::fs::File>,
}

/// A page's fields, until the page takes them.
type Untaken = Mutex<Option<Box<PageMeta>>>;

impl Fronts {
    /// Reads what `write` wrote, from the offset `start` of its file on; a line that
    /// cannot be read is left out (its page's front matter is parsed).
    pub fn read(file: impl std::io::BufRead, start: u64) -> Fronts {
        let mut known = HashMap::new();
        kept::read(
            file,
            start,
            |part: Vec<((u64, Box<PageMeta>), kept::Span)>| {
                known.extend(
                    part.into_iter()
                        .map(|((k, m), span)| (k, (Mutex::new(Some(m)), span))),
                );
            },
        );
        Fronts {
            known,
            ..Fronts::default()
        }
    }

    /// The file `read` read, for `write` to copy the lines still true from.
    pub fn copying_from(self, from: Option<std::fs::File>) -> Fronts {
        Fronts { from, ..self }
    }

    /// How many pages took their fields from here.
    pub fn taken(&self) -> usize {
        self.taken.load(Ordering::Relaxed)
    }

    /// Writes the fields of `pages`, a line each. A page whose front matter was read
    /// before has the line it was read from: its key says the path and the text, and its
    /// fields depend on nothing else.
    pub fn write(&self, pages: &[Page], out: &mut impl std::io::Write) -> std::io::Result<()> {
        let line = |p: &Page| {
            let key = key(&p.source.path, p.front_matter());
            match self.known.get(&key) {
                Some((_, span)) if self.from.is_some() => kept::Line::Copy(*span),
                _ => kept::Line::Json(kept::json(&(key, &p.meta))),
            }
        };
        kept::write(pages, line, self.from.as_ref(), out)
    }

    /// The fields read from the front matter `text` of the file shown as `path`, if
    /// known and not yet taken.
    pub(super) fn take(&self, path: &str, text: &str) -> Option<PageMeta> {
        if self.known.is_empty() {
            return None;
        }
        let meta = self.known.get(&key(path, text))?.0.lock().ok()?.take()?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        Some(*meta)
    }
}

fn key(path: &str, front: &str) -> u64 {
    hash64((path, front))
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
        assert_eq!(fronts.taken(), PAGES.len());
        // Another front matter is parsed.
        let other = "---\ntitle: Annen\n---\n";
        assert!(fronts.take("content/pages/side.md", other).is_none());
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
            (Mutex::new(Some(Box::new(meta))), kept::Span::default()),
        );
        // Another file with the same front matter does not take them.
        assert!(fronts.take("content/pages/annen.md", front).is_none());
        let p = page(&config, text, &fronts);
        assert_eq!(p.meta.title, "Kept");
        assert_eq!(p.body(), "\nBrødtekst.\n");
        assert_eq!(p.source.body_line, 4);
        // Taken once: a second page with the same front matter reads its YAML.
        assert_eq!(page(&config, text, &fronts).meta.title, "Fil");
        assert_eq!(fronts.taken(), 1);
    }
}
