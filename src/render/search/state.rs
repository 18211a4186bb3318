//! What a build keeps of a site's search index for the next build: a hash of each
//! document's words, and every word with its documents and weights. A rebuild in which
//! few documents changed takes the words of the others from here (`patch`) instead of
//! weighing every document again, and writes the same files a clean build does: the
//! index is made from the words either way.
//!
//! What is kept describes the index of documents with those hashes, whatever the output
//! holds now, so it is good whatever became of the build that kept it.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::shards::{bytes, read, varint, Packed};

/// A document as the index reads it, hashed: the words it is weighed by, and those the
/// "did you mean" forms are taken from (its title, other names and summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hashes {
    pub weighed: u64,
    pub forms: u64,
}

/// Every word of an index with its documents, sorted by word.
pub type Lists = Vec<(Box<str>, Packed)>;

/// The form a reader would write a word in, where it is not the word itself.
pub type Forms = FxHashMap<String, Box<str>>;

/// The words of one site's index, as made from documents with the hashes `docs`.
pub struct State {
    docs: Vec<Hashes>,
    words: Lists,
    forms: Forms,
}

/// The words of one document, each with its weight (`weigh`).
pub type Words<'d> = Vec<(Cow<'d, str>, u32)>;

impl State {
    pub fn new(docs: Vec<Hashes>, words: Lists, forms: Forms) -> State {
        State { docs, words, forms }
    }

    pub fn words(&self) -> &Lists {
        &self.words
    }

    pub fn forms(&self) -> &Forms {
        &self.forms
    }

    /// The documents of `now` (by number) weighed differently from the ones this state
    /// was made of, if the index of `now` is worth patching from it: the same number of
    /// documents (a document added or removed renumbers those after it), and at most
    /// half of them changed.
    pub fn changed(&self, now: &[Hashes]) -> Option<Vec<u32>> {
        if self.docs.len() != now.len() {
            return None;
        }
        let changed: Vec<u32> = (0..now.len())
            .filter(|&i| self.docs.get(i) != now.get(i))
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        (changed.len() <= now.len() / 2).then_some(changed)
    }

    /// Whether the forms hold for `now`, whose documents `changed` are weighed anew: if
    /// none of those changed what forms are taken from.
    pub fn forms_hold(&self, now: &[Hashes], changed: &[u32]) -> bool {
        changed.iter().all(|&d| {
            let d = d as usize;
            self.docs.get(d).map(|h| h.forms) == now.get(d).map(|h| h.forms)
        })
    }

    /// The words of the index once the documents `changed` (in order) are weighed as
    /// `weighed` (one list each): every other document's weights as they were, in
    /// document order, as `Postings` gathers them. With the forms as they were.
    pub fn patch(self, changed: &[u32], weighed: &[Words]) -> (Lists, Forms) {
        let mut is_changed = vec![false; self.docs.len()];
        for &d in changed {
            if let Some(c) = is_changed.get_mut(d as usize) {
                *c = true;
            }
        }
        let is_changed = |d: u32| is_changed.get(d as usize).copied().unwrap_or(false);
        // The changed documents' words by word, in document order, then as weighed.
        let mut added: FxHashMap<&str, Vec<(u32, u32)>> = FxHashMap::default();
        for (&doc, words) in changed.iter().zip(weighed) {
            for (t, w) in words {
                added.entry(t).or_default().push((doc, *w));
            }
        }
        let mut words = self.words;
        words.par_iter_mut().for_each(|(term, list)| {
            let add = added.get(&**term).map_or(&[][..], Vec::as_slice);
            if add.is_empty() && !list.iter().any(|(d, _)| is_changed(d)) {
                return;
            }
            let kept = list.iter().filter(|(d, _)| !is_changed(*d));
            *list = merged(kept, add);
        });
        let mut new: Lists = added
            .iter()
            .filter(|(t, _)| words.binary_search_by(|(w, _)| (**w).cmp(**t)).is_err())
            .map(|(t, list)| (Box::from(*t), list.iter().copied().collect()))
            .collect();
        new.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        words.retain(|(_, list)| !list.is_empty());
        words.extend(new);
        // Two sorted runs: merged in one pass.
        words.sort_by(|a, b| a.0.cmp(&b.0));
        (words, self.forms)
    }

    /// The state as `read` reads it back.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        varint(out, self.docs.len() as u64);
        for h in &self.docs {
            out.extend_from_slice(&h.weighed.to_le_bytes());
            out.extend_from_slice(&h.forms.to_le_bytes());
        }
        varint(out, self.words.len() as u64);
        for (term, list) in &self.words {
            bytes(out, term.as_bytes());
            list.write_to(out);
        }
        let mut forms: Vec<(&String, &Box<str>)> = self.forms.iter().collect();
        forms.sort_unstable();
        varint(out, forms.len() as u64);
        for (term, form) in forms {
            bytes(out, term.as_bytes());
            bytes(out, form.as_bytes());
        }
    }

    /// A state as `write_to` wrote it, from the start of `b`.
    pub fn read(b: &mut read::Bytes) -> Option<State> {
        let u64_at = |b: &mut read::Bytes| -> Option<u64> {
            Some(u64::from_le_bytes(b.take(8)?.try_into().ok()?))
        };
        let n = usize::try_from(b.varint()?).ok()?;
        let mut docs = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let weighed = u64_at(b)?;
            docs.push(Hashes {
                weighed,
                forms: u64_at(b)?,
            });
        }
        let n = usize::try_from(b.varint()?).ok()?;
        let mut words = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let term: Box<str> = b.text()?.into();
            words.push((term, Packed::read_from(b)?));
        }
        let n = usize::try_from(b.varint()?).ok()?;
        let mut forms = FxHashMap::default();
        for _ in 0..n {
            let term = b.text()?.to_owned();
            forms.insert(term, b.text()?.into());
        }
        Some(State { docs, words, forms })
    }
}

/// The pairs of `kept` and `add`, both in document order and with no document in both,
/// in document order.
fn merged(kept: impl Iterator<Item = (u32, u32)>, add: &[(u32, u32)]) -> Packed {
    let mut out = Packed::default();
    let mut add = add.iter().copied().peekable();
    for (doc, w) in kept {
        while let Some(a) = add.next_if(|a| a.0 < doc) {
            out.push(a.0, a.1);
        }
        out.push(doc, w);
    }
    for (doc, w) in add {
        out.push(doc, w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(pairs: &[(u32, u32)]) -> Packed {
        pairs.iter().copied().collect()
    }

    fn state(docs: usize, words: &[(&str, &[(u32, u32)])]) -> State {
        let hashes = (0..docs as u64)
            .map(|i| Hashes {
                weighed: i,
                forms: i,
            })
            .collect();
        let words = words
            .iter()
            .map(|(t, l)| (Box::from(*t), packed(l)))
            .collect();
        let mut forms = FxHashMap::default();
        forms.insert("barnevern".to_owned(), Box::from("barnevernet"));
        State::new(hashes, words, forms)
    }

    fn lists(words: &[(Box<str>, Packed)]) -> Vec<(String, Vec<(u32, u32)>)> {
        words
            .iter()
            .map(|(t, l)| (t.to_string(), l.pairs()))
            .collect()
    }

    #[test]
    fn a_patch_takes_out_the_changed_documents_words_and_puts_in_their_new_ones() {
        let before = state(
            4,
            &[
                ("avtal", &[(0, 1), (1, 3), (3, 1)]),
                ("barn", &[(1, 8)]),
                ("kommun", &[(2, 1)]),
            ],
        );
        // Document 1 loses "barn" (its only document) and gains "tillit" and "kommun";
        // document 3 weighs "avtal" anew.
        let weighed: Vec<Words> = vec![
            vec![
                (Cow::Borrowed("avtal"), 2),
                (Cow::Borrowed("tillit"), 8),
                (Cow::Borrowed("kommun"), 1),
            ],
            vec![(Cow::Borrowed("avtal"), 5)],
        ];
        let (words, forms) = before.patch(&[1, 3], &weighed);
        assert_eq!(
            lists(&words),
            [
                ("avtal".to_owned(), vec![(0, 1), (1, 2), (3, 5)]),
                ("kommun".to_owned(), vec![(1, 1), (2, 1)]),
                ("tillit".to_owned(), vec![(1, 8)]),
            ]
        );
        assert_eq!(forms.len(), 1);
    }

    #[test]
    fn only_an_index_of_as_many_documents_with_few_changed_is_patched() {
        let before = state(4, &[]);
        let mut now: Vec<Hashes> = before.docs.clone();
        assert_eq!(before.changed(&now), Some(vec![]));
        now[2].weighed = 99;
        assert_eq!(before.changed(&now), Some(vec![2]));
        assert!(before.forms_hold(&now, &[2]));
        now[2].forms = 99;
        assert!(!before.forms_hold(&now, &[2]));
        now[0].weighed = 99;
        assert_eq!(before.changed(&now), Some(vec![0, 2]));
        now[1].weighed = 99;
        assert_eq!(before.changed(&now), None, "three of four changed");
        assert_eq!(before.changed(&now[..3]), None, "a document fewer");
    }

    #[test]
    fn a_state_reads_back_as_written_and_not_when_cut_short() {
        let before = state(3, &[("avtal", &[(0, 1), (2, 9)]), ("øy", &[(1, 300)])]);
        let mut out = Vec::new();
        before.write_to(&mut out);
        let back = State::read(&mut read::Bytes::new(&out)).unwrap();
        assert_eq!(back.docs, before.docs);
        assert_eq!(lists(&back.words), lists(&before.words));
        assert_eq!(back.forms, before.forms);
        for cut in 0..out.len() {
            assert!(
                State::read(&mut read::Bytes::new(&out[..cut])).is_none(),
                "{cut}"
            );
        }
    }
}
