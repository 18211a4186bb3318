//! The shape of what a build keeps beside its output for the next one (cache.rs): one
//! JSON value a line, each line starting with a hash of the rest of it, so that a line
//! changed by anything but a build is left out. Read and written a part at a time, each
//! part in parallel, so that no more than a part is held besides what it holds.

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

/// Reads what `write` wrote, giving each part's values to `each`. A line that cannot be
/// read, or whose hash does not hold, is left out.
pub fn read<T: DeserializeOwned + Send>(file: impl BufRead, mut each: impl FnMut(Vec<T>)) {
    let mut lines = file.split(b'\n');
    loop {
        let part: Vec<Vec<u8>> = lines.by_ref().take(PART).map_while(Result::ok).collect();
        if part.is_empty() {
            break;
        }
        each(part.par_iter().filter_map(|l| value(l)).collect());
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

/// Writes a line for each of `items`, `line` giving its value as JSON (`json`).
pub fn write<I: Sync>(
    items: &[I],
    line: impl Fn(&I) -> Vec<u8> + Sync,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for part in items.chunks(PART) {
        let lines: Vec<Vec<u8>> = part
            .par_iter()
            .map(|item| {
                let json = line(item);
                let mut bytes = format!("{:016x} ", hash64(&json)).into_bytes();
                bytes.extend(json);
                bytes.push(b'\n');
                bytes
            })
            .collect();
        for l in lines {
            out.write_all(&l)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(items: &[(String, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        write(items, json, &mut out).unwrap();
        out
    }

    fn read_all(bytes: &[u8]) -> Vec<(String, u32)> {
        let mut all = Vec::new();
        read(bytes, |part| all.extend(part));
        all
    }

    #[test]
    fn reads_what_it_wrote_across_parts() {
        let items: Vec<(String, u32)> = (0..PART as u32 * 2 + 3)
            .map(|i| (format!("«{i}»\n\"x\""), i))
            .collect();
        assert_eq!(read_all(&written(&items)), items);
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
}
