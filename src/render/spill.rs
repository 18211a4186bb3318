//! Where a build puts the HTML of the pages' bodies between rendering them and writing
//! their pages. Holding every body until then would cost a large site's memory (some
//! 60 MB at 10,000 pages), and rendering each body again its time (a tenth of a full
//! build); written to a file beside the output and read back, a body costs two copies.
//! The file is removed as soon as it is made: it lives while the build holds it open, so
//! a build stopped halfway leaves nothing behind.

use std::fs::File;
use std::path::Path;
use std::sync::Mutex;

/// Where a body's HTML is in the file: its offset and its length.
pub type At = (u64, usize);

/// The file, and what is put but not yet written to it.
pub struct Spill {
    file: File,
    pending: Mutex<Pending>,
}

/// Bodies put since the file was last written to, gathered into one write: each body
/// written on its own cost a system call and the file's lock (some 4 % of a full build
/// of 10,000 pages).
struct Pending {
    /// Where in the file `bytes` go.
    at: u64,
    bytes: Vec<u8>,
}

/// How much is gathered before it is written.
const CHUNK: usize = 1 << 20;

impl Spill {
    /// A new, empty file beside the output folder `out` (on its file system, where the
    /// build writes anyway); `None` where one cannot be made or read back in parts
    /// (then bodies are rendered again).
    pub fn beside(out: &Path) -> Option<Spill> {
        if !cfg!(unix) {
            return None;
        }
        let path = crate::fs::beside(out, &format!("html-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        std::fs::remove_file(&path).ok()?;
        Some(Spill {
            file,
            pending: Mutex::new(Pending {
                at: 0,
                bytes: Vec::new(),
            }),
        })
    }

    /// Puts `html` and says where; threads put at once, each to its own part.
    pub fn put(&self, html: &str) -> Option<At> {
        let mut p = self.pending.lock().ok()?;
        let at = p.at + p.bytes.len() as u64;
        p.bytes.extend_from_slice(html.as_bytes());
        if p.bytes.len() >= CHUNK {
            // Written while held: no one reads a part that is neither here nor there.
            write_at(&self.file, &p.bytes, p.at).ok()?;
            p.at += p.bytes.len() as u64;
            p.bytes.clear();
        }
        Some((at, html.len()))
    }

    /// The HTML put at `at`.
    pub fn get(&self, (at, len): At) -> Option<String> {
        let mut bytes = vec![0; len];
        {
            let p = self.pending.lock().ok()?;
            if at >= p.at {
                let from = usize::try_from(at - p.at).ok()?;
                bytes.copy_from_slice(p.bytes.get(from..from + len)?);
                return String::from_utf8(bytes).ok();
            }
        }
        read_at(&self.file, &mut bytes, at).ok()?;
        String::from_utf8(bytes).ok()
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn what_is_put_is_got_back_and_no_file_is_left() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("output");
        let spill = Spill::beside(&out).expect("a spill file");
        // More than one chunk: some bodies are read from the file, the last from memory.
        let bodies: Vec<String> = (0..400)
            .map(|i| format!("<p>Brødtekst {i}: {}</p>", "æøå ".repeat(i * 4)))
            .collect();
        assert!(bodies.iter().map(String::len).sum::<usize>() > 2 * CHUNK);
        let at: Vec<At> = {
            use rayon::prelude::*;
            bodies
                .par_iter()
                .map(|b| spill.put(b).expect("put"))
                .collect()
        };
        for (b, at) in bodies.iter().zip(at) {
            assert_eq!(spill.get(at).as_deref(), Some(b.as_str()));
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("read").collect();
        assert!(
            left.is_empty(),
            "the file is removed while in use: {left:?}"
        );
    }
}
