//! The search index as the files a reader's browser fetches one query's worth of: a small
//! manifest, the words in shards by their first two letters, long posting lists in buckets
//! of their own, and the documents in chunks fetched only for the hits shown. How many
//! files of each there are follows from the number of documents alone, so the plan knows
//! every address before a word is read. `search.js` reads exactly this layout.

pub mod read;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

/// Documents per chunk file: a query shows up to 50 hits, each fetching its chunk.
pub const CHUNK: usize = 8;

/// A word whose encoded posting list is longer than this (in bytes) gets it written to a
/// bucket of its own, so the shard of its first letters stays small.
const BIG: usize = 768;

/// Compound parts shorter than this are not looked for (as `search.js` asks four letters
/// before it looks inside words).
const MIN_PART: usize = 4;

/// How many files of each kind a site's search index has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub docs: usize,
    /// Word shards, `ord/N.bin`.
    pub words: u32,
    /// Buckets for long posting lists, `treff/N.bin` (none on a small site).
    pub postings: u32,
    /// Document chunks, `dok/N.json`.
    pub chunks: u32,
}

/// One file of the index besides the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Words(u32),
    Postings(u32),
    Docs(u32),
}

impl Layout {
    pub fn for_docs(docs: usize) -> Layout {
        let scale = |min: usize, max: usize| {
            u32::try_from((docs / 64).next_power_of_two().clamp(min, max)).unwrap_or(1)
        };
        Layout {
            docs,
            words: scale(4, 1024),
            postings: if docs < 1024 { 0 } else { scale(16, 2048) },
            chunks: u32::try_from(docs.div_ceil(CHUNK)).unwrap_or(u32::MAX),
        }
    }

    /// Every file besides the manifest.
    pub fn parts(&self) -> impl Iterator<Item = Part> {
        (0..self.words)
            .map(Part::Words)
            .chain((0..self.postings).map(Part::Postings))
            .chain((0..self.chunks).map(Part::Docs))
    }

    /// The shard a word is in: by its first two letters, so a prefix of two letters or
    /// more names one shard.
    pub fn shard(&self, term: &str) -> u32 {
        fnv(term.chars().take(2)) % self.words.max(1)
    }

    /// The bucket of a long posting list: by the whole word.
    pub fn bucket(&self, term: &str) -> u32 {
        fnv(term.chars()) % self.postings.max(1)
    }
}

/// The address of `part` below the search page's address `search` (`/sok/`).
pub fn path(search: &str, part: Part) -> String {
    match part {
        Part::Words(n) => format!("{search}ord/{n}.bin"),
        Part::Postings(n) => format!("{search}treff/{n}.bin"),
        Part::Docs(n) => format!("{search}dok/{n}.json"),
    }
}

/// FNV-1a over code points, as `search.js` computes it.
fn fnv(chars: impl Iterator<Item = char>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in chars {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// What a hit shows, fetched only for the hits shown.
#[derive(Serialize)]
pub struct Shown<'a> {
    #[serde(rename = "t")]
    pub title: &'a str,
    #[serde(rename = "u")]
    pub url: &'a str,
    #[serde(rename = "s")]
    pub summary: &'a str,
    #[serde(rename = "l")]
    pub lang: &'static str,
    #[serde(rename = "d", skip_serializing_if = "Option::is_none")]
    pub date: Option<&'a str>,
}

/// One word of the index: its documents (in document order) with weights, and the form
/// a reader would write it in, when that is not the word itself.
pub struct Word<'a> {
    pub term: &'a str,
    pub list: &'a Packed,
    pub form: Option<&'a str>,
}

/// A posting list as it is gathered: (document, weight) pairs in document order, each
/// as the gap from the document before and the weight, LEB128 varints. A large site's
/// index holds millions of them until it is written; packed, each takes two or three
/// bytes rather than eight.
#[derive(Default)]
pub struct Packed {
    bytes: Vec<u8>,
    count: u32,
    last: u32,
}

impl Packed {
    /// Adds document `doc` (after every document added before) with its weight.
    pub fn push(&mut self, doc: u32, weight: u32) {
        varint(&mut self.bytes, u64::from(doc.saturating_sub(self.last)));
        varint(&mut self.bytes, u64::from(weight));
        self.last = doc;
        self.count += 1;
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The pairs, unpacked.
    pub fn pairs(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.iter());
        out
    }

    /// The pairs, unpacked one at a time.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut b = read::Bytes::new(&self.bytes);
        let mut doc = 0u32;
        (0..self.count).map_while(move |_| {
            let (gap, w) = (b.varint()?, b.varint()?);
            doc = doc.saturating_add(u32::try_from(gap).unwrap_or(u32::MAX));
            Some((doc, u32::try_from(w).unwrap_or(u32::MAX)))
        })
    }

    /// Appends the list to `out` as `read_from` reads it back (what a build keeps).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        varint(out, u64::from(self.count));
        varint(out, u64::from(self.last));
        bytes(out, &self.bytes);
    }

    /// A list as `write_to` wrote it; none that claims more pairs than its bytes hold
    /// (each takes two at least).
    pub fn read_from(b: &mut read::Bytes) -> Option<Packed> {
        let count = u32::try_from(b.varint()?).ok()?;
        let last = u32::try_from(b.varint()?).ok()?;
        let n = usize::try_from(b.varint()?).ok()?;
        let bytes = b.take(n)?.to_vec();
        (count as usize <= n / 2).then_some(Packed { bytes, count, last })
    }
}

impl FromIterator<(u32, u32)> for Packed {
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(pairs: I) -> Self {
        let mut p = Packed::default();
        for (doc, weight) in pairs {
            p.push(doc, weight);
        }
        p
    }
}

/// The files of one site's search index.
pub struct Index {
    pub layout: Layout,
    pub manifest: String,
    pub words: Vec<Vec<u8>>,
    pub postings: Vec<Vec<u8>>,
    pub docs: Vec<String>,
    /// How many documents' words were taken from what the previous build kept.
    pub taken: usize,
}

impl Index {
    /// The bytes of one file; `None` is the manifest.
    pub fn file(&self, part: Option<Part>) -> Vec<u8> {
        let at = |n: u32| n as usize;
        match part {
            None => self.manifest.clone().into_bytes(),
            Some(Part::Words(n)) => self.words.get(at(n)).cloned().unwrap_or_default(),
            Some(Part::Postings(n)) => self.postings.get(at(n)).cloned().unwrap_or_default(),
            Some(Part::Docs(n)) => self
                .docs
                .get(at(n))
                .map(|d| d.clone().into_bytes())
                .unwrap_or_default(),
        }
    }
}

/// Writes the index: `words` sorted by term, `docs` in document order, `kinds` the first
/// and last-plus-one document of each kind (documents are ordered by kind).
pub fn write(
    layout: Layout,
    words: &[Word],
    docs: &[Shown],
    kinds: &[(&str, usize, usize)],
) -> Index {
    let encoded: Vec<Vec<u8>> = words
        .par_iter()
        .map(|w| postings(&w.list.pairs()))
        .collect();
    let big: Vec<bool> = encoded
        .iter()
        .map(|e| layout.postings > 0 && e.len() > BIG)
        .collect();

    // Compounds: a word that ends in another word of the index (`samarbeidsavtal` in
    // `avtal`) is listed under that word, so a query for it finds the compound too.
    let vocabulary: FxHashSet<&str> = words.iter().map(|w| w.term).collect();
    let mut parts: Vec<(&str, &str)> = words
        .par_iter()
        .flat_map_iter(|w| {
            let t = w.term;
            let letters = !t.bytes().all(|b| b.is_ascii_digit());
            let vocabulary = &vocabulary;
            t.char_indices()
                .skip(1)
                .filter(move |(i, _)| letters && t[*i..].chars().count() >= MIN_PART)
                .filter_map(move |(i, _)| vocabulary.get(&t[i..]).map(|part| (*part, t)))
        })
        .collect();
    parts.sort_unstable();
    parts.dedup();

    let mut in_shard: Vec<Vec<usize>> = vec![Vec::new(); layout.words as usize];
    for (i, w) in words.iter().enumerate() {
        if let Some(s) = in_shard.get_mut(layout.shard(w.term) as usize) {
            s.push(i);
        }
    }
    let mut parts_in: Vec<BTreeMap<&str, Vec<&str>>> = vec![BTreeMap::new(); in_shard.len()];
    for (part, whole) in parts {
        if let Some(s) = parts_in.get_mut(layout.shard(part) as usize) {
            s.entry(part).or_default().push(whole);
        }
    }
    let shards: Vec<Vec<u8>> = in_shard
        .par_iter()
        .zip(&parts_in)
        .map(|(members, parts)| {
            let mut out = Vec::new();
            varint(&mut out, members.len() as u64);
            for &i in members {
                let w = &words[i];
                bytes(&mut out, w.term.as_bytes());
                varint(&mut out, w.list.len() as u64);
                bytes(&mut out, w.form.unwrap_or("").as_bytes());
                if big[i] {
                    varint(&mut out, u64::from(layout.bucket(w.term)) + 1);
                } else {
                    varint(&mut out, 0);
                    bytes(&mut out, &encoded[i]);
                }
            }
            varint(&mut out, parts.len() as u64);
            for (part, wholes) in parts {
                bytes(&mut out, part.as_bytes());
                varint(&mut out, wholes.len() as u64);
                for whole in wholes {
                    bytes(&mut out, whole.as_bytes());
                }
            }
            out
        })
        .collect();

    let mut in_bucket: Vec<Vec<usize>> = vec![Vec::new(); layout.postings as usize];
    for (i, w) in words.iter().enumerate() {
        if big[i] {
            if let Some(b) = in_bucket.get_mut(layout.bucket(w.term) as usize) {
                b.push(i);
            }
        }
    }
    let buckets: Vec<Vec<u8>> = in_bucket
        .par_iter()
        .map(|members| {
            let mut out = Vec::new();
            varint(&mut out, members.len() as u64);
            for &i in members {
                bytes(&mut out, words[i].term.as_bytes());
                bytes(&mut out, &encoded[i]);
            }
            out
        })
        .collect();

    let chunks: Vec<String> = docs
        .par_chunks(CHUNK)
        .map(|c| {
            let mut s = serde_json::to_string(c).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        })
        .collect();

    // A digest of every file, so a browser never mixes files of two builds.
    let digests: Vec<u64> = shards
        .par_iter()
        .chain(&buckets)
        .map(digest)
        .chain(chunks.par_iter().map(|c| digest(c.as_bytes())))
        .collect();
    let version = format!("{:016x}", digest(&digests));
    let kinds: BTreeMap<&str, [usize; 2]> = kinds.iter().map(|(k, a, b)| (*k, [*a, *b])).collect();
    let manifest = serde_json::json!({
        "version": version,
        "docs": layout.docs,
        "chunk": CHUNK,
        "words": layout.words,
        "postings": layout.postings,
        "kinds": kinds,
    });
    Index {
        layout,
        manifest: format!("{manifest}\n"),
        words: shards,
        postings: buckets,
        docs: chunks,
        taken: 0,
    }
}

fn digest<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

pub(super) fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

pub(super) fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A posting list, `list` in document order: its documents grouped by weight, highest
/// first, each group as gaps between document numbers or as a bitmap, whichever is
/// shorter.
///
/// `levels (weight form count (gaps… | start bytes bitmap…))…`, every number a
/// LEB128 varint; form 0 is gaps (the first is the document number), 1 a bitmap whose
/// bit i (least significant first) is document start + i.
fn postings(list: &[(u32, u32)]) -> Vec<u8> {
    let mut by_weight: BTreeMap<std::cmp::Reverse<u32>, Vec<u32>> = BTreeMap::new();
    for &(doc, w) in list {
        by_weight.entry(std::cmp::Reverse(w)).or_default().push(doc);
    }
    let mut out = Vec::with_capacity(list.len() * 2 + 4);
    varint(&mut out, by_weight.len() as u64);
    for (std::cmp::Reverse(w), docs) in by_weight {
        varint(&mut out, u64::from(w));
        let (first, last) = (docs[0], docs[docs.len() - 1]);
        let mut gaps = 0;
        let mut prev = 0;
        for &d in &docs {
            gaps += varint_len(u64::from(d - prev));
            prev = d;
        }
        let span = (last - first) as usize / 8 + 1;
        if span + varint_len(u64::from(first)) + varint_len(span as u64) < gaps {
            varint(&mut out, 1);
            varint(&mut out, docs.len() as u64);
            varint(&mut out, u64::from(first));
            varint(&mut out, span as u64);
            let at = out.len();
            out.resize(at + span, 0);
            for d in docs {
                let bit = (d - first) as usize;
                out[at + bit / 8] |= 1 << (bit % 8);
            }
        } else {
            varint(&mut out, 0);
            varint(&mut out, docs.len() as u64);
            let mut prev = 0;
            for d in docs {
                varint(&mut out, u64::from(d - prev));
                prev = d;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posting_lists_read_back_as_written() {
        let sparse: Vec<(u32, u32)> = vec![(3, 1), (700, 8), (701, 1), (90_000, 5)];
        let dense: Vec<(u32, u32)> = (0..5000).map(|d| (d, 1 + d % 3)).collect();
        for list in [sparse, dense.clone()] {
            let b = postings(&list);
            assert_eq!(read::Bytes::new(&b).postings().unwrap(), list);
        }
        // A word in every document costs bits, not bytes, per document.
        assert!(postings(&dense).len() < 5000 / 8 * 3 + 64);
    }

    #[test]
    fn shards_hold_their_words_and_long_lists_go_to_buckets() {
        let layout = Layout::for_docs(2000);
        assert_eq!(
            (layout.words, layout.postings, layout.chunks),
            (32, 32, 250)
        );
        let every: Vec<(u32, u32)> = (0..2000).map(|d| (d, 1 + d % 7)).collect();
        let one = [(7, 8)];
        let (packed_every, packed_one): (Packed, Packed) = (
            every.iter().copied().collect(),
            one.iter().copied().collect(),
        );
        assert_eq!(
            packed_every.pairs(),
            every,
            "a list unpacks as it was packed"
        );
        let words = [
            Word {
                term: "avtal",
                list: &packed_one,
                form: Some("avtale"),
            },
            Word {
                term: "barnevern",
                list: &packed_every,
                form: None,
            },
            Word {
                term: "samarbeidsavtal",
                list: &packed_one,
                form: None,
            },
        ];
        let index = write(layout, &words, &[], &[("page", 0, 2000)]);
        let (entries, parts) = read::shard(&index.words[layout.shard("avtal") as usize]).unwrap();
        let avtal = entries.iter().find(|e| e.term == "avtal").unwrap();
        assert_eq!((avtal.form.as_str(), &avtal.list[..]), ("avtale", &one[..]));
        assert!(parts.contains(&("avtal".into(), vec!["samarbeidsavtal".into()])));
        let (entries, _) = read::shard(&index.words[layout.shard("barnevern") as usize]).unwrap();
        let b = entries.iter().find(|e| e.term == "barnevern").unwrap();
        assert_eq!(
            (b.count, b.bucket),
            (2000, Some(layout.bucket("barnevern")))
        );
        let lists = read::bucket(&index.postings[layout.bucket("barnevern") as usize]).unwrap();
        assert_eq!(lists, [("barnevern".to_owned(), every)]);
        assert!(index.manifest.contains("\"kinds\":{\"page\":[0,2000]}"));
    }

    #[test]
    fn the_browser_hashes_words_alike() {
        // FNV-1a of "ba" and "øk" as search.js computes them (Math.imul, >>> 0).
        assert_eq!(fnv("ba".chars()), 0x3c2b_a6cc);
        assert_eq!(fnv("økt".chars().take(2)), 0x4526_2f04);
    }
}
