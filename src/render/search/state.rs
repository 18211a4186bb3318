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

/// How a new index's documents follow from those a state was made of (`State::plan`).
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// The new index's documents to weigh, in order.
    pub weigh: Vec<u32>,
    /// The state's documents whose words go, in order.
    gone: Vec<u32>,
    /// The state's documents from this one on are numbered `by` more in the new index.
    from: u32,
    by: i64,
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

    /// How the index of documents `now` follows from the one this state was made of, if
    /// it is worth patching: at most half of its documents weighed anew.
    ///
    /// With as many documents, those whose hashes differ are weighed anew. With more or
    /// fewer (pages added or removed), the documents that start and end both lists alike
    /// keep their words, renumbered after the ones between, which are weighed anew.
    pub fn plan(&self, now: &[Hashes]) -> Option<Plan> {
        let (was, is) = (self.docs.len(), now.len());
        let number = |i: usize| u32::try_from(i).ok();
        let plan = if was == is {
            let changed: Vec<u32> = (0..is)
                .filter(|&i| self.docs.get(i) != now.get(i))
                .filter_map(number)
                .collect();
            Plan {
                gone: changed.clone(),
                weigh: changed,
                from: number(was)?,
                by: 0,
            }
        } else {
            let same = |(a, b): &(&Hashes, &Hashes)| a == b;
            let start = self.docs.iter().zip(now).take_while(same).count();
            let end = (self.docs.get(start..)?.iter().rev())
                .zip(now.get(start..)?.iter().rev())
                .take_while(same)
                .count();
            Plan {
                gone: (start..was - end).filter_map(number).collect(),
                weigh: (start..is - end).filter_map(number).collect(),
                from: number(was - end)?,
                by: i64::try_from(is).ok()? - i64::try_from(was).ok()?,
            }
        };
        (plan.weigh.len() <= is / 2).then_some(plan)
    }

    /// Whether the forms hold for `now`, patched by `plan`: if the documents weighed
    /// anew have, between them, what the documents whose words go had to take forms
    /// from (whose order does not matter).
    pub fn forms_hold(&self, now: &[Hashes], plan: &Plan) -> bool {
        let forms = |docs: &[Hashes], which: &[u32]| {
            let mut f: Vec<Option<u64>> = which
                .iter()
                .map(|&d| docs.get(d as usize).map(|h| h.forms))
                .collect();
            f.sort_unstable();
            f
        };
        forms(&self.docs, &plan.gone) == forms(now, &plan.weigh)
    }

    /// The words of the index once patched by `plan`, the documents it weighs weighed as
    /// `weighed` (one list each): every other document's weights as they were, in
    /// document order, as `Postings` gathers them. With the forms as they were.
    pub fn patch(self, plan: &Plan, weighed: &[Words]) -> (Lists, Forms) {
        let mut gone = vec![false; self.docs.len()];
        for &d in &plan.gone {
            if let Some(g) = gone.get_mut(d as usize) {
                *g = true;
            }
        }
        let gone = |d: u32| gone.get(d as usize).copied().unwrap_or(false);
        let moves = |d: u32| plan.by != 0 && d >= plan.from;
        let number = |d: u32| {
            if moves(d) {
                u32::try_from(i64::from(d) + plan.by).unwrap_or(u32::MAX)
            } else {
                d
            }
        };
        // The weighed documents' words by word, in document order, then as weighed.
        let mut added: FxHashMap<&str, Vec<(u32, u32)>> = FxHashMap::default();
        for (&doc, words) in plan.weigh.iter().zip(weighed) {
            for (t, w) in words {
                added.entry(t).or_default().push((doc, *w));
            }
        }
        let mut words = self.words;
        words.par_iter_mut().for_each(|(term, list)| {
            let add = added.get(&**term).map_or(&[][..], Vec::as_slice);
            if add.is_empty() && !list.iter().any(|(d, _)| gone(d) || moves(d)) {
                return;
            }
            let kept = list
                .iter()
                .filter(|(d, _)| !gone(*d))
                .map(|(d, w)| (number(d), w));
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
        let mut now = before.docs.clone();
        now[1].weighed = 10;
        now[3].weighed = 30;
        let plan = before.plan(&now).unwrap();
        assert_eq!(plan.weigh, [1, 3]);
        let (words, forms) = before.patch(&plan, &weighed);
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
    fn documents_added_or_removed_renumber_those_after_them() {
        let before = state(
            5,
            &[("avtal", &[(0, 1), (2, 3), (4, 1)]), ("barn", &[(3, 8)])],
        );
        let new = Hashes {
            weighed: 99,
            forms: 99,
        };
        // One added as the second: the first keeps its number, the others are one on.
        let mut now = before.docs.clone();
        now.insert(1, new);
        let plan = before.plan(&now).unwrap();
        assert_eq!(
            (plan.weigh.as_slice(), plan.gone.as_slice()),
            (&[1][..], &[][..])
        );
        assert!(!before.forms_hold(&now, &plan));
        let weighed: Vec<Words> = vec![vec![(Cow::Borrowed("barn"), 3)]];
        let (words, _) = before.patch(&plan, &weighed);
        assert_eq!(
            lists(&words),
            [
                ("avtal".to_owned(), vec![(0, 1), (3, 3), (5, 1)]),
                ("barn".to_owned(), vec![(1, 3), (4, 8)]),
            ]
        );
        // The fourth removed: "barn" goes with it.
        let before = state(
            5,
            &[("avtal", &[(0, 1), (2, 3), (4, 1)]), ("barn", &[(3, 8)])],
        );
        let mut now = before.docs.clone();
        now.remove(3);
        let plan = before.plan(&now).unwrap();
        assert_eq!(
            (plan.weigh.as_slice(), plan.gone.as_slice()),
            (&[][..], &[3][..])
        );
        let (words, _) = before.patch(&plan, &[]);
        assert_eq!(
            lists(&words),
            [("avtal".to_owned(), vec![(0, 1), (2, 3), (3, 1)])]
        );
    }

    #[test]
    fn only_an_index_with_few_documents_to_weigh_is_patched() {
        let before = state(4, &[]);
        let weigh = |now: &[Hashes]| before.plan(now).map(|p| p.weigh);
        let mut now: Vec<Hashes> = before.docs.clone();
        assert_eq!(weigh(&now), Some(vec![]));
        now[2].weighed = 99;
        assert_eq!(weigh(&now), Some(vec![2]));
        assert!(before.forms_hold(&now, &before.plan(&now).unwrap()));
        now[2].forms = 99;
        assert!(!before.forms_hold(&now, &before.plan(&now).unwrap()));
        now[0].weighed = 99;
        assert_eq!(weigh(&now), Some(vec![0, 2]));
        now[1].weighed = 99;
        assert_eq!(weigh(&now), None, "three of four changed");
        assert_eq!(
            weigh(&now[1..]),
            None,
            "the first removed, two of three changed"
        );
        assert_eq!(
            weigh(&now[2..]),
            Some(vec![0]),
            "the first two removed, the third changed"
        );
        assert_eq!(weigh(&before.docs[1..]), Some(vec![]), "the first removed");
        // Documents that only changed places: the forms are taken from the same.
        let mut swapped = before.docs.clone();
        swapped.swap(1, 2);
        let plan = before.plan(&swapped).unwrap();
        assert_eq!(plan.weigh, [1, 2]);
        assert!(before.forms_hold(&swapped, &plan));
        // One added after them: those between it and the change are weighed too.
        let before = state(10, &[]);
        let mut now = before.docs.clone();
        now.swap(1, 2);
        now.insert(
            5,
            Hashes {
                weighed: 7,
                forms: 7,
            },
        );
        assert_eq!(
            before.plan(&now).map(|p| p.weigh),
            Some(vec![1, 2, 3, 4, 5])
        );
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
