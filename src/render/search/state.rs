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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The number in the new index of each of the state's documents, in order; `None`
    /// where its words go.
    number: Vec<Option<u32>>,
}

impl Plan {
    /// The state's documents whose words go.
    fn gone(&self) -> impl Iterator<Item = u32> + '_ {
        let gone = self.number.iter().enumerate().filter(|(_, n)| n.is_none());
        gone.filter_map(|(i, _)| u32::try_from(i).ok())
    }
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
    /// The documents that start and end both lists alike keep their words. Between
    /// them, each document of `now` takes the words of the first one of the state's, in
    /// order, with the same hashes; the others are weighed anew, and the state's
    /// documents no one took have their words taken out. So an edit weighs the edited
    /// documents, a page added or removed that page, and a page whose new title puts it
    /// elsewhere in the order that page, the documents between keeping their words
    /// under their new numbers. (Not the fewest possible: a document of `now` the same
    /// as one far on in the state, which only a copy of another document can be, takes
    /// that one's words, and those between are weighed. The index is the same.)
    pub fn plan(&self, now: &[Hashes]) -> Option<Plan> {
        let (was, is) = (self.docs.len(), now.len());
        let same = |(a, b): &(&Hashes, &Hashes)| a == b;
        let start = self.docs.iter().zip(now).take_while(same).count();
        let end = (self.docs.get(start..)?.iter().rev())
            .zip(now.get(start..)?.iter().rev())
            .take_while(same)
            .count();
        let mut number: Vec<Option<u32>> = vec![None; was];
        let to = |j: usize| u32::try_from(j).ok();
        for (i, n) in number.iter_mut().enumerate().take(start) {
            *n = to(i);
        }
        for (k, n) in number.iter_mut().skip(was - end).enumerate() {
            *n = to(is - end + k);
        }
        // Between: the state's documents by their hashes, each list in order, with how
        // many of it are behind the last one taken.
        let mut by_hash: FxHashMap<Hashes, (Vec<u32>, usize)> = FxHashMap::default();
        for i in start..was - end {
            let h = self.docs.get(i)?;
            by_hash.entry(*h).or_default().0.push(to(i)?);
        }
        let mut next = start;
        let mut weigh = Vec::new();
        for j in start..is - end {
            let found = now
                .get(j)
                .and_then(|h| by_hash.get_mut(h))
                .and_then(|(olds, seen)| {
                    while olds.get(*seen).is_some_and(|&i| (i as usize) < next) {
                        *seen += 1;
                    }
                    let i = *olds.get(*seen)?;
                    *seen += 1;
                    Some(i as usize)
                });
            match found {
                Some(i) => {
                    *number.get_mut(i)? = to(j);
                    next = i + 1;
                }
                None => weigh.push(to(j)?),
            }
        }
        (weigh.len() <= is / 2).then_some(Plan { weigh, number })
    }

    /// Whether the forms hold for `now`, patched by `plan`: if the documents weighed
    /// anew have, between them, what the documents whose words go had to take forms
    /// from (whose order does not matter).
    pub fn forms_hold(&self, now: &[Hashes], plan: &Plan) -> bool {
        let sorted = |mut f: Vec<Option<u64>>| {
            f.sort_unstable();
            f
        };
        let gone = plan
            .gone()
            .map(|d| self.docs.get(d as usize).map(|h| h.forms));
        let weighed = plan
            .weigh
            .iter()
            .map(|&d| now.get(d as usize).map(|h| h.forms));
        sorted(gone.collect()) == sorted(weighed.collect())
    }

    /// The words of the index once patched by `plan`, the documents it weighs weighed as
    /// `weighed` (one list each): every other document's weights as they were, in
    /// document order, as `Postings` gathers them. With the forms as they were.
    pub fn patch(self, plan: &Plan, weighed: &[Words]) -> (Lists, Forms) {
        let number = |d: u32| plan.number.get(d as usize).copied().flatten();
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
            if add.is_empty() && list.iter().all(|(d, _)| number(d) == Some(d)) {
                return;
            }
            let kept = list.iter().filter_map(|(d, w)| Some((number(d)?, w)));
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

    /// The state as a build keeps it, with the address of its site's search page: what
    /// `from_bytes` reads back.
    pub fn to_bytes(&self, site: &str) -> Vec<u8> {
        let mut out = Vec::new();
        bytes(&mut out, site.as_bytes());
        varint(&mut out, self.docs.len() as u64);
        for h in &self.docs {
            out.extend_from_slice(&h.weighed.to_le_bytes());
            out.extend_from_slice(&h.forms.to_le_bytes());
        }
        varint(&mut out, self.words.len() as u64);
        for (term, list) in &self.words {
            bytes(&mut out, term.as_bytes());
            list.write_to(&mut out);
        }
        let mut forms: Vec<(&String, &Box<str>)> = self.forms.iter().collect();
        forms.sort_unstable();
        varint(&mut out, forms.len() as u64);
        for (term, form) in forms {
            bytes(&mut out, term.as_bytes());
            bytes(&mut out, form.as_bytes());
        }
        out
    }

    /// A state and the address of its site's search page, as `to_bytes` wrote them:
    /// all of `b`, or none of it.
    pub fn from_bytes(b: &[u8]) -> Option<(String, State)> {
        let mut b = read::Bytes::new(b);
        let site = b.text()?.to_owned();
        let u64_at = |b: &mut read::Bytes| -> Option<u64> {
            Some(u64::from_le_bytes(*b.take(8)?.first_chunk()?))
        };
        // Room is made for no more than what the bytes left can hold.
        let n = usize::try_from(b.varint()?).ok()?;
        let mut docs = Vec::with_capacity(n.min(b.left() / 16));
        for _ in 0..n {
            let weighed = u64_at(&mut b)?;
            docs.push(Hashes {
                weighed,
                forms: u64_at(&mut b)?,
            });
        }
        let n = usize::try_from(b.varint()?).ok()?;
        let mut words = Vec::with_capacity(n.min(b.left() / 4));
        for _ in 0..n {
            let term: Box<str> = b.text()?.into();
            words.push((term, Packed::read_from(&mut b)?));
        }
        let n = usize::try_from(b.varint()?).ok()?;
        let mut forms = FxHashMap::default();
        for _ in 0..n {
            let term = b.text()?.to_owned();
            forms.insert(term, b.text()?.into());
        }
        b.is_done().then_some((site, State { docs, words, forms }))
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
            (
                plan.weigh.as_slice(),
                plan.gone().collect::<Vec<_>>().as_slice()
            ),
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
            (
                plan.weigh.as_slice(),
                plan.gone().collect::<Vec<_>>().as_slice()
            ),
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
        // Two documents that changed places: one keeps its words, the other is weighed
        // at its new place, and the forms are taken from the same.
        let mut swapped = before.docs.clone();
        swapped.swap(1, 2);
        let plan = before.plan(&swapped).unwrap();
        assert_eq!(plan.weigh, [2]);
        assert_eq!(plan.gone().collect::<Vec<_>>(), [1]);
        assert!(before.forms_hold(&swapped, &plan));
        // One moved far on (a new title), one added, one removed: only the moved one
        // and the added one are weighed, the others keep their words under new numbers.
        let before = state(10, &[]);
        let mut now = before.docs.clone();
        let mut moved = now.remove(1);
        moved.weighed = 11;
        now.insert(7, moved);
        now.insert(
            3,
            Hashes {
                weighed: 77,
                forms: 77,
            },
        );
        now.remove(9);
        let plan = before.plan(&now).unwrap();
        assert_eq!(plan.weigh, [3, 8]);
        assert_eq!(plan.gone().collect::<Vec<_>>(), [1, 8]);
        assert_eq!(
            plan.number,
            [
                Some(0),
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(9)
            ]
        );
    }

    #[test]
    fn documents_alike_are_taken_in_order_and_none_is_taken_twice() {
        let h = |n: u64| Hashes {
            weighed: n,
            forms: n,
        };
        let before = State::new(vec![h(1), h(4), h(4), h(2)], Vec::new(), Forms::default());
        // Another document and a third copy put between the copies: two copies keep
        // their words (the first with the start, the second with the end), one is
        // weighed, and no old document is taken twice.
        let now = [h(1), h(4), h(9), h(4), h(4), h(2)];
        let plan = before.plan(&now).unwrap();
        assert_eq!(plan.weigh, [2, 3]);
        assert_eq!(plan.number, [Some(0), Some(1), Some(4), Some(5)]);
        // Between the start and the end, copies are taken in order.
        let now = [h(1), h(7), h(4), h(4), h(8), h(2)];
        let plan = before.plan(&now).unwrap();
        assert_eq!(plan.weigh, [1, 4]);
        assert_eq!(plan.number, [Some(0), Some(2), Some(3), Some(5)]);
        // Every document removed; none ever kept; none now or before.
        let plan = before.plan(&[]).unwrap();
        assert_eq!((plan.weigh.len(), plan.gone().count()), (0, 4));
        let none = State::new(Vec::new(), Vec::new(), Forms::default());
        assert_eq!(none.plan(&now), None, "all six to weigh");
        assert_eq!(none.plan(&[]).map(|p| p.weigh), Some(vec![]));
        let plan = before.plan(&[]).unwrap();
        let (words, forms) = before.patch(&plan, &[]);
        assert!(words.is_empty() && forms.is_empty());
    }

    #[test]
    fn a_state_reads_back_as_written_and_not_when_cut_short_or_claiming_more() {
        let before = state(3, &[("avtal", &[(0, 1), (2, 9)]), ("øy", &[(1, 300)])]);
        let out = before.to_bytes("/sok/");
        let (site, back) = State::from_bytes(&out).unwrap();
        assert_eq!(site, "/sok/");
        assert_eq!(back.docs, before.docs);
        assert_eq!(lists(&back.words), lists(&before.words));
        assert_eq!(back.forms, before.forms);
        for cut in 0..out.len() {
            assert!(State::from_bytes(&out[..cut]).is_none(), "{cut}");
        }
        let mut longer = out.clone();
        longer.push(0);
        assert!(State::from_bytes(&longer).is_none(), "a byte more");
        // A list that says it has more pairs than its bytes can hold.
        let mut b = Vec::new();
        varint(&mut b, 1_000_000);
        varint(&mut b, 0);
        bytes(&mut b, &[1, 1]);
        assert!(Packed::read_from(&mut read::Bytes::new(&b)).is_none());
    }

    /// Bytes changed anywhere, one at a time and at random, are read without a panic,
    /// and what they read back as is a state a patch can use without one.
    #[test]
    fn changed_bytes_never_panic() {
        let before = state(
            6,
            &[
                ("avtal", &[(0, 1), (2, 9), (5, 3)]),
                ("barn", &[(1, 8)]),
                ("øy", &[(3, 300), (4, 1)]),
            ],
        );
        let out = before.to_bytes("/sok/");
        let rng = super::super::tests::TestRng::new(0x5eed);
        for round in 0..20_000 {
            let mut bytes = out.clone();
            for _ in 0..1 + round % 4 {
                let at = rng.below(bytes.len());
                bytes[at] = rng.below(256) as u8;
            }
            if let Some((_, state)) = State::from_bytes(&bytes) {
                let now: Vec<Hashes> = state.docs.iter().rev().copied().collect();
                let weighed: Vec<Words> = vec![vec![(Cow::Borrowed("ny"), 1)]; now.len()];
                if let Some(plan) = state.plan(&now) {
                    let n = plan.weigh.len();
                    let _ = state.patch(&plan, &weighed[..n]);
                }
            }
        }
    }
}
