//! Where a build puts the HTML of the pages' bodies between rendering them and writing
//! their pages. Holding every body until then would cost a large site's memory (some
//! 60 MB at 10,000 pages), and rendering each body again its time (a tenth of a full
//! build); written to a file beside the output and read back, a body costs two copies.
//! The file is removed as soon as it is made: it lives while the build holds it open, so
//! a build stopped halfway leaves nothing behind.

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Where a body's HTML is in the file: its offset and its length.
pub type At = (u64, usize);

/// The file, and what is put but not yet written to it.
pub struct Spill {
    file: File,
    pending: Mutex<Pending>,
}

/// Bodies put but not yet in the file: those since the last chunk, gathered into one
/// write (each body written on its own cost a system call and the file's lock, some
/// 4 % of a full build of 10,000 pages), and the chunks being written.
struct Pending {
    /// Where in the file `bytes` go.
    at: u64,
    bytes: Vec<u8>,
    /// Chunks being written (or that could not be), each with where it goes: read from
    /// here until written. A chunk is written outside the lock, so that the threads
    /// putting bodies do not wait for the system to write a megabyte.
    writing: Vec<(u64, Arc<Vec<u8>>)>,
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
                writing: Vec::new(),
            }),
        })
    }

    /// Puts `html` and says where; threads put at once, each to its own part.
    pub fn put(&self, html: &str) -> Option<At> {
        let (at, start, chunk) = {
            let mut p = self.pending.lock().ok()?;
            let at = p.at + p.bytes.len() as u64;
            p.bytes.extend_from_slice(html.as_bytes());
            if p.bytes.len() < CHUNK {
                return Some((at, html.len()));
            }
            // The next chunk's room made at once (as the one written is let go): grown
            // from nothing, each chunk would be copied as it doubles.
            let next = Vec::with_capacity(CHUNK + CHUNK / 4);
            let (start, chunk) = (p.at, Arc::new(std::mem::replace(&mut p.bytes, next)));
            p.at += chunk.len() as u64;
            p.writing.push((start, Arc::clone(&chunk)));
            (at, start, chunk)
        };
        // A chunk that could not be written (a full disk) stays where it is read from.
        if write_at(&self.file, &chunk, start).is_ok() {
            let mut p = self.pending.lock().ok()?;
            p.writing.retain(|(s, _)| *s != start);
        }
        Some((at, html.len()))
    }

    /// The HTML put at `at`.
    pub fn get(&self, (at, len): At) -> Option<String> {
        let mut bytes = vec![0; len];
        {
            let p = self.pending.lock().ok()?;
            let mut held = std::iter::once((p.at, &p.bytes))
                .chain(p.writing.iter().map(|(start, chunk)| (*start, &**chunk)));
            let end = at + len as u64;
            if let Some((start, chunk)) =
                held.find(|(start, chunk)| *start <= at && end <= start + chunk.len() as u64)
            {
                let from = usize::try_from(at - start).ok()?;
                bytes.copy_from_slice(chunk.get(from..from + len)?);
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

    /// A chunk the system would not write (a full disk, here a file open only to read)
    /// is read from memory: every body is got back as it was put, none as the zeros of
    /// a part of the file never written.
    #[test]
    fn a_chunk_not_written_is_got_from_memory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("spill");
        std::fs::write(&path, "").expect("write");
        let spill = Spill {
            file: File::open(&path).expect("open"),
            pending: Mutex::new(Pending {
                at: 0,
                bytes: Vec::new(),
                writing: Vec::new(),
            }),
        };
        let bodies: Vec<String> = (0..300)
            .map(|i| format!("<p>{i}</p>").repeat(900))
            .collect();
        let at: Vec<At> = bodies.iter().map(|b| spill.put(b).expect("put")).collect();
        assert!(spill.pending.lock().expect("lock").writing.len() >= 2);
        for (b, at) in bodies.iter().zip(at) {
            assert_eq!(spill.get(at).as_deref(), Some(b.as_str()));
        }
    }
}
