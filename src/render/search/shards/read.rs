//! Reads the index's files back, as `search.js` does: for tests, for tools that check an
//! index, and for what a build keeps of its index (search/state.rs).

/// A reader over one file's bytes.
pub struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Bytes { b, at: 0 }
    }

    pub fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = *self.b.get(self.at)?;
            self.at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    /// Whether every byte has been read.
    pub fn is_done(&self) -> bool {
        self.at >= self.b.len()
    }

    /// How many bytes are left to read.
    pub fn left(&self) -> usize {
        self.b.len().saturating_sub(self.at)
    }

    pub fn text(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.varint()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    /// One posting list: (document, weight), in document order.
    pub fn postings(&mut self) -> Option<Vec<(u32, u32)>> {
        let mut out = Vec::new();
        for _ in 0..self.varint()? {
            let w = u32::try_from(self.varint()?).ok()?;
            let form = self.varint()?;
            let count = self.varint()?;
            if form == 1 {
                let first = u32::try_from(self.varint()?).ok()?;
                let n = usize::try_from(self.varint()?).ok()?;
                let bits = self.take(n)?;
                for (i, byte) in bits.iter().enumerate() {
                    for bit in 0..8 {
                        if byte & (1 << bit) != 0 {
                            out.push((first + u32::try_from(i * 8 + bit).ok()?, w));
                        }
                    }
                }
            } else {
                let mut doc = 0u32;
                for _ in 0..count {
                    doc += u32::try_from(self.varint()?).ok()?;
                    out.push((doc, w));
                }
            }
        }
        out.sort_unstable();
        Some(out)
    }
}

/// A word as its shard lists it.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub count: u64,
    pub form: String,
    /// The bucket holding its list, or the list itself.
    pub bucket: Option<u32>,
    pub list: Vec<(u32, u32)>,
}

/// A compound part and the words that end in it.
pub type Compounds = (String, Vec<String>);
/// A word and its posting list.
pub type List = (String, Vec<(u32, u32)>);

/// The words of a shard, and its compound parts with the words they end.
pub fn shard(b: &[u8]) -> Option<(Vec<Entry>, Vec<Compounds>)> {
    let mut r = Bytes::new(b);
    let mut entries = Vec::new();
    for _ in 0..r.varint()? {
        let term = r.text()?.to_owned();
        let count = r.varint()?;
        let form = r.text()?.to_owned();
        let (bucket, list) = match r.varint()? {
            0 => {
                let n = usize::try_from(r.varint()?).ok()?;
                (None, Bytes::new(r.take(n)?).postings()?)
            }
            b => (Some(u32::try_from(b - 1).ok()?), Vec::new()),
        };
        entries.push(Entry {
            term,
            count,
            form,
            bucket,
            list,
        });
    }
    let mut parts = Vec::new();
    for _ in 0..r.varint()? {
        let part = r.text()?.to_owned();
        let mut wholes = Vec::new();
        for _ in 0..r.varint()? {
            wholes.push(r.text()?.to_owned());
        }
        parts.push((part, wholes));
    }
    Some((entries, parts))
}

/// The lists of a bucket, by word.
pub fn bucket(b: &[u8]) -> Option<Vec<List>> {
    let mut r = Bytes::new(b);
    let mut out = Vec::new();
    for _ in 0..r.varint()? {
        let term = r.text()?.to_owned();
        let n = usize::try_from(r.varint()?).ok()?;
        let mut inner = Bytes::new(r.take(n)?);
        out.push((term, inner.postings()?));
    }
    Some(out)
}
