//! The shape of what a build keeps beside its output for the next one (cache/) of its
//! pages (their bodies and front matter): one JSON value a line, each line starting
//! with a hash of the rest of it, so that a line changed by anything but a build is
//! left out. Read a part at a time, each part in parallel, so that no more than a part
//! is held besides what it holds; written a line at a time. A value that a build took
//! unchanged from the last one's file is copied from that file as it was, not written
//! again: most of them, in a rebuild. (What its search indexes were made of is kept in
//! the index's own binary form instead, a part for each site, as search/state.rs writes
//! it: their words' posting lists, many times longer as JSON, are read and written
//! whole.)

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Lines read or written at once.
const PART: usize = 4096;

/// A hash of `value`, the same in every run of the same `mandat` (what a build keeps
/// names the `mandat` that wrote it, and another takes none of it). Fast on long texts,
/// which it reads sixteen bytes at a time: every page's text is hashed in every build.
/// It keys what a build takes from the last one (bodies, front matter, unchanged
/// outputs), so two texts with one hash would show the older: for edits as people make
/// them that is as unlikely as with any 64-bit hash (64 bits on the 64-bit systems
/// `mandat` is released for), though not for a pair of texts made to collide.
pub fn hash64(value: impl Hash) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Where a line `read` read is in its file, its newline included: what `write` copies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    at: u64,
    len: u64,
}

/// Reads what `write` wrote, from the offset `start` of its file on, giving each part's
/// values to `each`, each with where its line is. A line that cannot be read, whose hash
/// does not hold, or that does not end (a file cut short), is left out.
pub fn read<T: DeserializeOwned + Send>(
    mut file: impl BufRead,
    start: u64,
    mut each: impl FnMut(Vec<(T, Span)>),
) {
    let (mut at, mut ended) = (start, false);
    while !ended {
        let mut part: Vec<(Vec<u8>, Span)> = Vec::with_capacity(PART);
        while part.len() < PART {
            let mut line = Vec::new();
            match file.read_until(b'\n', &mut line) {
                // After an error, where the rest would be is not known: it is left out.
                Ok(0) | Err(_) => {
                    ended = true;
                    break;
                }
                Ok(len) => {
                    let span = Span {
                        at,
                        len: len as u64,
                    };
                    at += len as u64;
                    if line.pop() == Some(b'\n') {
                        part.push((line, span));
                    }
                }
            }
        }
        if part.is_empty() {
            continue;
        }
        each(
            part.par_iter()
                .filter_map(|(l, span)| Some((value(l)?, *span)))
                .collect(),
        );
    }
}

fn value<T: DeserializeOwned>(line: &[u8]) -> Option<T> {
    let (check, json) = line.split_at_checked(17)?;
    let check = std::str::from_utf8(check).ok()?.trim_end();
    if u64::from_str_radix(check, 16).ok()? != hash64(json) {
        return None;
    }
    serde_json::from_slice(json).ok()
}

/// A line's value as JSON, for `write`.
pub fn json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// One line for `write`: a value as JSON (`json`), or a line of the file `read` read,
/// copied as it is (the value read from it not having changed).
pub enum Line {
    Json(Vec<u8>),
    Copy(Span),
}

/// Writes a line for each of `items`, as `line` gives it; the lines to copy are read from
/// `from`, the file they were read from, runs of them that follow one another there at
/// once. Fails if one cannot be read (and then nothing should be kept: see cache/).
/// On the calling thread alone: a build writes these files on threads of their own
/// while its pages are written, and work handed to the busy pool from there would wait
/// until the pages were done, then hold up the build's end.
pub fn write<I>(
    items: &[I],
    line: impl Fn(&I) -> Line,
    from: Option<&File>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut run: Option<Span> = None;
    for item in items {
        match line(item) {
            Line::Copy(span) => match &mut run {
                Some(r) if r.at + r.len == span.at => r.len += span.len,
                _ => {
                    if let Some(r) = run.replace(span) {
                        copy(from, r, out)?;
                    }
                }
            },
            // The whole line: its hash, the JSON and the newline.
            Line::Json(json) => {
                if let Some(r) = run.take() {
                    copy(from, r, out)?;
                }
                write!(out, "{:016x} ", hash64(&json))?;
                out.write_all(&json)?;
                out.write_all(b"\n")?;
            }
        }
    }
    if let Some(r) = run {
        copy(from, r, out)?;
    }
    Ok(())
}

/// Copies the lines at `span` of `from` to `out`, a part at a time.
fn copy(from: Option<&File>, span: Span, out: &mut impl Write) -> std::io::Result<()> {
    let from = from.ok_or(std::io::ErrorKind::NotFound)?;
    const STEP: u64 = 1 << 20;
    let mut buffer = vec![0; span.len.min(STEP) as usize];
    let mut done = 0;
    while done < span.len {
        let len = (span.len - done).min(STEP) as usize;
        let chunk = &mut buffer[..len];
        read_at(from, chunk, span.at + done)?;
        out.write_all(chunk)?;
        done += len as u64;
    }
    Ok(())
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(items: &[(String, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        write(items, |i| Line::Json(json(i)), None, &mut out).unwrap();
        out
    }

    fn read_spans(bytes: impl BufRead, start: u64) -> Vec<((String, u32), Span)> {
        let mut all = Vec::new();
        read(bytes, start, |part| all.extend(part));
        all
    }

    fn read_all(bytes: &[u8]) -> Vec<(String, u32)> {
        read_spans(bytes, 0).into_iter().map(|(v, _)| v).collect()
    }

    #[test]
    fn reads_what_it_wrote_across_parts() {
        let items: Vec<(String, u32)> = (0..PART as u32 * 2 + 3)
            .map(|i| (format!("«{i}»\n\"x\""), i))
            .collect();
        assert_eq!(read_all(&written(&items)), items);
    }

    /// Writing needs none of the pool's threads: a build writes these files while every
    /// one of them is busy with its pages, and would otherwise wait for all of them.
    #[test]
    fn writes_while_every_thread_of_the_pool_is_busy() {
        use std::sync::{Arc, Condvar, Mutex};
        let free = Arc::new((Mutex::new(false), Condvar::new()));
        for _ in 0..rayon::current_num_threads() {
            let free = Arc::clone(&free);
            rayon::spawn(move || {
                let (lock, freed) = &*free;
                let mut done = lock.lock().unwrap();
                while !*done {
                    done = freed.wait(done).unwrap();
                }
            });
        }
        let items: Vec<(String, u32)> = (0..PART as u32 * 2).map(|i| (i.to_string(), i)).collect();
        let (sent, got) = std::sync::mpsc::channel();
        let writer = std::thread::spawn(move || sent.send(written(&items)));
        let result = got.recv_timeout(std::time::Duration::from_secs(20));
        *free.0.lock().unwrap() = true;
        free.1.notify_all();
        let bytes = result.expect("written while the pool was busy");
        assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), PART * 2);
        writer.join().unwrap().unwrap();
    }

    #[test]
    fn leaves_out_lines_changed_by_hand_or_cut_short() {
        let items = vec![
            ("a".to_owned(), 1),
            ("b".to_owned(), 2),
            ("c".to_owned(), 3),
        ];
        let text = String::from_utf8(written(&items)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        // The value changed, its hash kept.
        let changed = lines[0].replace("\"a\",1", "\"a\",7");
        lines[0] = &changed;
        // A line cut short, as by a build killed while writing.
        let cut = &lines[2][..lines[2].len() - 3];
        lines[2] = cut;
        let back = read_all(lines.join("\n").as_bytes());
        assert_eq!(back, vec![("b".to_owned(), 2)]);
    }

    /// A read that fails leaves out the rest of the file (where its lines are is not
    /// known past it), not the lines read before it: even if reading could go on.
    #[test]
    fn a_failed_read_ends_the_file() {
        /// Gives its bytes a few at a time, failing once at `fail`.
        struct Failing<'a>(&'a [u8], usize, usize);
        impl std::io::Read for Failing<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let Failing(bytes, at, fail) = self;
                if *at >= *fail {
                    *fail = usize::MAX;
                    return Err(std::io::ErrorKind::Other.into());
                }
                let n = (bytes.len() - *at).min(out.len()).min(4);
                out[..n].copy_from_slice(&bytes[*at..*at + n]);
                *at += n;
                Ok(n)
            }
        }
        let items: Vec<(String, u32)> =
            ["a", "b", "c"].iter().map(|s| (s.to_string(), 1)).collect();
        let bytes = written(&items);
        let second = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let reader = Failing(&bytes, 0, second + 4);
        let read = read_spans(std::io::BufReader::with_capacity(4, reader), 0);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].0, items[0]);
    }

    /// Lines copied from the file they were read from, between lines written anew and in
    /// another order, give the file writing every value would: runs of lines that follow
    /// one another in the old file are copied at once, the others one by one.
    #[test]
    fn copies_unchanged_lines_from_the_file_they_were_read_from() {
        use std::io::{Seek, SeekFrom};
        let header = b"mandat test 1\n";
        let items: Vec<(String, u32)> = (0..PART as u32 + 50)
            .map(|i| (format!("«{i}»"), i))
            .collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(header).unwrap();
        file.write_all(&written(&items)).unwrap();
        file.seek(SeekFrom::Start(header.len() as u64)).unwrap();
        let read = read_spans(std::io::BufReader::new(&file), header.len() as u64);
        assert_eq!(read.len(), items.len());
        // This run's values: the old ones moved about, one changed, one new.
        let mut now: Vec<((String, u32), Option<Span>)> =
            read.into_iter().map(|(v, s)| (v, Some(s))).collect();
        now.swap(3, 4000);
        now[7] = (("endret".to_owned(), 7), None);
        now.insert(100, (("ny".to_owned(), 0), None));
        let line = |(v, span): &((String, u32), Option<Span>)| match span {
            Some(s) => Line::Copy(*s),
            None => Line::Json(json(v)),
        };
        let mut out = Vec::new();
        write(&now, line, Some(&file), &mut out).unwrap();
        let values: Vec<(String, u32)> = now.into_iter().map(|(v, _)| v).collect();
        assert_eq!(out, written(&values));
        // Without the file, a line to copy is an error, not a line left out.
        assert!(write(
            &[Span { at: 0, len: 3 }],
            |s| Line::Copy(*s),
            None,
            &mut out
        )
        .is_err());
    }
}
